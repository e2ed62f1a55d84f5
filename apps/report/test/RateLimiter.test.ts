import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Fiber, TestClock } from "effect"
import * as fc from "fast-check"
import * as RateLimiter from "../src/RateLimiter.ts"

// Records the clock each time `effect` completes, for `count` fibers started together.
const completionTimes = (count: number, effect: Effect.Effect<void>) =>
  Effect.forEach(
    Array.from({ length: count }, (_, index) => index),
    () => Effect.zipRight(effect, Clock.currentTimeMillis),
    { concurrency: "unbounded" }
  )

// An HTTP client under `limiter` that answers at once and notes the clock at each request it sends.
const recordingClient = (limiter: RateLimiter.RateLimiter, sentAt: Array<number>) =>
  RateLimiter.limitHttpClient(limiter)(
    HttpClient.make((request) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        sentAt.push(now)
        return HttpClientResponse.fromWeb(request, new Response("ok"))
      })
    )
  )

describe("RateLimiter", () => {
  it.effect("hands out turns on an even schedule, (1000 + margin) / qps apart, starting at once", () =>
    Effect.gen(function* () {
      const limiter = yield* RateLimiter.make({ qps: 10, marginMs: 0 })
      const fiber = yield* Effect.fork(completionTimes(5, limiter.take))
      yield* TestClock.adjust("1 second")
      const times = yield* Fiber.join(fiber)
      assert.deepStrictEqual(
        [...times].sort((a, b) => a - b),
        [0, 100, 200, 300, 400]
      )
    })
  )

  it.effect("the default margin slows a run at the quota to 1025 ms per qps requests", () =>
    Effect.gen(function* () {
      const limiter = yield* RateLimiter.make({ qps: 4 })
      const fiber = yield* Effect.fork(completionTimes(5, limiter.take))
      yield* TestClock.adjust("2 seconds")
      const times = [...(yield* Fiber.join(fiber))].sort((a, b) => a - b)
      assert.strictEqual(times[4]! - times[0]!, 4 * (1025 / 4))
    })
  )

  it("never lets qps + 1 requests go within the window, however late callers come back", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 400 })), {
          minLength: 1,
          maxLength: 200
        }),
        (qps, calls) => {
          const plan = RateLimiter.schedule(qps, 25)
          // Each call asks `gap` ms after the previous one, gets a turn, and comes back `late` ms after it.
          let asked = 0
          const pending: Array<number> = []
          for (const [gap, late] of calls) {
            asked += gap
            pending.push(plan.reserve(asked) + late)
          }
          // Replay the wake-ups in time order; a refused one tries again after the wait it was given.
          const sent: Array<number> = []
          while (pending.length > 0) {
            pending.sort((a, b) => a - b)
            const now = pending.shift()!
            const wait = plan.release(now)
            if (wait === 0) sent.push(now)
            else pending.push(now + wait)
          }
          // Stated as the limiter keeps it (a request at `earlier + windowMs` or later), since turns are fractional
          // milliseconds and `later - earlier` may round just below the window.
          for (let index = qps; index < sent.length; index++) {
            if (sent[index - qps]! + plan.windowMs > sent[index]!) return false
          }
          return sent.length === calls.length
        }
      ),
      { numRuns: 500 }
    )
  })

  it.effect("prepaid: a call's first request keeps its place on the schedule, a retry waits for a new turn", () =>
    Effect.gen(function* () {
      const limiter = yield* RateLimiter.make({ qps: 1, marginMs: 0 })
      const sentAt: Array<number> = []
      const client = recordingClient(limiter, sentAt)
      const twoAttempts = Effect.zipRight(client.get("http://127.0.0.1/first"), client.get("http://127.0.0.1/retry"))
      const fiber = yield* Effect.fork(RateLimiter.prepaid(limiter)(twoAttempts))
      yield* TestClock.adjust("999 millis")
      assert.deepStrictEqual(sentAt, [0])
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(sentAt, [0, 1000])
    })
  )

  it.effect("requests outside prepaid each take a whole turn", () =>
    Effect.gen(function* () {
      const limiter = yield* RateLimiter.make({ qps: 2, marginMs: 0 })
      const sentAt: Array<number> = []
      const client = recordingClient(limiter, sentAt)
      const fiber = yield* Effect.fork(
        Effect.forEach([1, 2, 3], (n) => client.get(`http://127.0.0.1/${n}`), { concurrency: "unbounded" })
      )
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(sentAt, [0, 500, 1000])
    })
  )

  it("refuses a qps that is not a positive number", () => {
    for (const qps of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) assert.isFalse(RateLimiter.isValidQps(qps))
    assert.isTrue(RateLimiter.isValidQps(0.5))
  })
})
