import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { UpgradeStatus } from "@holo-upgrade/core"
import { Effect, Either, Option } from "effect"
import * as ExitCode from "../src/ExitCode.ts"
import * as Output from "../src/Output.ts"
import * as Report from "../src/Report.ts"
import { fixture, run } from "./cli.ts"
import * as Samples from "./outputSamples.ts"

const dir = mkdtempSync(join(tmpdir(), "holo-upgrade-output-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const vendorReport = Effect.gen(function* () {
  const response = Either.getOrThrow(
    UpgradeStatus.decodeBody(readFileSync(fixture("vendor-example-response.json"), "utf8"))
  )
  return yield* Report.fromResponse(response, { instanceId: "hg-1", regionId: "cn-hangzhou" })
})

const decodeFailure = (text: string) => {
  const result = UpgradeStatus.decodeBody(text)
  if (Either.isRight(result)) assert.fail("expected a DecodeError")
  return result.left
}

describe("Output.useColour", () => {
  it("colours only a terminal, and never with NO_COLOR set", () => {
    assert.isTrue(Output.useColour(true, {}))
    assert.isTrue(Output.useColour(true, { NO_COLOR: "" }))
    assert.isFalse(Output.useColour(true, { NO_COLOR: "1" }))
    assert.isFalse(Output.useColour(false, {}))
    assert.isFalse(Output.useColour(undefined, {}))
    assert.isFalse(Output.useColour(true, { TERM: "dumb" }))
    assert.isTrue(Output.useColour(true, { TERM: "xterm-256color" }))
  })
})

describe("Output.render", () => {
  it.effect("paints the table only when asked", () =>
    Effect.gen(function* () {
      const report = yield* vendorReport
      assert.include(Output.render([report], "table", true), "\u001b[31m")
      assert.notInclude(Output.render([report], "table", false), "\u001b[")
      assert.notInclude(Output.render([report], "json", true), "\u001b[")
    })
  )

  it.effect("names the target it was given", () =>
    Effect.gen(function* () {
      const report = yield* vendorReport
      const document = JSON.parse(Output.render([report], "json"))
      assert.strictEqual(document.reports[0].instanceId, "hg-1")
      assert.strictEqual(document.reports[0].regionId, "cn-hangzhou")
    })
  )

  it("escapes table separators in Markdown cells", () => {
    const report = Report.fromError(decodeFailure("<html><title>a | b</title></html>"))
    assert.include(Output.render([report], "markdown"), "a \\| b")
  })
})

describe("ExitCode", () => {
  it.effect("maps verdicts and errors to the documented codes", () =>
    Effect.gen(function* () {
      const rolledBack = yield* vendorReport
      assert.strictEqual(ExitCode.ofReports([rolledBack]), ExitCode.upgradeFailed)
      const undecodable = Report.fromError(decodeFailure(""))
      assert.strictEqual(ExitCode.ofReports([undecodable]), ExitCode.api)
      assert.strictEqual(ExitCode.ofReports([undecodable, rolledBack]), ExitCode.upgradeFailed)
      assert.strictEqual(ExitCode.ofError(new ExitCode.UsageError({ message: "x" })), ExitCode.usage)
      assert.strictEqual(ExitCode.ofError(new Error("bug")), ExitCode.internal)
    })
  )
})

describe("Output.render for every format", () => {
  const fleet = [Samples.vendor(), Samples.running(), Samples.forbidden()]

  it("renders each format without colour and says so in the option's choices", () => {
    assert.deepStrictEqual([...Output.formats], ["table", "json", "ndjson", "yaml", "markdown", "html"])
    for (const format of Output.formats) {
      const text = Output.render(fleet, format, format === "table")
      assert.isTrue(text.endsWith("\n"), format)
      if (format !== "table") assert.notInclude(text, "\u001b[", format)
    }
    assert.match(Output.render(fleet, "html"), /^<!DOCTYPE html>\n<html lang="en">/)
  })

  it("writes NDJSON as one line per report, each the report of the JSON document", () => {
    const lines = Output.render(fleet, "ndjson").split("\n")
    assert.strictEqual(lines.pop(), "")
    assert.strictEqual(lines.length, fleet.length)
    const document = JSON.parse(Output.render(fleet, "json"))
    lines.forEach((line, index) => {
      assert.deepStrictEqual(JSON.parse(line), document.reports[index])
      assert.deepStrictEqual(Object.keys(JSON.parse(line)), Object.keys(document.reports[index]))
    })
  })

  it("keeps each NDJSON line on one line and appends extra keys without replacing the report's own", () => {
    const report = Report.fromError(decodeFailure("line one\nline two\r\nline three"))
    const line = Output.ndjsonLine(report, { poll: 3, polledAt: "2024-03-02T10:07:40.000Z", state: "forged" })
    assert.strictEqual(line.indexOf("\n"), line.length - 1)
    const value = JSON.parse(line)
    assert.strictEqual(value.state, "unknown")
    assert.deepStrictEqual(Object.keys(value).slice(-2), ["poll", "polledAt"])
    assert.strictEqual(value.poll, 3)
  })

  it("writes integers beyond 2^53 exactly in NDJSON", () => {
    const report = Samples.reportOf(
      Samples.body({ Status: "preparing" }, { FlightingReport: { SQLResultStat: { TotalExecuted: 1 } } }).replace(
        '\\"TotalExecuted\\":1',
        '\\"TotalExecuted\\":12345678901234567891'
      )
    )
    assert.include(Output.ndjsonLine(report), '"TotalExecuted":12345678901234567891')
  })
})

describe("Output.openStream", () => {
  it.effect("empties the --out file first, then appends each piece", () =>
    Effect.gen(function* () {
      const path = join(dir, "stream.ndjson")
      for (const round of [1, 2]) {
        const append = yield* Output.openStream(Option.some(path))
        yield* append(Output.ndjsonLine(Samples.running(), { round }))
        yield* append(Output.ndjsonLine(Samples.succeeded(), { round }))
        const lines = readFileSync(path, "utf8").trimEnd().split("\n")
        assert.deepStrictEqual(
          lines.map((line) => JSON.parse(line).round),
          [round, round]
        )
      }
    })
  )

  it.effect("fails with a usage error before any work when the file cannot be written", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Output.openStream(Option.some(join(dir, "missing", "out.ndjson"))))
      assert.instanceOf(error, ExitCode.UsageError)
      assert.include(error.message, "missing")
    })
  )
})

describe("render --output", () => {
  const vendor = fixture("vendor-example-response.json")

  it("prints NDJSON, YAML, Markdown and HTML with the usual exit code", () => {
    for (const format of ["ndjson", "yaml", "markdown", "html"]) {
      const result = run(["render", vendor, "--output", format])
      assert.strictEqual(result.code, 1, format)
      assert.include(result.stderr, "did not succeed", format)
      assert.notInclude(result.stdout, "\u001b[", format)
    }
    assert.strictEqual(JSON.parse(run(["render", vendor, "-o", "ndjson"]).stdout).state, "rolled-back")
    assert.match(run(["render", vendor, "-o", "yaml"]).stdout, /^reports:\n {2}- instanceId: hgxxx\n/)
  })

  it("writes the HTML page to --out and nothing to stdout", () => {
    const out = join(dir, "report.html")
    const result = run(["render", vendor, "--output", "html", "--out", out])
    assert.strictEqual(result.code, 1)
    assert.strictEqual(result.stdout, "")
    const page = readFileSync(out, "utf8")
    assert.include(page, "ROLLED BACK")
    assert.include(page, "Content-Security-Policy")
  })

  it("lists every format in --help", () => {
    const result = run(["render", "--help"])
    for (const format of Output.formats) assert.include(result.stdout, format)
  })
})
