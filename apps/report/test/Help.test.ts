import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import * as ExitCode from "../src/ExitCode.ts"
import * as Help from "../src/Help.ts"

describe("Help", () => {
  const parserText = [
    "\u001b[0;1m\u001b[0;37;1mholo-upgrade\u001b[0;1m\u001b[0m",
    "",
    "holo-upgrade 0.1.0",
    "",
    "$ status [--qps float] <INSTANCE_ID>...",
    "",
    "\u001b[0;1m\u001b[0;90;1m<INSTANCE_ID>\u001b[0;1m\u001b[0m",
    "",
    "  A user-defined piece of text.",
    "",
    "  Instance ids to ask about",
    "",
    "  This setting is optional.",
    "",
    "\u001b[0;1m--qps float\u001b[0m",
    "",
    "  A floating point number.",
    "",
    "  One of the following: a, b",
    "",
    "  At most this many requests per second; default no limit",
    ""
  ].join("\n")

  it("without colour, no escape code is left and the parser's generic lines are gone", () => {
    const text = Help.tidy(parserText, false)
    assert.notInclude(text, "\u001b")
    assert.notInclude(text, "user-defined")
    assert.notInclude(text, "This setting is optional")
    assert.notInclude(text, "One of the following")
    assert.include(text, "$ holo-upgrade status [--qps float]")
    assert.include(text, "default no limit")
    assert.notMatch(text, /\n\n\n/)
    assert.isTrue(text.startsWith("holo-upgrade 0.1.0"))
  })

  it("with colour, keeps bold but drops white and grey, which vanish on light or dark backgrounds", () => {
    const text = Help.tidy(parserText, true)
    assert.include(text, "\u001b[0;1m")
    assert.notInclude(text, "37")
    assert.notInclude(text, "90;")
  })

  it("the README's exit-code table is ExitCode.table", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8")
    const rows = [...readme.matchAll(/^\| (\d+) +\| (.+?) +\|$/gm)].map((match) => [Number(match[1]), match[2]])
    assert.deepStrictEqual(
      rows,
      ExitCode.table.map(([code, meaning]) => [code, meaning])
    )
  })
})
