/**
 * A client-side rate limit that every worker of a fleet run shares, so that asking many instances at once stays
 * under the account's API flow control instead of being throttled by it.
 *
 * The gateway counts accepted requests per account in a sliding second. The limiter hands out turns on an even
 * schedule, one every `(1000 + marginMs) / qps` milliseconds, in the order they were asked for; and, measured at the
 * moment each request is actually let go, it never lets `qps` + 1 requests go within `1000 + marginMs` ms. The
 * margin absorbs the jitter between leaving here and arriving there (timers firing late, the network), so a run at
 * the quota is not throttled by it.
 *
 * A turn has two halves: waiting for the schedule (`turn`), which the fleet runner does before a call so that a long
 * queue never counts against the call's attempt timeout (`prepaid`), and the window check (`admit`), which the HTTP
 * client does right before the request leaves (`limitHttpClient`), so the times it keeps are sending times. Retries
 * wait for whole turns of their own inside the client.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import { Clock, Duration, Effect, FiberRef, Option, Ref } from "effect"

/** A shared limit: `take` waits for the caller's turn. */
export interface RateLimiter {
  /** Requests per second at most; `Infinity` for no limit. */
  readonly qps: number
  /** Waits for the caller's place on the schedule. Interrupting a waiting caller gives its place up. */
  readonly turn: Effect.Effect<void>
  /** Waits, rarely and briefly, until the window allows one more request, and counts it as sent now. */
  readonly admit: Effect.Effect<void>
  /** `turn`, then `admit`: waits until the caller may send one request. */
  readonly take: Effect.Effect<void>
}

/** How a limiter is made. */
export interface Options {
  /** Requests per second at most; a positive number (fractions allowed: 0.5 is one request every two seconds). */
  readonly qps: number
  /** Milliseconds added to each second for jitter between here and the server; default `defaultMarginMs`. */
  readonly marginMs?: number | undefined
}

/** The default margin: 2.5 % of a second, so a run at `qps` uses about 97.5 % of it. */
export const defaultMarginMs = 25

/** No limit: `take` returns at once. */
export const unlimited: RateLimiter = {
  qps: Number.POSITIVE_INFINITY,
  turn: Effect.void,
  admit: Effect.void,
  take: Effect.void
}

/** Whether a value is acceptable as `qps`. */
export const isValidQps = (qps: number): boolean => Number.isFinite(qps) && qps > 0

/**
 * The pure bookkeeping behind a limiter, driven by the caller's clock: `reserve` hands out the next turn on the
 * schedule, `release` admits a request at a time or says how long to wait first.
 */
export const schedule = (qps: number, marginMs: number = defaultMarginMs) => {
  const windowMs = 1000 + marginMs
  const intervalMs = windowMs / qps
  // The release times of the last `capacity` requests: the next one may not go before the oldest + windowMs.
  const capacity = Math.max(1, Math.floor(qps))
  const released: Array<number> = []
  let oldest = 0
  let next = Number.NEGATIVE_INFINITY
  return {
    intervalMs,
    windowMs,
    /** The time of the caller's turn, at or after `now`. */
    reserve: (now: number): number => {
      const turn = Math.max(now, next)
      next = turn + intervalMs
      return turn
    },
    /** Lets one request go at `now` and returns 0, or returns the milliseconds to wait before trying again. */
    release: (now: number): number => {
      if (released.length < capacity) {
        released.push(now)
        return 0
      }
      const earliest = released[oldest]! + windowMs
      if (now < earliest) return earliest - now
      released[oldest] = now
      oldest = (oldest + 1) % capacity
      return 0
    }
  }
}

/** Makes a limiter; a `qps` that is not a positive number is a defect, so check it with `isValidQps` first. */
export const make = (options: Options): Effect.Effect<RateLimiter> =>
  Effect.sync(() => {
    if (!isValidQps(options.qps)) throw new RangeError(`qps must be a positive number, got ${options.qps}`)
    const plan = schedule(options.qps, options.marginMs ?? defaultMarginMs)
    const turn = Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const at = plan.reserve(now)
      return at > now ? Effect.sleep(Duration.millis(at - now)) : Effect.void
    })
    // A timer that fired late, or a call slow to reach the wire, can bring requests closer than the schedule meant;
    // the window check holds them.
    const admit = Effect.gen(function* () {
      for (;;) {
        const wait = plan.release(yield* Clock.currentTimeMillis)
        if (wait === 0) return
        yield* Effect.sleep(Duration.millis(wait))
      }
    })
    return { qps: options.qps, turn, admit, take: Effect.zipRight(turn, admit) }
  })

// Set by `prepaid` around one call: whether its next HTTP request has already waited for its place on the schedule.
const ticket = FiberRef.unsafeMake<Option.Option<Ref.Ref<boolean>>>(Option.none())

/**
 * Waits for a place on the schedule, then runs `effect` with its first HTTP request holding that place (it still
 * passes the window check as it leaves). A fleet runner waits here, outside the client's attempt timeout, however long
 * the queue; retries inside `effect` wait for whole turns of their own.
 */
export const prepaid =
  (limiter: RateLimiter) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    limiter === unlimited
      ? effect
      : Effect.zipRight(
          limiter.turn,
          Effect.flatMap(Ref.make(true), (paid) => Effect.locally(effect, ticket, Option.some(paid)))
        )

/** An HTTP client whose every request waits for a turn; one `prepaid` placed on the schedule only passes `admit`. */
export const limitHttpClient =
  (limiter: RateLimiter) =>
  (client: HttpClient.HttpClient): HttpClient.HttpClient =>
    limiter === unlimited
      ? client
      : HttpClient.mapRequestEffect(client, (request) =>
          Effect.flatMap(FiberRef.get(ticket), (held) =>
            Effect.flatMap(
              Option.match(held, { onNone: () => Effect.succeed(false), onSome: (paid) => Ref.getAndSet(paid, false) }),
              (placed) => Effect.as(placed ? limiter.admit : limiter.take, request)
            )
          )
        )
