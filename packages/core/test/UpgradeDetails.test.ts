import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { UpgradeDetails } from "../src/index.ts"

const vendorExample = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../../fixtures/vendor-example-response.json", import.meta.url)), "utf8")
)
const vendorDetails: string = vendorExample.Data[0].Details

describe("UpgradeDetails.decode", () => {
  it("repairs the vendor's malformed Details with exactly the four documented repairs", () => {
    const decoded = UpgradeDetails.decode(vendorDetails)
    assert.deepStrictEqual(
      decoded.repairs.map((repair) => [repair.offset, repair.kind]),
      [
        [117, "missing-comma"],
        [170, "missing-comma"],
        [622, "trailing-comma"],
        [1296, "missing-comma"]
      ]
    )
    assert.strictEqual(decoded.repairTotal, 4)
    assert.deepStrictEqual(decoded.issues, [])
    const details = decoded.details!
    assert.strictEqual(details.UpgradePhase, "Upgrade")
    assert.strictEqual(details.StatusCode, "LeaderRestartFailed")
    // The number before the missing comma stays a number, not the string "9000".
    assert.deepStrictEqual(details.FlightingReport?.SQLResultStat, {
      TotalExecuted: 9000,
      Exceptions: 0,
      Incorrect: 1,
      Slow: 1,
      DQLSpeedup: 2
    })
    assert.deepStrictEqual(details.FlightingReport?.EstimatedUpgradeTime, {
      StopInstance: 30,
      BackupData: 120,
      UpgradeInstance: 600
    })
    assert.strictEqual(details.FlightingReport?.ReadPermissionCheckStat?.length, 2)
    assert.strictEqual(details.FlightingReport?.ReadPermissionCheckStat?.[0]?.user, "v4_300433463265624129")
    assert.deepStrictEqual(
      details.Instances?.FollowerInstances?.map((follower) => [
        follower.InstanceId,
        follower.InstanceName,
        follower.Status
      ]),
      [
        ["hgxxx", "TMSinstance", "Running"],
        ["hxxx", "WMS readonly", "Unavailable"]
      ]
    )
    assert.deepStrictEqual(details.UpgradingSteps?.Rollback?.StartTime, {
      raw: "2023-05-09T06:48:28.843Z",
      epochMillis: Date.UTC(2023, 4, 9, 6, 48, 28, 843),
      assumedZone: undefined
    })
  })

  it("decodes Details sent as an object the same way, with no repairs", () => {
    const fromString = UpgradeDetails.decode(vendorDetails)
    const asObject = UpgradeDetails.decode({
      StatusCode: "LeaderRestartFailed",
      FlightingReport: { SQLResultStat: { TotalExecuted: 9000, Exceptions: 0, Incorrect: 1, Slow: 1, DQLSpeedup: 2 } }
    })
    assert.deepStrictEqual(asObject.repairs, [])
    assert.deepStrictEqual(
      asObject.details?.FlightingReport?.SQLResultStat,
      fromString.details?.FlightingReport?.SQLResultStat
    )
  })

  it("treats null, the string null and empty text as no Details", () => {
    for (const input of [null, undefined, "null", "null\n", "", "  "]) {
      assert.deepStrictEqual(UpgradeDetails.decode(input), {
        details: undefined,
        repairs: [],
        repairCounts: {},
        repairTotal: 0,
        issues: []
      })
    }
    assert.deepStrictEqual(UpgradeDetails.decode('"null"').details, undefined)
  })

  it("keeps what decodes and reports each failing field by path", () => {
    const decoded = UpgradeDetails.decode(
      '{"UpgradePhase":"Upgrade","FlightingReport":{"SQLResultStat":{"TotalExecuted":"many","Incorrect":1,"Slow":1.5}}}'
    )
    assert.deepStrictEqual(decoded.details, {
      UpgradePhase: "Upgrade",
      FlightingReport: { SQLResultStat: { Incorrect: 1 } }
    })
    assert.deepStrictEqual(
      decoded.issues.map((issue) => issue.path),
      [
        ["FlightingReport", "SQLResultStat", "TotalExecuted"],
        ["FlightingReport", "SQLResultStat", "Slow"]
      ]
    )
    assert.include(decoded.issues[0]!.message, "many")
  })

  it("decodes arrays element by element, dropping only the bad elements", () => {
    const decoded = UpgradeDetails.decode({
      Instances: {
        LeaderInstanceId: "hg-1",
        FollowerInstances: [{ InstanceId: "f-1", Status: "Running" }, 42, { InstanceId: "f-3", Status: ["x"] }]
      }
    })
    assert.deepStrictEqual(decoded.details?.Instances, {
      LeaderInstanceId: "hg-1",
      FollowerInstances: [{ InstanceId: "f-1", Status: "Running" }, { InstanceId: "f-3" }]
    })
    assert.deepStrictEqual(
      decoded.issues.map((issue) => issue.path),
      [
        ["Instances", "FollowerInstances", 1],
        ["Instances", "FollowerInstances", 2, "Status"]
      ]
    )
  })

  it("keeps integers beyond 2^53 exact, whether sent as a number or a string", () => {
    const decoded = UpgradeDetails.decode(
      '{"FlightingReport":{"SQLResultStat":{"TotalExecuted":12345678901234567890,"Slow":"98765432109876543210","Incorrect":"7"}}}'
    )
    assert.deepStrictEqual(decoded.details?.FlightingReport?.SQLResultStat, {
      TotalExecuted: 12345678901234567890n,
      Slow: 98765432109876543210n,
      Incorrect: 7
    })
    assert.deepStrictEqual(decoded.issues, [])
  })

  it("refuses a negative estimate, keeping the others", () => {
    const decoded = UpgradeDetails.decode({
      FlightingReport: { EstimatedUpgradeTime: { StopInstance: -1, BackupData: "120" } }
    })
    assert.deepStrictEqual(decoded.details?.FlightingReport?.EstimatedUpgradeTime, { BackupData: 120 })
    assert.deepStrictEqual(
      decoded.issues.map((issue) => issue.path),
      [["FlightingReport", "EstimatedUpgradeTime", "StopInstance"]]
    )
  })

  it("keeps fields it does not know, verbatim", () => {
    const decoded = UpgradeDetails.decode({ StatusCode: "Ok", UpgradeMode: "hot", Extra: { Nested: [1, 2] } })
    assert.deepStrictEqual(decoded.details, { StatusCode: "Ok", UpgradeMode: "hot", Extra: { Nested: [1, 2] } })
  })

  it("reads zone-less step times in UTC+8", () => {
    const decoded = UpgradeDetails.decode({
      UpgradingSteps: { Stop: { Status: "Success", StartTime: "2024-03-01 08:00:00", StopTime: "" } }
    })
    assert.deepStrictEqual(decoded.details?.UpgradingSteps?.Stop, {
      Status: "Success",
      StartTime: { raw: "2024-03-01 08:00:00", epochMillis: Date.UTC(2024, 2, 1, 0, 0, 0), assumedZone: "+08:00" }
    })
  })

  it("reports a Details that is not an object as one issue", () => {
    assert.deepStrictEqual(UpgradeDetails.decode(42).issues, [
      { path: [], message: "Details is a number, not an object" }
    ])
    const list = UpgradeDetails.decode("[1, 2]")
    assert.strictEqual(list.details, undefined)
    assert.deepStrictEqual(list.issues, [{ path: [], message: "Details is an array, not an object" }])
  })

  it("refuses to walk a hostile depth, without overflowing", () => {
    const deep = `{"Extra":${"[".repeat(100_000)}${"]".repeat(100_000)}}`
    const decoded = UpgradeDetails.decode(deep)
    assert.strictEqual(decoded.details, undefined)
    assert.include(decoded.issues[0]!.message, "deeper than")
  })

  it("never throws on damaged text, truncated at any point", () => {
    for (let cut = 0; cut <= vendorDetails.length; cut += 7) {
      const decoded = UpgradeDetails.decode(vendorDetails.slice(0, cut))
      assert.isTrue(decoded.details === undefined || typeof decoded.details === "object")
    }
  })
})

describe("UpgradeDetails.encode", () => {
  it("writes the document back in the API's form: times as sent, field names kept", () => {
    const decoded = UpgradeDetails.decode(vendorDetails)
    const encoded = UpgradeDetails.encode(decoded.details!) as any
    assert.strictEqual(encoded.UpgradingSteps.Stop.StartTime, "2023-05-09T06:48:28.843Z")
    assert.strictEqual(encoded.FlightingReport.SQLResultStat.TotalExecuted, 9000)
  })
})
