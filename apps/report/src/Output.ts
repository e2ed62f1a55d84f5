/**
 * Where and how a command's result goes: the `--output` and `--out` options every reporting command shares, the
 * renderers behind them, and the two streams. Data goes to stdout (or the `--out` file) and nothing else does;
 * diagnostics go to stderr.
 */
import { appendFile, writeFile } from "node:fs/promises"
import * as Options from "@effect/cli/Options"
import { Effect, Option } from "effect"
import { UsageError } from "./ExitCode.ts"
import * as Html from "./output/Html.ts"
import * as Json from "./output/Json.ts"
import * as Markdown from "./output/Markdown.ts"
import * as Ndjson from "./output/Ndjson.ts"
import * as Table from "./output/Table.ts"
import { printableLines } from "./output/text.ts"
import * as Yaml from "./output/Yaml.ts"
import type { InstanceReport } from "./Report.ts"
import * as Terminal from "./Terminal.ts"

/** The output formats, the first being the default. */
export const formats = ["table", "json", "ndjson", "yaml", "markdown", "html"] as const

/** One of `formats`. */
export type Format = (typeof formats)[number]

/** `--output table|json|ndjson|yaml|markdown|html` (`-o`). */
export const format = Options.choice("output", formats).pipe(
  Options.withAlias("o"),
  Options.withDefault("table" as Format),
  Options.withDescription(
    "Output format: table (default, for a terminal), json (one document), ndjson (one report per line), yaml, " +
      "markdown (for a pull request or a chat) or html (one self-contained page)"
  )
)

/** `--out PATH`: write the output to a file instead of stdout. */
export const out = Options.text("out").pipe(
  Options.withDescription("Write the output to this file instead of stdout (never coloured)"),
  Options.optional
)

/** What `format` and `out` parse to. */
export interface Destination {
  readonly format: Format
  readonly out: Option.Option<string>
}

/**
 * Whether to colour: only on a terminal, never when `NO_COLOR` is set to anything but the empty string
 * (https://no-color.org), and never on a terminal that declares itself dumb.
 */
export const useColour = (isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean =>
  Terminal.colourEnabled("auto", isTTY, env)

/** Renders reports in a format. Only the table is ever coloured. */
export const render = (reports: ReadonlyArray<InstanceReport>, format: Format, colour = false): string => {
  switch (format) {
    case "json":
      return Json.render(reports)
    case "ndjson":
      return Ndjson.render(reports)
    case "yaml":
      return Yaml.render(reports)
    case "markdown":
      return Markdown.render(reports)
    case "html":
      return Html.render(reports)
    case "table":
      return Table.render(reports, colour ? Table.ansi : Table.plain)
  }
}

/**
 * One report as one NDJSON line (with a trailing newline), for commands that stream reports as they complete. `extra`
 * keys (a poll number, a time) come after the report's own; see `output/Ndjson.ts`.
 */
export const ndjsonLine = Ndjson.line

const writeStdout = (text: string): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    // A closed pipe (`| head`) is the reader's choice, not an error of ours.
    process.stdout.write(text, () => resume(Effect.void))
  })

/** Writes data: to the `--out` file when given (a write failure is a usage error), else to stdout. */
export const write = (text: string, out: Option.Option<string>): Effect.Effect<void, UsageError> =>
  Option.match(out, {
    onNone: () => writeStdout(text),
    onSome: (path) =>
      Effect.tryPromise({
        try: () => writeFile(path, text, "utf8"),
        catch: (cause) =>
          new UsageError({ message: `Cannot write ${path}: ${cause instanceof Error ? cause.message : String(cause)}` })
      })
  })

/**
 * Opens a destination for text written piece by piece (NDJSON lines as reports complete): stdout, or the `--out` file,
 * emptied first so that an unwritable path is a usage error before any work starts. A later write that fails is
 * reported on stderr once per failure and does not stop the run.
 */
export const openStream = (
  out: Option.Option<string>
): Effect.Effect<(text: string) => Effect.Effect<void>, UsageError> =>
  Option.match(out, {
    onNone: () => Effect.succeed(writeStdout),
    onSome: (path) =>
      Effect.as(write("", out), (text: string) =>
        Effect.tryPromise(() => appendFile(path, text, "utf8")).pipe(
          Effect.catchAll((error) =>
            diagnose(
              `holo-upgrade: cannot write ${path}: ` +
                `${error.error instanceof Error ? error.error.message : String(error.error)}`
            )
          )
        )
      )
  })

/** Renders reports as the destination asks and writes them. */
export const emit = (
  reports: ReadonlyArray<InstanceReport>,
  destination: Destination
): Effect.Effect<void, UsageError> =>
  // `--color always|never` decides over the terminal and the environment; see `Terminal.colour`.
  Effect.flatMap(Terminal.colour("stdout"), (terminal) => {
    const colour = Option.isNone(destination.out) && terminal
    return write(render(reports, destination.format, colour), destination.out)
  })

/** Writes one diagnostic line to stderr. */
export const diagnose = (message: string): Effect.Effect<void> =>
  Effect.sync(() => {
    // Messages quote the API (a status, an error message): nothing in them may steer the terminal.
    process.stderr.write(`${printableLines(message)}\n`)
  })
