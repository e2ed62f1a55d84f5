import { assert, describe, it } from "@effect/vitest"
import { HologresError } from "@holo-upgrade/core"
import { AccessKey, Emulator, type Scenario } from "@holo-upgrade/emulator"
import { Effect, Option } from "effect"
import * as Connection from "../src/Connection.ts"
import * as Progress from "../src/watch/Progress.ts"
import * as TimeSpan from "../src/watch/TimeSpan.ts"
import * as Watcher from "../src/watch/Watcher.ts"

// The pieces of `watch` on their own: the poller in this process against a real emulator and the real Node client,
// the board it draws, and the spans it reads.

/** Watches `specs` on a fresh emulator whose clock advances 100 scenario seconds per request; collects every round. */
const watchOn = (
  specs: ReadonlyArray<Scenario.InstanceSpec & { id: string }>,
  options: Partial<Watcher.Options> = {}
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const origin = Date.now()
      let answered = 0
      const emulator = yield* Emulator.make({
        specs,
        timeScale: 1000,
        now: () => origin + answered * 100,
        onRequest: () => {
          answered += 1
        }
      })
      const connection = yield* Connection.connect(
        specs.map((spec) => spec.id),
        {
          region: Option.some("cn-hangzhou"),
          endpoint: Option.some(emulator.url),
          profile: Option.none(),
          debug: false,
          explicit: { accessKeyId: AccessKey.demo.accessKeyId, accessKeySecret: AccessKey.demo.accessKeySecret },
          env: {}
        }
      )
      const rounds: Array<Watcher.Snapshot> = []
      const outcome = yield* Watcher.run({
        targets: specs.map((spec) => ({ instanceId: spec.id, regionId: connection.regionId })),
        intervalMs: 10,
        timeoutMs: 20_000,
        concurrency: 2,
        onRound: (snapshot) => Effect.sync(() => rounds.push(snapshot)),
        ...options
      }).pipe(Effect.provide(connection.layer))
      return { outcome, rounds }
    })
  )

describe("Watcher", () => {
  it.live("polls until every instance is decided, and the board shows steps, elapsed time and ETA on the way", () =>
    Effect.gen(function* () {
      const { outcome, rounds } = yield* watchOn([
        { id: "hgparts-ok", scenario: "hot-upgrade", prepareSeconds: 100 },
        { id: "hgparts-down", scenario: "step-failed", prepareSeconds: 100 }
      ])
      assert.strictEqual(outcome.ending, "decided")
      assert.deepStrictEqual(
        outcome.instances.map((instance) => [instance.standing, Watcher.reportOf(instance).state]),
        [
          ["decided", "succeeded"],
          ["decided", "failed"]
        ]
      )
      assert.strictEqual(Watcher.exitCode(outcome), 1)

      const boards = rounds.map((snapshot) => Progress.board(snapshot, 30_000, 7_200_000).join("\n"))
      assert.match(
        boards[0]!,
        /^holo-upgrade watch: [\d.]+ (?:s|min) of 2 h 00 min, every 30 s; 2 of 2 still running\n/
      )
      const running = boards.find((board) =>
        /hgparts-ok +UPGRADING +DoUpgrade Running [\d.]+ (?:s|min) of [\d.]+ (?:s|min)/.test(board)
      )
      assert.isDefined(running, boards.join("\n\n"))
      assert.match(running!, /elapsed [\d.]+ (?:s|min) +ETA [\d.]+ (?:s|min)/)
      assert.match(boards[boards.length - 1]!, /hgparts-down +FAILED +Backup Failed/)
      assert.include(boards[boards.length - 1]!, "0 of 2 still running")

      const failed = outcome.instances[1]!
      assert.match(
        Progress.describeFailure(failed),
        /^hgparts-down: FAILED \(step Backup Failed, StatusCode BackupFailed, request id [0-9A-F-]+\): The upgrade/
      )
    })
  )

  it.live("a deadline ends the watch with the last state seen, and exit 5 unless something failed", () =>
    Effect.gen(function* () {
      const { outcome } = yield* watchOn([{ id: "hgparts-stuck", scenario: "stuck-preparing" }], {
        intervalMs: 20,
        timeoutMs: 300
      })
      assert.strictEqual(outcome.ending, "timeout")
      const [stuck] = outcome.instances
      assert.strictEqual(stuck!.standing, "watching")
      assert.strictEqual(Watcher.reportOf(stuck!).state, "preparing")
      assert.isAbove(stuck!.polls, 1)
      assert.strictEqual(Watcher.exitCode(outcome), 5)
      assert.match(
        Progress.describeLastSeen(stuck!),
        /^hgparts-stuck: last seen PREPARING \(Status preparing, request id /
      )
    })
  )

  it("reads only errors that another poll cannot fix as permanent", () => {
    const api = (httpStatus: number, code: string) =>
      new HologresError.ApiError({
        reason: "Other",
        message: code,
        httpStatus,
        code,
        apiMessage: undefined,
        requestId: undefined,
        hostId: undefined,
        recommend: undefined,
        host: "127.0.0.1",
        hint: undefined,
        attempts: 1,
        elapsedMs: 0
      })
    const request = (reason: HologresError.RequestErrorReason) =>
      new HologresError.RequestError({ reason, message: reason, attempts: 4, elapsedMs: 0 })
    for (const error of [
      api(503, "ServiceUnavailable"),
      api(400, "Throttling.User"),
      api(502, "BadGateway"),
      request("Transport"),
      request("Deadline"),
      new HologresError.DecodeError({ reason: "Html", message: "html", path: [], excerpt: "<html>" })
    ]) {
      assert.isFalse(Watcher.isPermanent(error), error.message)
    }
    for (const error of [
      api(404, "InvalidInstanceId.NotFound"),
      api(400, "SignatureDoesNotMatch"),
      api(403, "Forbidden.RAM"),
      api(400, "InvalidTimeStamp.Expired"),
      request("InvalidInput")
    ]) {
      assert.isTrue(Watcher.isPermanent(error), error.message)
    }
  })
})

describe("Progress.liveBoard", () => {
  it("redraws in place: back over the lines drawn before, clear, draw; lines cut to the terminal's width", () => {
    const written: Array<string> = []
    const board = Progress.liveBoard({ write: (text) => written.push(text), columns: () => 12 })
    board.draw(["first line is long", "b"])
    board.draw(["c", "d", "e"])
    board.draw(["f"])
    assert.deepStrictEqual(written, ["first line \nb\n", "\u001b[2F\u001b[Jc\nd\ne\n", "\u001b[3F\u001b[Jf\n"])
  })
})

describe("TimeSpan", () => {
  it("reads spans as people type them", () => {
    const cases: ReadonlyArray<readonly [string, number | undefined]> = [
      ["30s", 30_000],
      ["2h", 7_200_000],
      ["1h30m", 5_400_000],
      ["500ms", 500],
      ["1.5m", 90_000],
      ["45", 45_000],
      [" 5M ", 300_000],
      ["1d", 86_400_000],
      ["", undefined],
      ["soon", undefined],
      ["30 s", undefined],
      ["5x", undefined],
      ["-5s", undefined],
      ["s", undefined]
    ]
    for (const [text, ms] of cases) assert.strictEqual(TimeSpan.parse(text), ms, JSON.stringify(text))
  })

  it("writes spans for people", () => {
    assert.deepStrictEqual([0, 750, 42_000, 425_000, 7_380_000].map(TimeSpan.format), [
      "0 s",
      "0.8 s",
      "42 s",
      "7.1 min",
      "2 h 03 min"
    ])
  })
})
