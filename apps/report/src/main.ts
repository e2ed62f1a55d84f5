/**
 * The `holo-upgrade` command. Each subcommand lives in `commands/` and is registered in `subcommands` below: adding
 * one is an import and one entry. Nothing runs at import time besides building the command description.
 */
import * as Command from "@effect/cli/Command"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect, Logger } from "effect"
import * as Demo from "./commands/Demo.ts"
import * as Emulator from "./commands/Emulator.ts"
import * as Render from "./commands/Render.ts"
import * as Status from "./commands/Status.ts"
import * as Watch from "./commands/Watch.ts"
import * as ExitCode from "./ExitCode.ts"
import * as Output from "./Output.ts"
import { describeError, isHologresError } from "./Report.ts"

const version = "0.1.0"

const subcommands = [
  Render.command,
  Watch.command,
  Demo.command,
  Status.command,
  Emulator.command
  // Each further subcommand: one entry here, one import above.
] as const

const root = Command.make("holo-upgrade", {}, () =>
  Effect.fail(new ExitCode.UsageError({ message: "Choose a command: holo-upgrade --help lists them" }))
).pipe(
  Command.withDescription("Where a Hologres instance upgrade stands, from GetUpgradeStatus"),
  Command.withSubcommands(subcommands)
)

const cli = Command.run(root, { name: "holo-upgrade", version })

const describeUnknown = (value: unknown): string =>
  value instanceof Error ? (value.stack ?? value.message) : String(value)

// Every failure ends here: say what went wrong on stderr (the CLI has already printed its own usage errors) and
// turn it into the documented exit code.
const exitCode = (error: unknown): Effect.Effect<number> => {
  const code = ExitCode.ofError(error)
  if (error instanceof ExitCode.CommandExit) {
    return error.message === undefined ? Effect.succeed(code) : Effect.as(Output.diagnose(error.message), code)
  }
  if (error instanceof ExitCode.UsageError) return Effect.as(Output.diagnose(`holo-upgrade: ${error.message}`), code)
  if (isHologresError(error)) return Effect.as(Output.diagnose(`holo-upgrade: ${describeError(error)}`), code)
  if (code === ExitCode.usage) return Effect.succeed(code)
  return Effect.as(Output.diagnose(`holo-upgrade: unexpected error: ${describeUnknown(error)}`), code)
}

// @effect/cli stops matching options at an argument starting with "-" that it does not know, so the usual `-` for
// stdin would hide every flag after it (`render - --output json`). Moving a lone `-` to the end keeps those working;
// one right after a flag is that flag's value and stays.
const stdinLast = (argv: ReadonlyArray<string>): ReadonlyArray<string> => {
  const isStdin = (index: number) => index >= 2 && argv[index] === "-" && !argv[index - 1]!.startsWith("-")
  const kept = argv.filter((_, index) => !isStdin(index))
  return kept.length === argv.length ? argv : [...kept, "-"]
}

cli(stdinLast(process.argv)).pipe(
  Effect.as(ExitCode.ok),
  Effect.catchAll(exitCode),
  Effect.catchAllDefect((defect) =>
    Effect.as(Output.diagnose(`holo-upgrade: internal error: ${describeUnknown(defect)}`), ExitCode.internal)
  ),
  Effect.provide(NodeContext.layer),
  Effect.provide(Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true }))),
  NodeRuntime.runMain({ disableErrorReporting: true, disablePrettyLogger: true, teardown: ExitCode.teardown })
)
