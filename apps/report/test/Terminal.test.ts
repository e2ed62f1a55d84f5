import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import * as Terminal from "../src/Terminal.ts"

const argv = (...args: Array<string>) => ["node", "holo-upgrade", ...args]

describe("Terminal", () => {
  it("takes the global flags out of the command line wherever they are, before a --", () => {
    const parsed = Terminal.extract(argv("-v", "status", "hg-1", "--color", "never", "-o", "json", "--", "-q"))
    assert.deepStrictEqual(
      parsed,
      Either.right({
        argv: argv("status", "hg-1", "-o", "json", "--", "-q"),
        settings: { color: "never", verbosity: "verbose" }
      })
    )
    const after = Terminal.extract(argv("status", "hg-1", "--debug", "-v", "--color=always"))
    assert.deepStrictEqual(
      after,
      Either.right({ argv: argv("status", "hg-1"), settings: { color: "always", verbosity: "debug" } })
    )
    assert.deepStrictEqual(
      Terminal.extract(argv("render", "-q")),
      Either.right({ argv: argv("render"), settings: { color: "auto", verbosity: "quiet" } })
    )
  })

  it("refuses -q with -v or --debug, and a --color value that is not a mode", () => {
    assert.isTrue(Either.isLeft(Terminal.extract(argv("-q", "status", "--debug"))))
    assert.isTrue(Either.isLeft(Terminal.extract(argv("-v", "-q"))))
    const bad = Terminal.extract(argv("--color", "sometimes"))
    assert.deepStrictEqual(bad, Either.left('--color takes auto, always or never, not "sometimes"'))
    assert.isTrue(Either.isLeft(Terminal.extract(argv("--color"))))
  })

  it("colours a terminal only, never with NO_COLOR set or TERM=dumb, unless --color decides", () => {
    assert.isTrue(Terminal.colourEnabled("auto", true, { TERM: "xterm-256color" }))
    assert.isTrue(Terminal.colourEnabled("auto", true, { NO_COLOR: "" }))
    assert.isFalse(Terminal.colourEnabled("auto", false, {}))
    assert.isFalse(Terminal.colourEnabled("auto", undefined, {}))
    assert.isFalse(Terminal.colourEnabled("auto", true, { NO_COLOR: "1" }))
    assert.isFalse(Terminal.colourEnabled("auto", true, { NO_COLOR: "false" }))
    assert.isFalse(Terminal.colourEnabled("auto", true, { TERM: "dumb" }))
    assert.isFalse(Terminal.colourEnabled("never", true, {}))
    assert.isTrue(Terminal.colourEnabled("always", false, { NO_COLOR: "1", TERM: "dumb" }))
  })
})
