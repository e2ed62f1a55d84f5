import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { bundle, fixture, run } from "./cli.ts"

const dir = mkdtempSync(join(tmpdir(), "holo-upgrade-render-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let counter = 0
const file = (content: string): string => {
  const path = join(dir, `body-${counter++}.json`)
  writeFileSync(path, content)
  return path
}

const vendor = fixture("vendor-example-response.json")

const json = (args: ReadonlyArray<string>, input?: string) => {
  const result = run([...args, "--output", "json"], input === undefined ? {} : { input })
  return { ...result, document: JSON.parse(result.stdout) }
}

const body = (data: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ RequestId: "r1", Data: data, Success: true, HttpStatusCode: "200", ...extra })

describe("render on the vendor example", () => {
  it("prints a table verdict of ROLLED BACK and exits 1", () => {
    const result = run(["render", vendor])
    assert.strictEqual(result.code, 1)
    assert.include(result.stdout, "ROLLED BACK")
    assert.include(result.stdout, "LeaderRestartFailed")
    assert.include(result.stdout, "WMS readonly (hxxx) is Unavailable")
    assert.include(result.stdout, "12 tables in 2 databases")
    assert.include(result.stdout, "estimate 12.5 min, unit assumed: seconds")
    assert.include(result.stdout, "DoUpgrade")
    assert.notInclude(result.stdout, "\u001b[", "no colour when stdout is not a terminal")
    assert.include(result.stderr, "did not succeed")
  })

  it("prints the documented JSON document", () => {
    const { code, document, stderr } = json(["render", vendor])
    assert.strictEqual(code, 1)
    assert.notInclude(stderr, "{")
    const report = document.reports[0]
    assert.deepStrictEqual(Object.keys(report).slice(0, 5), [
      "instanceId",
      "regionId",
      "requestId",
      "success",
      "httpStatusCode"
    ])
    assert.strictEqual(report.instanceId, "hgxxx")
    assert.strictEqual(report.regionId, null)
    assert.strictEqual(report.requestId, "D73E42D0-AA72-5880-B96F-548B43C84736")
    assert.strictEqual(report.success, true)
    assert.strictEqual(report.httpStatusCode, 200)
    const record = report.records[0]
    assert.includeMembers(Object.keys(record), [
      "fromVersion",
      "toVersion",
      "status",
      "prepareFinishTime",
      "details",
      "detailsRaw",
      "repairs",
      "issues",
      "verdict",
      "timeline",
      "estimatedUpgradeSeconds",
      "remainingSeconds"
    ])
    assert.strictEqual(record.details.FlightingReport.SQLResultStat.TotalExecuted, 9000)
    assert.strictEqual(record.details.UpgradingSteps.Rollback.Status, "Success")
    assert.isString(record.detailsRaw)
    assert.deepStrictEqual(
      record.repairs.map((repair: { kind: string; offset: number }) => [repair.kind, repair.offset]),
      [
        ["missing-comma", 117],
        ["missing-comma", 170],
        ["trailing-comma", 622],
        ["missing-comma", 1296]
      ]
    )
    assert.deepStrictEqual(record.issues, [])
    assert.strictEqual(record.verdict.state, "rolled-back")
    assert.deepStrictEqual(Object.keys(record.verdict.findings[0]), ["severity", "code", "message"])
    assert.strictEqual(record.estimatedUpgradeSeconds, 750)
    assert.strictEqual(record.remainingSeconds, null)
    assert.strictEqual(record.timeline.length, 4)
    assert.deepStrictEqual(record.prepareFinishTime, {
      raw: "2023-05-09T06:48:28.843Z",
      utc: "2023-05-09T06:48:28.843Z",
      assumedZone: null
    })
    assert.strictEqual(document.assumptions.estimatedUpgradeTimeUnit, "seconds")
  })

  it("prints Markdown", () => {
    const result = run(["render", vendor, "--output", "markdown"])
    assert.strictEqual(result.code, 1)
    assert.match(result.stdout, /^# Hologres upgrade report\n/)
    assert.include(result.stdout, "## Instance hgxxx: ROLLED BACK")
    assert.include(result.stdout, "| critical | `rolled-back` |")
    assert.include(result.stdout, "| Stop | Success |")
  })

  it("reads stdin for - and for no FILE", () => {
    const text = readFileSync(vendor, "utf8")
    for (const args of [["render", "-"], ["render"]]) {
      const result = run(args, { input: text })
      assert.strictEqual(result.code, 1)
      assert.include(result.stdout, "ROLLED BACK")
    }
  })

  it("still reads flags written after -", () => {
    const result = run(["render", "-", "--output", "json"], { input: readFileSync(vendor, "utf8") })
    assert.strictEqual(result.code, 1)
    assert.strictEqual(JSON.parse(result.stdout).reports[0].state, "rolled-back")
    assert.include(result.stderr, "holo-upgrade: stdin:")
  })

  it("writes to --out and nothing to stdout", () => {
    const out = join(dir, "report.json")
    const result = run(["render", vendor, "--output", "json", "--out", out])
    assert.strictEqual(result.code, 1)
    assert.strictEqual(result.stdout, "")
    assert.strictEqual(JSON.parse(readFileSync(out, "utf8")).reports[0].records[0].verdict.state, "rolled-back")
  })
})

describe("render on bad input", () => {
  it("exits 2 for a missing file, with the reason on stderr only", () => {
    const result = run(["render", join(dir, "does-not-exist.json")])
    assert.strictEqual(result.code, 2)
    assert.strictEqual(result.stdout, "")
    assert.include(result.stderr, "does-not-exist.json")
    assert.include(result.stderr, "ENOENT")
  })

  it("exits 2 for an unknown output format", () => {
    const result = run(["render", vendor, "--output", "xml"])
    assert.strictEqual(result.code, 2)
    assert.strictEqual(result.stdout, "")
    assert.isAbove(result.stderr.length, 0)
  })

  it("exits 4 for an empty file, naming what was found", () => {
    const { code, document, stderr } = json(["render", file("")])
    assert.strictEqual(code, 4)
    assert.include(stderr, "The body is empty")
    assert.deepStrictEqual(document.reports[0].error, {
      tag: "HologresDecodeError",
      reason: "Empty",
      message: "The body is empty"
    })
    assert.deepStrictEqual(document.reports[0].records, [])
  })

  it("exits 4 for an HTML 502 page, with its title and a bounded excerpt", () => {
    const page = `<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>${"<p>filler</p>".repeat(500)}</body></html>\n`
    const result = run(["render", file(page)])
    assert.strictEqual(result.code, 4)
    assert.include(result.stderr, "HTML page")
    assert.include(result.stderr, "502 Bad Gateway")
    assert.isBelow(result.stderr.length, 800)
  })

  it("exits 4 for text that is not JSON", () => {
    const result = run(["render", file("upstream connect error or disconnect/reset before headers")])
    assert.strictEqual(result.code, 4)
    assert.include(result.stderr, "upstream connect error")
  })

  it("reports no upgrade record and exits 0", () => {
    const { code, document } = json([
      "render",
      file(
        '{"RequestId":"r1","Data":[],"Success":true,"ErrorCode":"null","ErrorMessage":"null\\n","HttpStatusCode":"200"}'
      )
    ])
    assert.strictEqual(code, 0)
    const report = document.reports[0]
    assert.strictEqual(report.state, "no-record")
    assert.deepStrictEqual(report.records, [])
    assert.strictEqual(report.errorCode, null)
    assert.strictEqual(report.errorMessage, null)
    assert.deepStrictEqual(report.findings, [])
  })

  it("accepts HttpStatusCode 200 as a number with Success as the string true", () => {
    const { code, document } = json([
      "render",
      file(
        body(
          { Status: "archived", Details: { UpgradingSteps: { DoUpgrade: { Status: "Success" } } } },
          { HttpStatusCode: 200, Success: "true" }
        )
      )
    ])
    assert.strictEqual(code, 0)
    assert.strictEqual(document.reports[0].httpStatusCode, 200)
    assert.strictEqual(document.reports[0].success, true)
    assert.strictEqual(document.reports[0].state, "succeeded")
  })

  it("reads Details as an object, as null and when absent", () => {
    const asObject = json(["render", file(body([{ Status: "upgrading", Details: { StatusCode: "Running" } }]))])
    assert.strictEqual(asObject.document.reports[0].records[0].details.StatusCode, "Running")
    assert.deepStrictEqual(asObject.document.reports[0].records[0].detailsRaw, { StatusCode: "Running" })
    for (const record of [{ Status: "upgrading", Details: null }, { Status: "upgrading" }]) {
      const { code, document } = json(["render", file(body([record]))])
      assert.strictEqual(code, 0)
      const only = document.reports[0].records[0]
      assert.strictEqual(only.details, null)
      assert.strictEqual(only.detailsRaw, null)
      assert.strictEqual(only.verdict.state, "upgrading")
      assert.include(
        only.verdict.findings.map((finding: { code: string }) => finding.code),
        "details-missing"
      )
    }
  })

  it("reads Data sent as one object", () => {
    const { document } = json([
      "render",
      file(body({ FromVersion: "r3.2.11", ToVersion: "r3.2.12", Status: "preparing" }))
    ])
    assert.strictEqual(document.reports[0].recordCount, 1)
    assert.strictEqual(document.reports[0].records[0].toVersion, "r3.2.12")
    assert.strictEqual(document.reports[0].state, "preparing")
  })

  it("puts the latest of two records first and reports the count", () => {
    const path = file(
      body([
        { FromVersion: "1.3.22", ToVersion: "1.3.23", Status: "archived", PrepareFinishTime: "2023-01-01 10:00:00" },
        {
          FromVersion: "1.3.23",
          ToVersion: "1.3.24",
          Status: "upgrading",
          PrepareFinishTime: "2023-05-09T06:48:28.843Z"
        }
      ])
    )
    const { document } = json(["render", path])
    const report = document.reports[0]
    assert.strictEqual(report.recordCount, 2)
    assert.deepStrictEqual(
      report.records.map((record: { toVersion: string }) => record.toVersion),
      ["1.3.24", "1.3.23"]
    )
    assert.strictEqual(report.state, "upgrading")
    assert.strictEqual(report.findings[0].code, "several-records")
    assert.deepStrictEqual(report.records[1].prepareFinishTime, {
      raw: "2023-01-01 10:00:00",
      utc: "2023-01-01T02:00:00.000Z",
      assumedZone: "+08:00"
    })
    const table = run(["render", path])
    assert.include(table.stdout, "record 1 of 2")
    assert.include(table.stdout, "Earlier records")
    assert.include(table.stdout, 'read "2023-01-01 10:00:00" as UTC+08:00')
  })

  it("keeps pre_check, Upgrading and failed verbatim with an unknown verdict", () => {
    for (const status of ["pre_check", "Upgrading", "failed"]) {
      const { code, document } = json(["render", file(body([{ Status: status }]))])
      assert.strictEqual(code, 0, status)
      assert.strictEqual(document.reports[0].records[0].status, status)
      assert.strictEqual(document.reports[0].state, "unknown")
    }
  })

  it("writes integers beyond 2^53 exactly", () => {
    const raw = `{"RequestId":"r","Success":true,"Data":[{"Status":"preparing","Details":"{\\"FlightingReport\\":{\\"SQLResultStat\\":{\\"TotalExecuted\\":12345678901234567891}}}"}]}`
    const result = run(["render", file(raw), "--output", "json"])
    assert.include(result.stdout, '"TotalExecuted": 12345678901234567891')
  })

  it("exits 4 when the body says the call did not succeed", () => {
    const result = run(["render", file(body([], { Success: false, ErrorCode: "Forbidden", ErrorMessage: "no" }))])
    assert.strictEqual(result.code, 4)
    assert.include(result.stderr, "Forbidden")
  })
})

describe("render when interrupted", () => {
  it("exits 130 on SIGINT while waiting for stdin", async () => {
    const child = spawn(process.execPath, [bundle, "render", "--log-level", "debug"], {
      stdio: ["pipe", "pipe", "pipe"]
    })
    let stderr = ""
    // The debug line says the command is running and waiting on stdin, so the signal reaches its handler.
    await new Promise<void>((resolve) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8")
        if (stderr.includes("Reading the response body from stdin")) resolve()
      })
    })
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    child.kill("SIGINT")
    assert.strictEqual(await exited, 130)
    child.stdin.destroy()
  })
})
