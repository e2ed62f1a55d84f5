import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { AccessKey, type Emulator, Scenario, startEmulator } from "../src/index.ts"
import { answer, manualClock, signedGet } from "./support.ts"

const vendorExample = JSON.parse(
  readFileSync(new URL("../../../fixtures/vendor-example-response.json", import.meta.url), "utf8")
)

/** Mends exactly the vendor's two kinds of defect (missing commas between members, a trailing comma in an array). */
const mendVendorDefects = (text: string) =>
  text
    .replace(/([0-9}"])("[A-Za-z]+":)/g, "$1,$2")
    .replace(/,\]/g, "]")
    .replace(/,\}/g, "}")

/** Every key path of a JSON value, array items collapsed, so two documents can be compared by shape. */
const shape = (value: unknown, path = ""): Array<string> =>
  Array.isArray(value)
    ? value.flatMap((item) => shape(item, `${path}[]`))
    : typeof value === "object" && value !== null
      ? Object.entries(value).flatMap(([key, item]) => [`${path}.${key}`, ...shape(item, `${path}.${key}`)])
      : []

const unique = (items: ReadonlyArray<string>) => [...new Set(items)].sort()

/** Runs an emulator on a hand-moved clock and reads instances' answers at chosen moments. */
const scripted = (options: Emulator.Options) => {
  const clock = manualClock()
  const start = clock.now()
  let emulator: Emulator.Handle
  beforeAll(async () => {
    emulator = await startEmulator({ ...options, now: clock.now })
  })
  afterAll(() => emulator.close())
  const read = async (id: string) => {
    const reply = answer(await signedGet(emulator.url, id, { key: AccessKey.demo, date: clock.date() }))
    assert.strictEqual(reply.status, 200)
    return { raw: reply.body, body: JSON.parse(reply.body) }
  }
  return {
    /** The body and its first record (Details parsed when it is valid JSON) at `seconds` of clock time. */
    at: async (seconds: number, id: string) => {
      clock.advance(start + seconds * 1000 - clock.now())
      const { raw, body } = await read(id)
      const record = Array.isArray(body.Data) ? body.Data[0] : body.Data
      let details: any
      try {
        details = typeof record?.Details === "string" ? JSON.parse(record.Details) : record?.Details
      } catch {
        details = undefined
      }
      return { raw, body, record, details }
    },
    iso: (seconds: number) => new Date(start + seconds * 1000).toISOString()
  }
}

describe("a successful hot upgrade", () => {
  const run = scripted({ specs: [{ id: "hg-hot", scenario: "hot-upgrade" }] })

  it("prepares, stops, backs up, upgrades and archives, each step timed as scripted", async () => {
    const preparing = await run.at(0, "hg-hot")
    assert.strictEqual(preparing.record.Status, "preparing")
    assert.strictEqual(preparing.record.PrepareFinishTime, undefined)
    assert.strictEqual(preparing.details.StatusCode, "Preparing")
    assert.strictEqual(preparing.details.UpgradingSteps, undefined)

    const stopping = await run.at(601, "hg-hot")
    assert.strictEqual(stopping.record.Status, "upgrading")
    assert.strictEqual(stopping.record.PrepareFinishTime, run.iso(600))
    assert.deepStrictEqual(stopping.details.UpgradingSteps, { Stop: { Status: "Running", StartTime: run.iso(600) } })
    assert.deepStrictEqual(stopping.details.FlightingReport.EstimatedUpgradeTime, {
      StopInstance: 30,
      BackupData: 120,
      UpgradeInstance: 600
    })

    const backingUp = await run.at(640, "hg-hot")
    assert.strictEqual(backingUp.details.UpgradingSteps.Stop.Status, "Success")
    assert.strictEqual(backingUp.details.UpgradingSteps.Stop.StopTime, run.iso(630))
    assert.strictEqual(backingUp.details.UpgradingSteps.Backup.Status, "Running")

    const upgrading = await run.at(800, "hg-hot")
    assert.strictEqual(upgrading.details.UpgradingSteps.DoUpgrade.Status, "Running")
    assert.strictEqual(upgrading.details.UpgradingSteps.DoUpgrade.StartTime, run.iso(750))

    const done = await run.at(1351, "hg-hot")
    assert.strictEqual(done.record.Status, "archived")
    assert.strictEqual(done.details.StatusCode, "Success")
    assert.deepStrictEqual(Object.keys(done.details.UpgradingSteps), ["Stop", "Backup", "DoUpgrade"])
    assert.strictEqual(done.details.UpgradingSteps.DoUpgrade.StopTime, run.iso(1350))
    assert.deepStrictEqual(
      done.details.Instances.FollowerInstances.map((follower: any) => follower.Status),
      ["Running", "Running"]
    )
  })
})

describe("time scale", () => {
  const run = scripted({ specs: [{ id: "hg-fast" }], timeScale: 60 })

  it("plays a 22.5-minute upgrade in 22.5 clock seconds, with wall-clock times and estimates", async () => {
    const upgrading = await run.at(22, "hg-fast")
    assert.strictEqual(upgrading.record.Status, "upgrading")
    assert.strictEqual(upgrading.record.PrepareFinishTime, run.iso(10))
    assert.strictEqual(upgrading.details.UpgradingSteps.DoUpgrade.StartTime, run.iso(12.5))
    assert.deepStrictEqual(upgrading.details.FlightingReport.EstimatedUpgradeTime, {
      StopInstance: 1,
      BackupData: 2,
      UpgradeInstance: 10
    })
    assert.strictEqual((await run.at(23, "hg-fast")).record.Status, "archived")
  })
})

describe("failures", () => {
  const run = scripted({
    specs: [
      { id: "hg-rollback", scenario: "rollback" },
      { id: "hg-vendor", scenario: "vendor-example" },
      { id: "hg-step", scenario: "step-failed" },
      { id: "hg-norb", failure: { step: "DoUpgrade", code: "UpgradeTimeout", rollback: false } }
    ]
  })

  it("the vendor's story: the leader does not restart, the failure shows while still upgrading, then rolls back", async () => {
    const failing = await run.at(1400, "hg-rollback")
    assert.strictEqual(failing.record.Status, "upgrading")
    assert.strictEqual(failing.details.StatusCode, "LeaderRestartFailed")
    assert.strictEqual(failing.details.Instances.LeaderInstanceStatus, "Unavailable")
    assert.strictEqual(failing.details.UpgradingSteps.DoUpgrade.Status, "Success")
    assert.deepStrictEqual(failing.details.UpgradingSteps.Rollback, { Status: "Running", StartTime: run.iso(1350) })

    const rolledBack = await run.at(1651, "hg-rollback")
    assert.strictEqual(rolledBack.record.Status, "archived")
    assert.strictEqual(rolledBack.details.StatusCode, "LeaderRestartFailed")
    assert.strictEqual(rolledBack.details.UpgradingSteps.Rollback.Status, "Success")
    assert.strictEqual(rolledBack.details.Instances.LeaderInstanceStatus, "Running")
  })

  it("vendor-example ends in the vendor's document: same shape, same defects, same odd error fields", async () => {
    const final = await run.at(1651, "hg-vendor")
    assert.strictEqual(final.details, undefined, "Details must not be valid JSON")
    const ours = JSON.parse(mendVendorDefects(final.record.Details))
    const theirs = JSON.parse(mendVendorDefects(vendorExample.Data[0].Details))
    assert.deepStrictEqual(unique(shape(ours)), unique(shape(theirs)))
    assert.deepStrictEqual(ours.FlightingReport, theirs.FlightingReport)
    assert.strictEqual(ours.StatusCode, theirs.StatusCode)
    assert.deepStrictEqual(
      ours.Instances.FollowerInstances.map((follower: any) => [follower.InstanceName, follower.Status]),
      theirs.Instances.FollowerInstances.map((follower: any) => [follower.InstanceName, follower.Status])
    )
    assert.deepStrictEqual(
      [final.record.FromVersion, final.record.ToVersion, final.record.Status],
      [vendorExample.Data[0].FromVersion, vendorExample.Data[0].ToVersion, vendorExample.Data[0].Status]
    )
    assert.deepStrictEqual(
      [final.body.Success, final.body.ErrorCode, final.body.ErrorMessage, final.body.HttpStatusCode],
      [vendorExample.Success, vendorExample.ErrorCode, vendorExample.ErrorMessage, vendorExample.HttpStatusCode]
    )
  })

  it("a failed step without rollback archives with the step Failed and its code", async () => {
    const backup = await run.at(1000, "hg-step")
    assert.strictEqual(backup.record.Status, "archived")
    assert.strictEqual(backup.details.StatusCode, "BackupFailed")
    assert.deepStrictEqual(Object.keys(backup.details.UpgradingSteps), ["Stop", "Backup"])
    assert.strictEqual(backup.details.UpgradingSteps.Backup.Status, "Failed")
    assert.strictEqual(backup.details.Instances.LeaderInstanceStatus, "Running")

    const switchFailed = await run.at(1400, "hg-norb")
    assert.strictEqual(switchFailed.record.Status, "archived")
    assert.strictEqual(switchFailed.details.UpgradingSteps.DoUpgrade.Status, "Failed")
    assert.strictEqual(switchFailed.details.Instances.LeaderInstanceStatus, "Unavailable")
  })
})

describe("stories that never end well", () => {
  const run = scripted({
    specs: [
      { id: "hg-stuck", scenario: "stuck-preparing" },
      { id: "hg-follower", scenario: "follower-unavailable" },
      { id: "hg-flight", scenario: "flighting-regressions" },
      { id: "hg-none", scenario: "no-record" },
      { id: "hg-odd", scenario: "unknown-status" },
      { id: "hg-later", startAfterSeconds: 100 }
    ]
  })

  it("an upgrade stuck in preparing stays there", async () => {
    const stuck = await run.at(10 * 3600, "hg-stuck")
    assert.strictEqual(stuck.record.Status, "preparing")
    assert.strictEqual(stuck.record.PrepareFinishTime, undefined)
  })

  it("a follower goes unavailable at the switch and stays so after a successful upgrade", async () => {
    assert.strictEqual((await run.at(700, "hg-follower")).details.Instances.FollowerInstances[1].Status, "Running")
    const after = await run.at(10 * 3600, "hg-follower")
    assert.strictEqual(after.record.Status, "archived")
    assert.strictEqual(after.details.StatusCode, "Success")
    assert.deepStrictEqual(
      after.details.Instances.FollowerInstances.map((follower: any) => follower.Status),
      ["Running", "Unavailable"]
    )
  })

  it("flighting regressions show in the report once prepared", async () => {
    const report = (await run.at(10 * 3600, "hg-flight")).details.FlightingReport
    assert.isAbove(report.SQLResultStat.Exceptions, 0)
    assert.isAbove(report.SQLResultStat.Incorrect, 0)
    assert.isBelow(report.SQLResultStat.DQLSpeedup, 1)
    assert.isAbove(report.ReadPermissionCheckStat.length, 0)
  })

  it("no upgrade record is an empty Data array; so is an upgrade that has not begun", async () => {
    assert.deepStrictEqual((await run.at(10 * 3600, "hg-none")).body.Data, [])
    assert.deepStrictEqual((await run.at(0, "hg-later")).body.Data, [])
    assert.strictEqual((await run.at(101, "hg-later")).record.Status, "preparing")
  })

  it("an unknown status value is served as given once preparation is done", async () => {
    assert.strictEqual((await run.at(599, "hg-odd")).record.Status, "preparing")
    assert.strictEqual((await run.at(10 * 3600, "hg-odd")).record.Status, "suspended")
  })
})

describe("malformed Details", () => {
  const defects = Scenario.detailsDefects
  const run = scripted({ specs: defects.map((details) => ({ id: `hg-${details}`, details, followers: [{}, {}] })) })
  const late = 10 * 3600

  it("none: valid JSON in a string", async () => {
    const { details } = await run.at(late, "hg-none")
    assert.strictEqual(details.StatusCode, "Success")
  })

  for (const defect of ["missing-commas", "trailing-commas", "vendor"] as const) {
    it(`${defect}: not JSON, and mending exactly those defects gives back the document`, async () => {
      const broken = await run.at(late, `hg-${defect}`)
      assert.strictEqual(broken.details, undefined)
      const intact = (await run.at(late, "hg-none")).record.Details as string
      assert.deepStrictEqual(
        JSON.parse(mendVendorDefects(broken.record.Details)),
        JSON.parse(intact.replaceAll("hg-none", `hg-${defect}`))
      )
    })
  }

  it("truncated: a strict prefix of the document", async () => {
    const { record } = await run.at(late, "hg-truncated")
    const intact = (await run.at(late, "hg-none")).record.Details as string
    assert.throws(() => JSON.parse(record.Details))
    assert.isTrue(intact.replaceAll("hg-none", "hg-truncated").startsWith(record.Details))
  })

  it("not-json, null, empty and object", async () => {
    const notJson = (await run.at(late, "hg-not-json")).record.Details
    assert.throws(() => JSON.parse(notJson))
    assert.strictEqual((await run.at(late, "hg-null")).record.Details, null)
    assert.strictEqual((await run.at(late, "hg-empty")).record.Details, "")
    const object = await run.at(late, "hg-object")
    assert.strictEqual(object.record.Details.StatusCode, "Success")
  })

  it("double-encoded: a JSON string holding the JSON document", async () => {
    const { record } = await run.at(late, "hg-double-encoded")
    assert.strictEqual(JSON.parse(JSON.parse(record.Details)).StatusCode, "Success")
  })

  it("wrong-shape: valid JSON whose parts have the wrong types", async () => {
    const { details } = await run.at(late, "hg-wrong-shape")
    assert.isTrue(Array.isArray(details.UpgradingSteps))
    assert.strictEqual(typeof details.FlightingReport.SQLResultStat.TotalExecuted, "string")
    assert.strictEqual(details.FlightingReport.EstimatedUpgradeTime.StopInstance, "30s")
    assert.isFalse(Array.isArray(details.Instances.FollowerInstances))
  })
})

describe("type drift", () => {
  const run = scripted({
    specs: [
      { id: "hg-plain" },
      { id: "hg-drift", scenario: "type-drift" },
      { id: "hg-times", drift: ["plain-times"] },
      { id: "hg-vendor-errors", drift: ["vendor-error-fields"] }
    ]
  })

  it("a well-behaved answer has string HttpStatusCode, boolean Success, array Data, empty error fields", async () => {
    const { body } = await run.at(700, "hg-plain")
    assert.deepStrictEqual(
      [body.HttpStatusCode, body.Success, Array.isArray(body.Data), body.ErrorCode, body.ErrorMessage],
      ["200", true, true, "", ""]
    )
  })

  it('drifted: number HttpStatusCode, "true" Success, Data as an object, "null" strings, extras, a big integer', async () => {
    const early = await run.at(0, "hg-drift")
    assert.strictEqual(early.body.HttpStatusCode, 200)
    assert.strictEqual(early.body.Success, "true")
    assert.isFalse(Array.isArray(early.body.Data))
    assert.strictEqual(early.body.Data.Status, "preparing")
    assert.strictEqual(early.body.ErrorCode, "null")
    assert.strictEqual(early.body.ErrorMessage, "null\n")
    assert.strictEqual(early.body.Data.PrepareFinishTime, "null")
    assert.include(early.raw, '"TaskId":9007199254740993')
    assert.strictEqual(early.body.Data.TaskState, "RUNNING")
  })

  it("plain times are UTC+8 without a zone; vendor error fields sit beside Success: true", async () => {
    const { record, details } = await run.at(700, "hg-times")
    assert.strictEqual(
      record.PrepareFinishTime,
      run
        .iso(600 + 8 * 3600)
        .replace("T", " ")
        .slice(0, 19)
    )
    assert.match(details.UpgradingSteps.Stop.StartTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    const { body } = await run.at(700, "hg-vendor-errors")
    assert.deepStrictEqual([body.Success, body.ErrorCode, body.ErrorMessage], [true, "404", "Internal server error."])
  })
})

describe("many instances and the seed", () => {
  const timings = async (seed: number) => {
    const clock = manualClock()
    const emulator = await startEmulator({ instances: 20, seed, now: clock.now })
    clock.advance(10 * 3600_000)
    try {
      const ids = emulator.instances()
      const stops: Array<string> = []
      for (const id of ids.filter((one) => one.startsWith("hgemu-hot-upgrade"))) {
        const reply = answer(await signedGet(emulator.url, id, { key: AccessKey.demo, date: clock.date() }))
        stops.push(JSON.parse(JSON.parse(reply.body).Data[0].Details).UpgradingSteps.DoUpgrade.StopTime)
      }
      return { ids, stops }
    } finally {
      await emulator.close()
    }
  }

  it("a mix cycles through every preset; the same seed replays the same step times, another seed does not", async () => {
    const first = await timings(7)
    assert.strictEqual(first.ids.length, 20)
    assert.deepStrictEqual(
      unique(first.ids.map((id) => id.replace(/^hgemu-/, "").replace(/-\d+$/, ""))),
      unique(Scenario.presetNames)
    )
    assert.strictEqual(first.stops.length, 2)
    assert.notStrictEqual(first.stops[0], first.stops[1])
    assert.deepStrictEqual((await timings(7)).stops, first.stops)
    assert.notDeepEqual((await timings(8)).stops, first.stops)
  })
})

describe("scenario files", () => {
  let directory: string
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "holo-emulator-"))
  })
  afterAll(() => rmSync(directory, { recursive: true, force: true }))

  it("loads instances from a JSON file, bare or under instances", async () => {
    const file = join(directory, "scenario.json")
    writeFileSync(
      file,
      JSON.stringify({
        instances: [
          { id: "hgprecn-cn-file1", scenario: "rollback", stepSeconds: { DoUpgrade: 60 } },
          { scenario: "no-record", faults: [{ kind: "server-error", start: 2, count: 1 }] }
        ]
      })
    )
    const emulator = await startEmulator({ scenario: file })
    try {
      assert.deepStrictEqual(emulator.instances(), ["hgprecn-cn-file1", "hgemu-no-record-2"])
    } finally {
      await emulator.close()
    }
    assert.deepStrictEqual(Scenario.decodeFile('[{"id":"a"}]'), [{ id: "a" }])
  })

  it("refuses an unreadable or invalid file with a ScenarioFile error naming the problem", async () => {
    const invalid = join(directory, "invalid.json")
    writeFileSync(invalid, JSON.stringify({ instances: [{ id: "x", stepSeconds: { Stop: -1 } }] }))
    const typo = join(directory, "typo.json")
    writeFileSync(typo, JSON.stringify([{ id: "x", scenaro: "rollback" }]))
    for (const path of [join(directory, "missing.json"), invalid, typo]) {
      const error = await startEmulator({ scenario: path }).then(
        () => assert.fail(`started with ${path}`),
        (thrown: unknown) => thrown as { reason: string; message: string }
      )
      assert.strictEqual(error.reason, "ScenarioFile")
      assert.include(error.message, path)
    }
  })
})
