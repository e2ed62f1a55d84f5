import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { UpgradeStatus } from "@holo-upgrade/core"
import { Effect, Either } from "effect"
import * as ExitCode from "../src/ExitCode.ts"
import * as Output from "../src/Output.ts"
import * as Report from "../src/Report.ts"
import { fixture } from "./cli.ts"

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
