/**
 * When and how long to wait before trying a Hologres call again. The retryable and never-retry lists are plain data,
 * kept apart from the logic; `classify` is a pure function over them; `schedule` turns a policy into an Effect
 * `Schedule` with capped exponential backoff, full jitter, an attempt limit, an overall deadline and the server's
 * retry-after hints.
 */
import { Context, Duration, Effect, Layer, Random, Schedule, ScheduleDecision, ScheduleInterval } from "effect"

/** HTTP statuses that mean "try again later": timeouts, throttling and transient server or gateway trouble. */
export const retryableStatuses: ReadonlyArray<number> = [408, 429, 500, 502, 503, 504]

/** An error code containing any of these is transient (`Throttling.User`, `ServiceUnavailable`, `InternalError`). */
export const retryableCodePatterns: ReadonlyArray<string> = ["Throttling", "ServiceUnavailable", "InternalError"]

/** HTTP statuses that are never transient even though they are 5xx: the server will not change its mind. */
export const neverRetryStatuses: ReadonlyArray<number> = [501, 505]

/** Error codes that retrying cannot fix: the request is signed wrongly, and a fresh signature is just as wrong. */
export const neverRetryCodes: ReadonlyArray<string> = ["SignatureDoesNotMatch"]

/**
 * Error codes answering a copy of a request the client sent once: `SignatureNonceUsed` comes back when something
 * between client and gateway re-sent the signed request unchanged (an HTTP client retrying on a reused connection
 * that was reset, as Deno's fetch does, or a proxy retrying its upstream), so the answer to the first copy was lost.
 * Every attempt of ours is signed afresh, so the next one goes through.
 */
export const replayedRequestCodes: ReadonlyArray<string> = ["SignatureNonceUsed"]

/** Code prefixes that are configuration or permission problems: clock, key, RAM policy. */
export const neverRetryCodePrefixes: ReadonlyArray<string> = ["InvalidTimeStamp.", "InvalidAccessKeyId.", "Forbidden."]

/** What one attempt ended in, as far as retrying is concerned. */
export type Outcome =
  | { readonly _tag: "Response"; readonly status: number; readonly code?: string | undefined }
  | { readonly _tag: "Transport" }
  | { readonly _tag: "Timeout" }

/**
 * Whether an attempt's outcome is worth another attempt. A replayed request is retried (see `replayedRequestCodes`);
 * never-retry codes and statuses win over retryable ones; a retryable code makes a 4xx retryable (throttling comes as
 * HTTP 400); any other 4xx is final.
 */
export const classify = (outcome: Outcome): "retry" | "final" => {
  if (outcome._tag !== "Response") return "retry"
  const code = outcome.code ?? ""
  if (replayedRequestCodes.includes(code)) return "retry"
  if (neverRetryCodes.includes(code)) return "final"
  if (neverRetryCodePrefixes.some((prefix) => code.startsWith(prefix))) return "final"
  if (neverRetryStatuses.includes(outcome.status)) return "final"
  if (retryableCodePatterns.some((pattern) => code.includes(pattern))) return "retry"
  return retryableStatuses.includes(outcome.status) ? "retry" : "final"
}

/** A retry policy. Every duration is in milliseconds. */
export interface Policy {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number
  /** Upper bound of the first backoff; doubles with every retry. */
  readonly baseDelayMs: number
  /** Upper bound of any backoff. */
  readonly maxDelayMs: number
  /** Time allowed for one attempt, from sending to the last byte of the body. */
  readonly attemptTimeoutMs: number
  /** Time allowed for the whole call, retries and waits included. */
  readonly deadlineMs: number
  /** The most a server's `x-acs-retry-after` / `Retry-After` may make us wait. */
  readonly retryAfterCapMs: number
}

/**
 * The defaults: 4 attempts, backoff from 200 ms doubling to at most 5 s, 10 s per attempt, 60 s in all, a server's
 * retry-after honoured up to 30 s.
 *
 * Why: three retries ride out a gateway restart or a throttling burst without hiding a real outage; with full jitter
 * the expected backoff before the last attempt is under a second, so a healthy retry is quick. The API answers a
 * small document, so 10 s per attempt is generous even across regions (the vendor's SDKs give up after 3 s). A
 * minute in all keeps the command interactive and bounds a pipeline step; a retry-after longer than 30 s means the
 * quota is exhausted for a while and the caller should decide, not a sleeping client.
 */
export const defaults: Policy = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  attemptTimeoutMs: 10_000,
  deadlineMs: 60_000,
  retryAfterCapMs: 30_000
}

/** The policy in effect: `defaults` unless a layer provides another. */
export class RetryPolicy extends Context.Reference<RetryPolicy>()("@holo-upgrade/core/RetryPolicy", {
  defaultValue: (): Policy => defaults
}) {}

/** A layer overriding some fields of the default policy. */
export const layer = (overrides: Partial<Policy>): Layer.Layer<never> =>
  Layer.succeed(RetryPolicy, { ...defaults, ...overrides })

/** The full-jitter backoff before retry number `retry` (1 for the first retry), given a uniform draw in [0, 1). */
export const backoffMs = (policy: Policy, retry: number, draw: number): number => {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1))
  return Math.floor(draw * ceiling)
}

/**
 * The wait a server asked for, in milliseconds: `x-acs-retry-after` (milliseconds, as the vendor SDK reads it) first,
 * else `Retry-After` as seconds or an HTTP date relative to `nowMs`. `undefined` when absent or unreadable.
 */
export const retryAfterMs = (
  headers: Readonly<Record<string, string | undefined>>,
  nowMs: number
): number | undefined => {
  const acs = headers["x-acs-retry-after"]?.trim()
  if (acs !== undefined && /^\d+$/.test(acs)) return Number(acs)
  const standard = headers["retry-after"]?.trim()
  if (standard === undefined || standard === "") return undefined
  if (/^\d+$/.test(standard)) return Number(standard) * 1000
  const at = Date.parse(standard)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}

/** What the schedule needs to know about a failed attempt. */
export interface Failure {
  readonly retryable: boolean
  readonly retryAfterMs?: number | undefined
}

/** One step of the schedule: the failure it judged, its number, and the wait before the next attempt (if any). */
export interface Step<F extends Failure> {
  readonly failure: F
  readonly attempt: number
  readonly delayMs: number | undefined
}

/**
 * The retry schedule for a policy. It continues only on retryable failures, at most `maxAttempts - 1` times, and
 * never past `deadlineMs` after `startedAtMs` (giving up early instead of sleeping into the deadline). A server's
 * retry-after, capped, replaces the jittered backoff. Outputs a `Step` for every failure, so an observer can report
 * each attempt with its delay.
 */
export const schedule = <F extends Failure>(policy: Policy, startedAtMs: number): Schedule.Schedule<Step<F>, F> =>
  Schedule.makeWithState<number, F, Step<F>>(0, (now, failure, retries) =>
    Effect.gen(function* () {
      const attempt = retries + 1
      const stop = [retries, { failure, attempt, delayMs: undefined }, ScheduleDecision.done] as const
      if (!failure.retryable || attempt >= policy.maxAttempts) return stop
      const delayMs =
        failure.retryAfterMs === undefined
          ? backoffMs(policy, attempt, yield* Random.next)
          : Math.min(failure.retryAfterMs, policy.retryAfterCapMs)
      if (now + delayMs - startedAtMs >= policy.deadlineMs) return stop
      return [
        attempt,
        { failure, attempt, delayMs },
        ScheduleDecision.continueWith(ScheduleInterval.after(now + delayMs))
      ] as const
    })
  )

/** The policy's per-attempt timeout as a `Duration`. */
export const attemptTimeout = (policy: Policy): Duration.Duration => Duration.millis(policy.attemptTimeoutMs)
