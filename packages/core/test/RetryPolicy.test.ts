import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Random, Ref, TestClock } from "effect"
import { RetryPolicy } from "../src/index.ts"

const response = (status: number, code?: string): RetryPolicy.Outcome => ({ _tag: "Response", status, code })

describe("RetryPolicy", () => {
  describe("classify", () => {
    const table: ReadonlyArray<readonly [RetryPolicy.Outcome, "retry" | "final"]> = [
      [response(408), "retry"],
      [response(429), "retry"],
      [response(500, "InternalError"), "retry"],
      [response(502), "retry"],
      [response(503, "ServiceUnavailable"), "retry"],
      [response(504), "retry"],
      [response(400, "Throttling.User"), "retry"],
      [response(400, "Throttling.Api"), "retry"],
      [response(403, "Throttling"), "retry"],
      [response(501), "final"],
      [response(505), "final"],
      [response(501, "InternalError"), "final"],
      [response(400, "SignatureDoesNotMatch"), "final"],
      [response(400, "SignatureNonceUsed"), "retry"],
      [response(400, "InvalidTimeStamp.Expired"), "final"],
      [response(404, "InvalidAccessKeyId.NotFound"), "final"],
      [response(403, "Forbidden.RAM"), "final"],
      [response(503, "Forbidden.RAM"), "final"],
      [response(400, "MissingParameter"), "final"],
      [response(404), "final"],
      [response(200), "final"],
      [{ _tag: "Transport" }, "retry"],
      [{ _tag: "Timeout" }, "retry"]
    ]
    for (const [outcome, expected] of table) {
      it(`${JSON.stringify(outcome)} -> ${expected}`, () => assert.strictEqual(RetryPolicy.classify(outcome), expected))
    }
  })

  describe("retry-after", () => {
    const now = Date.parse("2026-01-02T03:04:05Z")
    it("reads x-acs-retry-after as milliseconds first", () => {
      assert.strictEqual(RetryPolicy.retryAfterMs({ "x-acs-retry-after": "1500", "retry-after": "9" }, now), 1500)
    })
    it("reads Retry-After as seconds or as an HTTP date", () => {
      assert.strictEqual(RetryPolicy.retryAfterMs({ "retry-after": "3" }, now), 3000)
      assert.strictEqual(RetryPolicy.retryAfterMs({ "retry-after": "Fri, 02 Jan 2026 03:04:15 GMT" }, now), 10_000)
      assert.strictEqual(RetryPolicy.retryAfterMs({ "retry-after": "Fri, 02 Jan 2026 03:00:00 GMT" }, now), 0)
    })
    it("ignores what it cannot read", () => {
      assert.isUndefined(RetryPolicy.retryAfterMs({}, now))
      assert.isUndefined(RetryPolicy.retryAfterMs({ "retry-after": "soon" }, now))
      assert.isUndefined(RetryPolicy.retryAfterMs({ "x-acs-retry-after": "-5" }, now))
    })
  })

  it("backs off with full jitter under an exponential, capped ceiling", () => {
    const policy = RetryPolicy.defaults
    assert.strictEqual(RetryPolicy.backoffMs(policy, 1, 0), 0)
    assert.strictEqual(RetryPolicy.backoffMs(policy, 1, 0.999_999), 199)
    assert.strictEqual(RetryPolicy.backoffMs(policy, 2, 0.999_999), 399)
    assert.strictEqual(RetryPolicy.backoffMs(policy, 3, 0.5), 400)
    assert.strictEqual(RetryPolicy.backoffMs(policy, 20, 0.999_999), 4999)
  })

  describe("schedule", () => {
    // A failing effect retried with the schedule; records the TestClock time of each attempt.
    const run = (failure: RetryPolicy.Failure, policy: RetryPolicy.Policy = RetryPolicy.defaults) =>
      Effect.gen(function* () {
        const times = yield* Ref.make<Array<number>>([])
        const attempt = Effect.flatMap(TestClock.currentTimeMillis, (now) =>
          Effect.zipRight(
            Ref.update(times, (all) => [...all, now]),
            Effect.fail(failure)
          )
        )
        const fiber = yield* Effect.fork(Effect.retry(attempt, RetryPolicy.schedule(policy, 0)))
        yield* TestClock.adjust(policy.deadlineMs * 2)
        const exit = yield* Fiber.await(fiber)
        return { exit, times: yield* Ref.get(times) }
      })

    it.effect("stops after maxAttempts, with growing jittered waits", () =>
      Effect.gen(function* () {
        const { exit, times } = yield* run({ retryable: true })
        assert.isTrue(Exit.isFailure(exit))
        assert.strictEqual(times.length, 4)
        const waits = times.slice(1).map((time, i) => time - times[i]!)
        waits.forEach((wait, i) => {
          assert.isAtLeast(wait, 0)
          assert.isBelow(wait, 200 * 2 ** i)
        })
      }).pipe(Effect.withRandom(Random.make("fixed seed")))
    )

    it.effect("does not retry a final failure", () =>
      Effect.gen(function* () {
        const { times } = yield* run({ retryable: false })
        assert.deepStrictEqual(times, [0])
      })
    )

    it.effect("waits what the server asked, capped", () =>
      Effect.gen(function* () {
        const { times } = yield* run({ retryable: true, retryAfterMs: 45_000 })
        assert.deepStrictEqual(times, [0, 30_000])
      })
    )

    it.effect("gives up instead of sleeping past the deadline", () =>
      Effect.gen(function* () {
        const policy = { ...RetryPolicy.defaults, maxAttempts: 10, deadlineMs: 5_000 }
        const { times } = yield* run({ retryable: true, retryAfterMs: 2_000 }, policy)
        assert.deepStrictEqual(times, [0, 2_000, 4_000])
      })
    )

    it.effect("a layer overrides the defaults", () =>
      Effect.gen(function* () {
        const policy = yield* RetryPolicy.RetryPolicy
        assert.strictEqual(policy.maxAttempts, 2)
        assert.strictEqual(policy.deadlineMs, RetryPolicy.defaults.deadlineMs)
      }).pipe(Effect.provide(RetryPolicy.layer({ maxAttempts: 2 })))
    )

    it.effect("the defaults apply without a layer", () =>
      Effect.map(RetryPolicy.RetryPolicy, (policy) => assert.deepStrictEqual(policy, RetryPolicy.defaults))
    )
  })
})
