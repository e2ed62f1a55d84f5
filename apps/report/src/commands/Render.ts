/**
 * `holo-upgrade render [FILE|-]`: reports on a saved `GetUpgradeStatus` body (as the API or the official CLI prints
 * it), read from a file or stdin. No network, no credentials.
 */
import { readFile, stat } from "node:fs/promises"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import { HologresError, UpgradeStatus } from "@holo-upgrade/core"
import { Effect, Either, Option } from "effect"
import * as ExitCode from "../ExitCode.ts"
import * as Output from "../Output.ts"
import * as Report from "../Report.ts"

const file = Args.text({ name: "FILE" }).pipe(
  Args.withDescription("The saved response body; `-` or nothing reads stdin"),
  Args.optional
)

const message = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

// Reading more than this many bytes would only be refused by the decoder afterwards; refuse it before reading.
const maxFileBytes = UpgradeStatus.maxBodyLength * 4

const tooLarge = (what: string) =>
  new HologresError.DecodeError({
    reason: "TooLarge",
    message: `${what}, more than any GetUpgradeStatus answer`,
    path: [],
    excerpt: ""
  })

const readStdin = Effect.gen(function* () {
  if (process.stdin.isTTY === true) {
    return yield* new ExitCode.UsageError({ message: "No input: give a FILE, or pipe a response body into stdin" })
  }
  yield* Effect.logDebug("Reading the response body from stdin")
  const text = yield* Effect.tryPromise({
    // Taking the abort signal makes the read interruptible: Ctrl-C while waiting on a silent pipe ends at once.
    try: async (signal) => {
      const chunks: Array<Buffer> = []
      let size = 0
      signal.addEventListener("abort", () => process.stdin.destroy())
      for await (const chunk of process.stdin) {
        size += (chunk as Buffer).length
        // An endless pipe would otherwise fill memory until the process dies: stop where a file would be refused.
        if (size > maxFileBytes) {
          process.stdin.destroy()
          return undefined
        }
        chunks.push(chunk as Buffer)
      }
      return Buffer.concat(chunks).toString("utf8")
    },
    catch: (cause) => new ExitCode.UsageError({ message: `Cannot read stdin: ${message(cause)}` })
  })
  if (text === undefined) return yield* tooLarge(`The body on stdin has more than ${maxFileBytes} bytes`)
  return text
})

const readPath = (path: string) =>
  Effect.gen(function* () {
    const info = yield* Effect.tryPromise({
      try: () => stat(path),
      catch: (cause) => new ExitCode.UsageError({ message: `Cannot read ${path}: ${message(cause)}` })
    })
    if (!info.isFile()) return yield* new ExitCode.UsageError({ message: `Cannot read ${path}: not a regular file` })
    if (info.size > maxFileBytes) return yield* tooLarge(`${path} has ${info.size} bytes`)
    return yield* Effect.tryPromise({
      try: (signal) => readFile(path, { encoding: "utf8", signal }),
      catch: (cause) => new ExitCode.UsageError({ message: `Cannot read ${path}: ${message(cause)}` })
    })
  })

/** Reads the input named by FILE: a path, or stdin for `-` or none. */
export const read = (source: Option.Option<string>) =>
  Option.match(
    Option.filter(source, (path) => path !== "-"),
    { onNone: () => readStdin, onSome: readPath }
  )

/** The `render` subcommand. */
export const command = Command.make(
  "render",
  { file, format: Output.format, out: Output.out },
  ({ file, format, out }) =>
    Effect.gen(function* () {
      const name = Option.getOrElse(
        Option.filter(file, (path) => path !== "-"),
        () => "stdin"
      )
      const report = yield* read(file).pipe(
        Effect.map(UpgradeStatus.decodeBodyWithRepairs),
        Effect.flatMap(
          Either.match({
            onLeft: (error) => Effect.succeed(Report.fromError(error)),
            onRight: ({ repairs, response }) => Report.fromResponse(response, {}, repairs)
          })
        ),
        Effect.catchTag("HologresDecodeError", (error) => Effect.succeed(Report.fromError(error)))
      )

      yield* Output.emit([report], { format, out })
      // The critical findings (an unreadable body among them) again on stderr, so a pipeline that keeps stdout as
      // data still logs why it failed.
      const latest = report.records[0]?.assessment.findings ?? []
      for (const finding of [...report.findings, ...latest]) {
        if (finding.severity === "critical") yield* Output.diagnose(`holo-upgrade: ${name}: ${finding.message}`)
      }
      const code = ExitCode.ofReports([report])
      if (code !== ExitCode.ok) return yield* new ExitCode.CommandExit({ code })
    })
).pipe(Command.withDescription("Report on a saved GetUpgradeStatus response (a file, or stdin)"))
