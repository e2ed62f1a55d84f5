import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import * as CommandLine from "../src/CommandLine.ts"
import * as Config from "../src/commands/Config.ts"
import * as Emulator from "../src/commands/Emulator.ts"
import * as Render from "../src/commands/Render.ts"
import * as Status from "../src/commands/Status.ts"
import * as Watch from "../src/commands/Watch.ts"
import * as Help from "../src/Help.ts"
import { fixture, run } from "./cli.ts"

const specs = [Status.command, Watch.command, Render.command, Emulator.command, Config.command].map(CommandLine.spec)

const check = (...args: Array<string>) =>
  Either.map(CommandLine.check(["node", "main.mjs", ...args], specs), (argv) => argv.slice(2))

describe("CommandLine.check", () => {
  it("refuses an unknown option the same way in every command, wherever it stands", () => {
    assert.deepStrictEqual(
      check("render", "--bogus", "FILE"),
      Either.left("Unknown option --bogus for render (holo-upgrade render --help lists the options)")
    )
    assert.deepStrictEqual(
      check("render", "--bogus"),
      Either.left("Unknown option --bogus for render (holo-upgrade render --help lists the options)")
    )
    assert.deepStrictEqual(
      check("config", "show", "--regoin", "x"),
      Either.left("Unknown option --regoin for config show (holo-upgrade config show --help lists the options)")
    )
    assert.deepStrictEqual(
      check("emulator", "--bogus=1"),
      Either.left("Unknown option --bogus for emulator (holo-upgrade emulator --help lists the options)")
    )
    assert.deepStrictEqual(
      check("bogus"),
      Either.left("Unknown command bogus (holo-upgrade --help lists the commands)")
    )
  })

  it("refuses a flag without its value, at the end or before another option", () => {
    assert.deepStrictEqual(
      check("render", "-o"),
      Either.left("-o needs a value (holo-upgrade render --help lists the options)")
    )
    assert.deepStrictEqual(
      check("status", "hg-1", "--region", "--out", "x"),
      Either.left("--region needs a value (holo-upgrade status --help lists the options)")
    )
  })

  it("puts the command first, its options next and a lone - (stdin) last", () => {
    assert.deepStrictEqual(check("-o", "json", "render", "FILE"), Either.right(["render", "-o", "json", "FILE"]))
    assert.deepStrictEqual(check("render", "-", "-o", "json"), Either.right(["render", "-o", "json", "-"]))
    assert.deepStrictEqual(
      check("status", "--from-file", "-", "--qps=2"),
      Either.right(["status", "--from-file", "-", "--qps=2"])
    )
    // A value that happens to be a command's name is not the command.
    assert.deepStrictEqual(
      check("--profile", "render", "status", "hg-1"),
      Either.right(["status", "--profile", "render", "hg-1"])
    )
    assert.deepStrictEqual(check("config", "show", "-o", "json"), Either.right(["config", "show", "-o", "json"]))
    assert.deepStrictEqual(check("--version"), Either.right(["--version"]))
    assert.deepStrictEqual(check("watch", "--help"), Either.right(["watch", "--help"]))
  })

  it("names a nested command by its full path in the help's usage line", () => {
    const nested = CommandLine.nestedNames(specs)
    assert.strictEqual(Help.tidy("$ show [--out text]", false, nested), "$ holo-upgrade config show [--out text]")
    assert.strictEqual(Help.tidy("$ render [<FILE>]", false, nested), "$ holo-upgrade render [<FILE>]")
  })
})

describe("the command's usage errors", () => {
  it("are one line on stderr with the command's prefix, exit 2, for every command", () => {
    for (const args of [
      ["render", "--bogus", fixture("vendor-example-response.json")],
      ["render", "-o"],
      ["status", "hg-1", "--regoin", "x"],
      ["emulator", "--bogus"],
      ["config", "show", "--bogus"],
      ["demo", "--bogus"]
    ]) {
      const result = run(args)
      assert.strictEqual(result.code, 2, args.join(" "))
      assert.strictEqual(result.stdout, "")
      assert.match(result.stderr, /^holo-upgrade: \S.*\n$/, args.join(" "))
    }
  })

  it("prints the version without a blank line", () => {
    assert.strictEqual(run(["--version"]).stdout, "0.1.0\n")
  })
})
