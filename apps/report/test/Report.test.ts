import { assert, describe, it } from "@effect/vitest"
import * as Markdown from "../src/output/Markdown.ts"
import * as Table from "../src/output/Table.ts"
import * as Samples from "./outputSamples.ts"

// What a report says in words: the findings about the answer, a failed call's line, and the steps table, whose
// columns must agree with one another as a reader checks them.

describe("Report wording", () => {
  it("names the error fields a successful answer carries, and calls them informational once", () => {
    const report = Samples.reportOf(
      JSON.stringify({
        RequestId: "R-1",
        Data: [],
        Success: true,
        HttpStatusCode: 200,
        ErrorCode: "404",
        ErrorMessage: "Internal server error."
      })
    )
    const found = report.findings.find((finding) => finding.code === "error-fields-ignored")
    assert.strictEqual(
      found?.message,
      'The answer also carries ErrorCode 404 ("Internal server error."), which the API treats as informational when the call succeeds'
    )
    assert.strictEqual(report.state, "no-record")
  })

  it("gives a failed call's hint a sentence of its own", () => {
    const [finding] = Samples.forbidden().findings
    assert.strictEqual(
      finding?.message,
      "Forbidden.RAM: the caller is not authorised to call GetUpgradeStatus. Hint: grant hologram:GetUpgradeStatus in RAM"
    )
  })

  it("counts a step's length between the whole seconds its start and stop are shown at", () => {
    const report = Samples.reportOf(
      Samples.body(
        { FromVersion: "r3.1.20", ToVersion: "r3.2.11", Status: "upgrading" },
        {
          UpgradingSteps: {
            // :36.900 to :37.100 shows :36 to :37, so 1 s, not the 0.2 s between the instants.
            Stop: { Status: "Success", StartTime: "2024-03-02T10:00:36.900Z", StopTime: "2024-03-02T10:00:37.100Z" },
            // :31.100 to :32.900 shows :31 to :32, so 1 s, not 1.8 s.
            Backup: { Status: "Success", StartTime: "2024-03-02T10:01:31.100Z", StopTime: "2024-03-02T10:01:32.900Z" },
            DoUpgrade: { Status: "Running", StartTime: "2024-03-02T10:02:40Z" }
          }
        }
      )
    )
    const table = Table.render([report])
    assert.match(table, /Stop +Success +2024-03-02 10:00:36Z +2024-03-02 10:00:37Z +1 s +—/)
    assert.match(table, /Backup +Success +2024-03-02 10:01:31Z +2024-03-02 10:01:32Z +1 s +—/)
    // A running step's status is not repeated as its phase, and its length runs to the clock (five minutes).
    assert.match(table, /DoUpgrade +Running +2024-03-02 10:02:40Z +— +5 min +—\n/)
    assert.notInclude(table, "(running)")
    const markdown = Markdown.render([report])
    assert.include(markdown, "| Stop | Success | 2024-03-02 10:00:36Z | 2024-03-02 10:00:37Z | 1 s | — |")
  })

  it("says a preparing record is not yet prepared, and writes every duration one way", () => {
    const table = Table.render([Samples.preparing()])
    assert.include(table, "record 1 of 1: r3.1.20 → r3.2.11, status preparing, not yet prepared")
    assert.notInclude(table, "prepared —")
    assert.include(table, "estimate 12.5 min, unit assumed: seconds")
    assert.notMatch(table, /\d+s\b|\d+m\b|\(\d+(\.\d)? min\)/)
  })
})
