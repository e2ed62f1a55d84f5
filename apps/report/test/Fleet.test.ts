import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Assessment, HologresClient, HologresError, UpgradeStatus } from "@holo-upgrade/core"
import { Deferred, Effect, Either, Fiber, Layer, Ref, TestClock } from "effect"
import * as ExitCode from "../src/ExitCode.ts"
import * as Fleet from "../src/Fleet.ts"
import * as Table from "../src/output/Table.ts"
import type * as Report from "../src/Report.ts"
import { fixture } from "./cli.ts"

const decoded = (text: string): UpgradeStatus.Response => Either.getOrThrow(UpgradeStatus.decodeBody(text))
const rolledBack = decoded(readFileSync(fixture("vendor-example-response.json"), "utf8"))
const noRecord = decoded(JSON.stringify({ RequestId: "R-1", Data: [], Success: true, HttpStatusCode: "200" }))

const notFound = (instanceId: string) =>
  new HologresError.ApiError({
    reason: "NotFound",
    message: `The specified instance ${instanceId} does not exist`,
    httpStatus: 404,
    code: "InvalidInstanceId.NotFound",
    apiMessage: "does not exist",
    requestId: "R-404",
    hostId: undefined,
    recommend: undefined,
    host: "127.0.0.1",
    hint: undefined,
    attempts: 1,
    elapsedMs: 0
  })

// A client answering by instance id: `rb-*` rolled back, `missing-*` not found, `slow-*` after a second, else none.
const client = (onCall: (instanceId: string) => Effect.Effect<void> = () => Effect.void) =>
  Layer.succeed(
    HologresClient.HologresClient,
    HologresClient.HologresClient.of({
      getUpgradeStatus: ({ instanceId }) =>
        Effect.zipRight(
          onCall(instanceId),
          instanceId.startsWith("missing")
            ? Effect.fail(notFound(instanceId))
            : instanceId.startsWith("hang")
              ? Effect.never
              : Effect.succeed(instanceId.startsWith("rb") ? rolledBack : noRecord)
        )
    })
  )

const targets = (...ids: Array<string>): Array<Fleet.Target> =>
  ids.map((instanceId, index) => ({ instanceId, regionId: index % 2 === 0 ? "cn-hangzhou" : "cn-shanghai" }))

describe("Fleet", () => {
  it.effect("counts verdicts, lists who needs attention worst first, and goes on past a failed call", () =>
    Effect.gen(function* () {
      const seen: Array<number> = []
      const snapshot = yield* Fleet.run({
        targets: targets("none-1", "missing-2", "rb-3", "none-4"),
        concurrency: 2,
        onReport: (_report: Report.InstanceReport, index) => Effect.sync(() => seen.push(index))
      }).pipe(Effect.provide(client()))
      assert.deepStrictEqual(
        [...seen].sort((a, b) => a - b),
        [0, 1, 2, 3]
      )
      assert.strictEqual(snapshot.done, 4)
      assert.strictEqual(snapshot.regions, 2)
      assert.strictEqual(snapshot.counts["no-record"], 2)
      assert.strictEqual(snapshot.counts["rolled-back"], 1)
      assert.strictEqual(snapshot.counts.unknown, 1)
      assert.strictEqual(snapshot.failedCalls, 1)
      assert.deepStrictEqual(
        snapshot.attention.map((entry) => [entry.instanceId, entry.state, entry.code]),
        [
          ["rb-3", "rolled-back", "rolled-back"],
          ["missing-2", "unknown", "call-failed"]
        ]
      )
      assert.strictEqual(snapshot.exitCode, ExitCode.upgradeFailed)
      const summary = Fleet.summaryText(snapshot, Table.plain)
      // The failed call is counted apart, not as an unknown verdict; JSON keeps `counts` and adds `verdicts`.
      assert.match(summary, /^Summary +4 instances in 2 regions: 1 ROLLED BACK · 1 CALL FAILED · 2 NO RECORD\n/)
      assert.match(summary, /Attention 2 of 4\n +rb-3 +cn-hangzhou +ROLLED BACK/)
      assert.strictEqual(snapshot.verdicts.unknown, 0)
      const json = Fleet.summaryJson(snapshot)
      assert.deepStrictEqual(Object.keys(json), [
        "total",
        "answered",
        "regions",
        "counts",
        "failedCalls",
        "attention",
        "verdicts"
      ])
      assert.strictEqual(json.counts.unknown, 1)
      assert.strictEqual(json.failedCalls, 1)
      assert.deepStrictEqual(
        [json.verdicts.unknown, json.verdicts["rolled-back"], json.verdicts["no-record"]],
        [0, 1, 2]
      )
    })
  )

  it("says what a run cut short knew, with no dangling list: the unanswered counted, attention among the answered", () => {
    const none = Object.fromEntries(Assessment.states.map((state) => [state, 0])) as Record<Assessment.State, number>
    const cutShort = (done: number, noRecord: number, failedCalls: number): Fleet.Snapshot => ({
      total: 2,
      regions: 1,
      done,
      counts: { ...none, "no-record": noRecord, unknown: failedCalls },
      verdicts: { ...none, "no-record": noRecord },
      failedCalls,
      attention: [],
      inFlight: [],
      startedAt: 0,
      now: 200,
      exitCode: ExitCode.ok
    })
    assert.strictEqual(
      Fleet.summaryText(cutShort(0, 0, 0), Table.plain),
      "Summary   2 instances in 1 region: 2 UNANSWERED\n"
    )
    assert.strictEqual(
      Fleet.summaryText(cutShort(1, 1, 0), Table.plain),
      "Summary   2 instances in 1 region: 1 NO RECORD · 1 UNANSWERED\nAttention none among the 1 answered\n"
    )
    assert.strictEqual(
      Fleet.summaryText(cutShort(2, 2, 0), Table.plain),
      "Summary   2 instances in 1 region: 2 NO RECORD\nAttention none: no failure, failed call, unknown verdict or warning\n"
    )
    assert.match(
      Fleet.summaryText(cutShort(2, 0, 2), Table.plain),
      /^Summary +2 instances in 1 region: 2 CALLS FAILED\n/
    )
  })

  it.effect("failed calls alone exit 4; configuration failures alone exit 3", () =>
    Effect.gen(function* () {
      const snapshot = yield* Fleet.run({ targets: targets("missing-1", "none-2"), concurrency: 4 }).pipe(
        Effect.provide(client())
      )
      assert.strictEqual(snapshot.exitCode, ExitCode.api)
      const clean = yield* Fleet.run({ targets: targets("none-1"), concurrency: 4 }).pipe(Effect.provide(client()))
      assert.strictEqual(clean.exitCode, ExitCode.ok)
      assert.deepStrictEqual(clean.attention, [])
      assert.strictEqual(
        ExitCode.ofOutcomes({ upgradesFailed: 0, callsFailed: 2, configFailures: 2 }),
        ExitCode.configuration
      )
    })
  )

  it.effect("asks at most `concurrency` instances at once", () =>
    Effect.gen(function* () {
      const running = yield* Ref.make(0)
      const most = yield* Ref.make(0)
      const call = () =>
        Effect.gen(function* () {
          const now = yield* Ref.updateAndGet(running, (n) => n + 1)
          yield* Ref.update(most, (m) => Math.max(m, now))
          yield* Effect.sleep("1 second")
          yield* Ref.update(running, (n) => n - 1)
        })
      const fiber = yield* Effect.fork(
        Fleet.run({
          targets: targets(...Array.from({ length: 10 }, (_, i) => `none-${i}`)),
          concurrency: 3
        }).pipe(Effect.provide(client(call)))
      )
      yield* TestClock.adjust("10 seconds")
      const snapshot = yield* Fiber.join(fiber)
      assert.strictEqual(snapshot.done, 10)
      assert.strictEqual(yield* Ref.get(most), 3)
    })
  )

  it.effect("interrupted, it reports what it knew and which calls were cut off", () =>
    Effect.gen(function* () {
      const last = yield* Deferred.make<Fleet.Snapshot>()
      const answered = yield* Ref.make(0)
      const threeDone = yield* Deferred.make<void>()
      const fiber = yield* Effect.fork(
        Fleet.run({
          targets: targets("none-1", "hang-2", "rb-3", "none-4"),
          concurrency: 4,
          onReport: () =>
            Effect.flatMap(
              Ref.updateAndGet(answered, (n) => n + 1),
              (n) => (n === 3 ? Deferred.succeed(threeDone, undefined) : Effect.void)
            ),
          onInterrupt: (snapshot) => Deferred.succeed(last, snapshot)
        }).pipe(Effect.provide(client()))
      )
      yield* Deferred.await(threeDone)
      yield* Fiber.interrupt(fiber)
      const snapshot = yield* Deferred.await(last)
      assert.strictEqual(snapshot.done, 3)
      assert.deepStrictEqual(
        snapshot.inFlight.map((target) => target.instanceId),
        ["hang-2"]
      )
      assert.strictEqual(snapshot.counts["rolled-back"], 1)
      assert.match(
        Fleet.summaryText(snapshot, Table.plain),
        /^Summary +4 instances in \d+ regions?: .* · 1 UNANSWERED\n/
      )
    })
  )
})
