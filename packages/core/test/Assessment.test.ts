import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, TestClock } from "effect"
import * as fc from "fast-check"
import { Assessment, UpgradeDetails, UpgradeStatus } from "../src/index.ts"

const vendorText = readFileSync(
  fileURLToPath(new URL("../../../fixtures/vendor-example-response.json", import.meta.url)),
  "utf8"
)

const recordOf = (value: unknown): UpgradeStatus.UpgradeRecord => {
  const decoded = UpgradeStatus.decodeUnknown({ Success: true, Data: [value] })
  if (Either.isLeft(decoded)) assert.fail(decoded.left.message)
  return decoded.right.Data[0]!
}

const inputOf = (value: unknown): Assessment.Input => {
  const record = recordOf(value)
  return { record, decoded: UpgradeDetails.decode(record.Details) }
}

const codes = (assessment: Assessment.Assessment) => assessment.findings.map((finding) => finding.code)

const finding = (assessment: Assessment.Assessment, code: string): Assessment.Finding => {
  const found = assessment.findings.find((candidate) => candidate.code === code)
  if (found === undefined) assert.fail(`no finding ${code} in ${codes(assessment).join(", ")}`)
  return found
}

const at = (iso: string) => Date.parse(iso)

const steps = (entries: Record<string, { Status?: string; StartTime?: string; StopTime?: string }>) => ({
  UpgradingSteps: entries,
  FlightingReport: { EstimatedUpgradeTime: { StopInstance: 30, BackupData: 120, UpgradeInstance: 600 } }
})

describe("Assessment of the vendor example", () => {
  const response = UpgradeStatus.decodeBody(vendorText).pipe(Either.getOrThrow)
  const record = response.Data[0]!
  const assessment = Assessment.assessAt(
    { record, decoded: UpgradeDetails.decode(record.Details) },
    at("2024-01-01T00:00:00Z")
  )

  it("is rolled back, critically: the StatusCode names a failure and the Rollback step ran", () => {
    assert.strictEqual(assessment.state, "rolled-back")
    const first = assessment.findings[0]!
    assert.deepStrictEqual([first.severity, first.code], ["critical", "rolled-back"])
    assert.include(first.message, "LeaderRestartFailed")
    assert.include(first.message, "1.3.23")
  })

  it("reports the unavailable follower, the flighting regressions, the permissions and the segment tables", () => {
    assert.include(finding(assessment, "follower-unavailable").message, "WMS readonly (hxxx) is Unavailable")
    const flighting = finding(assessment, "flighting-regressions").message
    assert.include(flighting, "9000 queries")
    assert.include(flighting, "1 query with a different result")
    assert.include(flighting, "1 slower query")
    assert.include(finding(assessment, "read-permission").message, "2 objects failed the read-permission check")
    assert.include(finding(assessment, "segment-format").message, "12 tables in 2 databases")
    assert.include(finding(assessment, "details-repaired").message, "4 repairs")
  })

  it("estimates 750 s, has nothing remaining once ended, and lays out the four steps", () => {
    assert.strictEqual(assessment.estimatedUpgradeSeconds, 750)
    assert.include(finding(assessment, "estimated-duration").message, "seconds are assumed")
    assert.strictEqual(assessment.remainingSeconds, undefined)
    assert.strictEqual(assessment.elapsedSeconds, 0)
    assert.deepStrictEqual(
      assessment.timeline.map((step) => [
        step.step,
        step.status,
        step.phase,
        step.durationSeconds,
        step.estimatedSeconds
      ]),
      [
        ["Stop", "Success", "done", 0, 30],
        ["Backup", "Success", "done", 0, 120],
        ["DoUpgrade", "Success", "done", 0, 600],
        ["Rollback", "Success", "done", 0, undefined]
      ]
    )
  })

  it("orders findings most severe first", () => {
    const ranks = assessment.findings.map((item) => ({ critical: 0, warning: 1, info: 2 })[item.severity])
    assert.deepStrictEqual(
      ranks,
      [...ranks].sort((a, b) => a - b)
    )
  })
})

describe("Assessment rules", () => {
  it("says no-record when there is no record", () => {
    const assessment = Assessment.assessAt(undefined, 0)
    assert.strictEqual(assessment.state, "no-record")
    assert.deepStrictEqual(codes(assessment), ["no-record"])
  })

  it.effect("counts down the estimate while upgrading, from the Clock", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(at("2024-05-01T10:03:20Z"))
      const input = inputOf({
        Status: "upgrading",
        ToVersion: "r3.2.12",
        Details: steps({
          Stop: { Status: "Success", StartTime: "2024-05-01T10:00:00Z", StopTime: "2024-05-01T10:00:30Z" },
          Backup: { Status: "Success", StartTime: "2024-05-01T10:00:30Z", StopTime: "2024-05-01T10:01:40Z" },
          DoUpgrade: { Status: "Running", StartTime: "2024-05-01T10:01:40Z" }
        })
      })
      const early = yield* Assessment.assess(input)
      assert.strictEqual(early.state, "upgrading")
      assert.strictEqual(early.estimatedUpgradeSeconds, 750)
      assert.strictEqual(early.remainingSeconds, 500)
      assert.strictEqual(early.elapsedSeconds, 200)
      assert.strictEqual(early.timeline[2]!.durationSeconds, 100)

      yield* TestClock.adjust("10 minutes")
      const late = yield* Assessment.assess(input)
      assert.strictEqual(late.remainingSeconds, 0)
      assert.include(finding(late, "over-estimate").message, "DoUpgrade has run 11.7 min against 10 min estimated")
    })
  )

  it("is late only when the message can show it: a step at its estimate, to the shown precision, is on time", () => {
    const running = (startTime: string) =>
      inputOf({
        Status: "upgrading",
        Details: JSON.stringify({
          FlightingReport: { EstimatedUpgradeTime: { UpgradeInstance: 10 } },
          UpgradingSteps: { DoUpgrade: { Status: "Running", StartTime: startTime } }
        })
      })
    const now = at("2024-05-01T10:00:10.400Z")
    // 10.4 s against 10 s reads "10 s against 10 s": no finding.
    const onTime = Assessment.assessAt(running("2024-05-01T10:00:00Z"), now)
    assert.notInclude(codes(onTime), "over-estimate")
    assert.strictEqual(onTime.timeline[0]!.durationSeconds, 10.4)
    // 12.4 s against 10 s shows the difference.
    const late = Assessment.assessAt(running("2024-05-01T09:59:58Z"), now)
    assert.strictEqual(
      finding(late, "over-estimate").message,
      "Running late: DoUpgrade has run 12 s against 10 s estimated"
    )
  })

  it("writes every length of time one way", () => {
    const cases: ReadonlyArray<readonly [number, string]> = [
      [0, "0 s"],
      [-3, "0 s"],
      [Number.NaN, "0 s"],
      [0.8, "0.8 s"],
      [1.77, "1.8 s"],
      [2, "2 s"],
      [9.96, "10 s"],
      [47.4, "47 s"],
      [89.4, "89 s"],
      [89.6, "1.5 min"],
      [750, "12.5 min"],
      [600, "10 min"],
      [3590, "59.8 min"],
      [3599, "1 h 00 min"],
      [3600, "1 h 00 min"],
      [7500, "2 h 05 min"]
    ]
    for (const [seconds, text] of cases) assert.strictEqual(Assessment.describeSeconds(seconds), text, String(seconds))
  })

  it("counts a step whose status it does not understand as not done", () => {
    const assessment = Assessment.assessAt(
      inputOf({
        Status: "upgrading",
        Details: steps({
          Stop: { Status: "Weird", StartTime: "2024-05-01T10:00:00Z", StopTime: "2024-05-01T10:00:30Z" }
        })
      }),
      at("2024-05-01T10:01:00Z")
    )
    assert.strictEqual(assessment.timeline[0]!.phase, "unknown")
    assert.strictEqual(assessment.remainingSeconds, 750)
  })

  it("calls an archived record succeeded only when DoUpgrade reports success and no rollback ran", () => {
    const done = Assessment.assessAt(
      inputOf({ Status: "archived", Details: steps({ DoUpgrade: { Status: "Success" } }) }),
      0
    )
    assert.strictEqual(done.state, "succeeded")
    assert.strictEqual(done.remainingSeconds, undefined)
    const bare = Assessment.assessAt(inputOf({ Status: "archived" }), 0)
    assert.strictEqual(bare.state, "unknown")
    assert.includeMembers(codes(bare), ["outcome-unproven", "details-missing"])
  })

  it("keeps undocumented statuses unknown, naming a case-only difference", () => {
    for (const status of ["pre_check", "Upgrading", "failed"]) {
      const assessment = Assessment.assessAt(inputOf({ Status: status }), 0)
      assert.strictEqual(assessment.state, "unknown", status)
      assert.include(finding(assessment, "status-unrecognized").message, `"${status}"`)
    }
    assert.include(
      finding(Assessment.assessAt(inputOf({ Status: "Upgrading" }), 0), "status-unrecognized").message,
      'differs from "upgrading"'
    )
    assert.strictEqual(Assessment.assessAt(inputOf({}), 0).state, "unknown")
  })

  it("lets Details prove a failure whatever the status says", () => {
    const byCode = Assessment.assessAt(inputOf({ Status: "failed", Details: { StatusCode: "BackupTimeout" } }), 0)
    assert.strictEqual(byCode.state, "failed")
    assert.include(finding(byCode, "upgrade-failed").message, "StatusCode BackupTimeout")
    const byStep = Assessment.assessAt(
      inputOf({
        Status: "upgrading",
        Details: steps({ Backup: { Status: "Failed", StopTime: "2024-05-01T10:00:00Z" } })
      }),
      0
    )
    assert.strictEqual(byStep.state, "failed")
    assert.strictEqual(byStep.remainingSeconds, undefined)
  })

  it("tells a failed or running rollback from a finished one", () => {
    const failed = Assessment.assessAt(
      inputOf({ Status: "archived", Details: steps({ Rollback: { Status: "Failed" } }) }),
      0
    )
    assert.deepStrictEqual([failed.state, failed.findings[0]!.code], ["failed", "rollback-failed"])
    const running = Assessment.assessAt(
      inputOf({ Status: "upgrading", Details: steps({ Rollback: { StartTime: "2024-05-01T10:00:00Z" } }) }),
      0
    )
    assert.deepStrictEqual([running.state, running.findings[0]!.code], ["failed", "rollback-running"])
    const pending = Assessment.assessAt(
      inputOf({ Status: "upgrading", Details: steps({ Rollback: { Status: "Pending" } }) }),
      0
    )
    assert.strictEqual(pending.state, "upgrading")
  })

  it("says preparing while the upgrade is prepared", () => {
    const assessment = Assessment.assessAt(inputOf({ Status: "preparing" }), 0)
    assert.strictEqual(assessment.state, "preparing")
    assert.strictEqual(assessment.remainingSeconds, undefined)
  })

  it("flags a leader that is not running as critical", () => {
    const assessment = Assessment.assessAt(
      inputOf({
        Status: "archived",
        Details: { Instances: { LeaderInstanceId: "hg-1", LeaderInstanceStatus: "Stopped" } }
      }),
      0
    )
    assert.strictEqual(finding(assessment, "leader-not-running").severity, "critical")
  })
})

describe("Assessment on arbitrary records", () => {
  it("always reaches one of the verdicts, without throwing", () => {
    const stepArbitrary = fc.record(
      {
        Status: fc.oneof(fc.constantFrom("Success", "Failed", "Running", "Pending", "null", ""), fc.string()),
        StartTime: fc.oneof(fc.constant("2024-05-01T10:00:00Z"), fc.constant("2024-05-01 18:00:00"), fc.string()),
        StopTime: fc.oneof(fc.constant("2024-05-01T10:05:00Z"), fc.jsonValue())
      },
      { requiredKeys: [] }
    )
    const detailsArbitrary = fc.record(
      {
        StatusCode: fc.oneof(fc.constantFrom("LeaderRestartFailed", "Ok"), fc.jsonValue()),
        UpgradingSteps: fc.record(
          { Stop: stepArbitrary, Backup: stepArbitrary, DoUpgrade: stepArbitrary, Rollback: stepArbitrary },
          { requiredKeys: [] }
        ),
        FlightingReport: fc.record(
          {
            EstimatedUpgradeTime: fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.jsonValue())),
            SQLResultStat: fc.dictionary(fc.constantFrom("TotalExecuted", "Incorrect", "Slow"), fc.jsonValue())
          },
          { requiredKeys: [] }
        ),
        Instances: fc.jsonValue()
      },
      { requiredKeys: [] }
    )
    fc.assert(
      fc.property(
        fc.constantFrom("preparing", "upgrading", "archived", "pre_check", "Upgrading"),
        fc.oneof(
          detailsArbitrary,
          detailsArbitrary.map((details) => JSON.stringify(details).slice(0, -3))
        ),
        fc.integer({ min: 0, max: 2 ** 42 }),
        (status, details, now) => {
          const assessment = Assessment.assessAt(inputOf({ Status: status, Details: details }), now)
          assert.include(Assessment.states, assessment.state)
          assert.isTrue(assessment.remainingSeconds === undefined || assessment.remainingSeconds >= 0)
          assert.isTrue(assessment.state === "upgrading" || assessment.remainingSeconds === undefined)
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe("Assessment.latestFirst", () => {
  it("orders by PrepareFinishTime, latest first, unreadable times last in their order", () => {
    const records = [
      { id: "a", PrepareFinishTime: UpgradeStatus.parseTimestamp("2024-01-01T00:00:00Z") },
      { id: "b", PrepareFinishTime: UpgradeStatus.parseTimestamp("soon") },
      { id: "c", PrepareFinishTime: UpgradeStatus.parseTimestamp("2024-01-01 09:00:00") },
      { id: "d" },
      { id: "e", PrepareFinishTime: UpgradeStatus.parseTimestamp("2023-12-31T23:00:00Z") }
    ]
    assert.deepStrictEqual(
      Assessment.latestFirst(records).map((record) => record.id),
      ["c", "a", "e", "b", "d"]
    )
  })
})
