/**
 * Where and how a command's result goes: the `--output` and `--out` options every reporting command shares, the
 * renderers behind them, and the two streams. Data goes to stdout (or the `--out` file) and nothing else does;
 * diagnostics go to stderr.
 */
import { writeFile } from "node:fs/promises"
import * as Options from "@effect/cli/Options"
import { Effect, Option } from "effect"
import { UsageError } from "./ExitCode.ts"
import * as Json from "./output/Json.ts"
import * as Markdown from "./output/Markdown.ts"
import * as Table from "./output/Table.ts"
import type { InstanceReport } from "./Report.ts"

/** The output formats, the first being the default. */
export const formats = ["table", "json", "markdown"] as const

/** One of `formats`. */
export type Format = (typeof formats)[number]

/** `--output table|json|markdown` (`-o`). */
export const format = Options.choice("output", formats).pipe(
  Options.withAlias("o"),
  Options.withDefault("table" as Format),
  Options.withDescription("Output format: table (default, for a terminal), json (one document) or markdown")
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
 * Whether to colour: only on a terminal, and never when `NO_COLOR` is set to anything but the empty string
 * (https://no-color.org).
 */
export const useColour = (isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean =>
  isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "")

/** Renders reports in a format. */
export const render = (reports: ReadonlyArray<InstanceReport>, format: Format, colour = false): string => {
  switch (format) {
    case "json":
      return Json.render(reports)
    case "markdown":
      return Markdown.render(reports)
    case "table":
      return Table.render(reports, colour ? Table.ansi : Table.plain)
  }
}

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

/** Renders reports as the destination asks and writes them. */
export const emit = (
  reports: ReadonlyArray<InstanceReport>,
  destination: Destination
): Effect.Effect<void, UsageError> =>
  Effect.suspend(() => {
    const colour = Option.isNone(destination.out) && useColour(process.stdout.isTTY, process.env)
    return write(render(reports, destination.format, colour), destination.out)
  })

/** Writes one diagnostic line to stderr. */
export const diagnose = (message: string): Effect.Effect<void> =>
  Effect.sync(() => {
    process.stderr.write(`${message}\n`)
  })
