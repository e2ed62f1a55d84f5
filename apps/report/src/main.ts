/**
 * The `holo-upgrade` command. Each subcommand lives in `commands/` and is registered in `subcommands` below: adding
 * one is an import and one entry. Nothing runs at import time besides building the command description.
 *
 * Before @effect/cli parses the command line, the global flags (`--color`, `-q`, `-v`, `--debug`) are taken out of
 * it (`Terminal.extract`), so every command honours them in any position; `holo-upgrade --help` is written here
 * (`Help.root`), each command's own help by @effect/cli with `Help.footer` (global flags, exit codes) appended.
 */
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect, Either, Layer, Logger } from "effect"
import * as CommandLine from "./CommandLine.ts"
import * as Config from "./commands/Config.ts"
import * as Demo from "./commands/Demo.ts"
import * as Emulator from "./commands/Emulator.ts"
import * as Render from "./commands/Render.ts"
import * as Status from "./commands/Status.ts"
import * as Watch from "./commands/Watch.ts"
import * as ExitCode from "./ExitCode.ts"
import * as Help from "./Help.ts"
import * as Output from "./Output.ts"
import { describeError, isHologresError } from "./Report.ts"
import * as Terminal from "./Terminal.ts"

const version = "0.1.0"

// In the order of the help: the live commands first, then the offline ones, then the local tools.
const subcommands = [
  Status.command,
  Watch.command,
  Render.command,
  Demo.command,
  Emulator.command,
  Config.command
  // Each further subcommand: one entry here, one import above.
] as const

const specs = subcommands.map(CommandLine.spec)

const about = {
  name: "holo-upgrade",
  version,
  description: "where a Hologres instance upgrade stands, from GetUpgradeStatus"
} as const

const root = Command.make("holo-upgrade", {}, () =>
  Effect.fail(new ExitCode.UsageError({ message: "Choose a command: holo-upgrade --help lists them" }))
).pipe(Command.withDescription(about.description), Command.withSubcommands(subcommands))

const cli = Command.run(root, { name: about.name, version, footer: Help.footer })

// `holo-upgrade --help` lists the commands; bare `holo-upgrade` shows the same on stderr as a usage error.
const rootHelp = (stream: "stdout" | "stderr"): Effect.Effect<void> =>
  Effect.flatMap(Terminal.colour(stream), (colour) =>
    Effect.sync(() => {
      process[stream].write(Help.root(about, subcommands, colour))
    })
  )

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

const run = (argv: ReadonlyArray<string>) => {
  const args = argv.slice(2)
  if (args.length === 0) return Effect.as(rootHelp("stderr"), ExitCode.usage)
  if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) return Effect.as(rootHelp("stdout"), ExitCode.ok)
  return cli(argv).pipe(
    Effect.as(ExitCode.ok),
    Effect.catchAll(exitCode),
    Help.withTidyConsole(CommandLine.nestedNames(specs)),
    Effect.provide(Layer.succeed(CliConfig.CliConfig, Help.cliConfig))
  )
}

// A reader that has seen enough (`| head`) closes the pipe: stop at once and quietly, as tools ended by SIGPIPE do,
// rather than fail on the next write.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error
    process.exit(ExitCode.brokenPipe)
  })
}

const parsed = Either.flatMap(Terminal.extract(process.argv), ({ argv, settings }) =>
  Either.map(CommandLine.check(argv, specs), (ordered) => ({ argv: ordered, settings }))
)

Either.match(parsed, {
  onLeft: (message) => Effect.as(Output.diagnose(`holo-upgrade: ${message}`), ExitCode.usage),
  onRight: ({ argv, settings }) =>
    run(argv).pipe(
      Logger.withMinimumLogLevel(Terminal.logLevel(settings.verbosity)),
      Effect.locally(Terminal.current, settings)
    )
}).pipe(
  Effect.catchAllDefect((defect) =>
    Effect.as(Output.diagnose(`holo-upgrade: internal error: ${describeUnknown(defect)}`), ExitCode.internal)
  ),
  Effect.provide(NodeContext.layer),
  Effect.provide(Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true }))),
  NodeRuntime.runMain({ disableErrorReporting: true, disablePrettyLogger: true, teardown: ExitCode.teardown })
)
