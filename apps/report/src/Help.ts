/**
 * What `--help` shows: the command list, each command's own flags with their defaults, the global flags and the exit
 * codes. @effect/cli writes the per-command help and its usage errors; `tidy` makes that text follow the colour rules
 * (no escape codes off a terminal, and on one only bold, dim, red, yellow and green, which read on dark and light
 * backgrounds alike) and drops the parser's generic lines ("A user-defined piece of text.") that say nothing the
 * usage line does not.
 */
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import { Console, Effect } from "effect"
import * as ExitCode from "./ExitCode.ts"
import * as Terminal from "./Terminal.ts"

/** How @effect/cli is configured: its own built-in flags stay out of the help (they still work). */
export const cliConfig = CliConfig.make({ showBuiltIns: false })

const columns = (rows: ReadonlyArray<readonly [string, string]>): string => {
  const width = Math.max(...rows.map(([left]) => left.length))
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join("\n")
}

/** The global flags and exit codes, for the end of every command's help. */
export const footer: HelpDoc.HelpDoc = HelpDoc.blocks([
  HelpDoc.h1("GLOBAL OPTIONS (every command, before or after its arguments)"),
  HelpDoc.p(columns(Terminal.flagHelp)),
  HelpDoc.h1("EXIT CODES (the same for every command)"),
  HelpDoc.p(columns(ExitCode.table.map(([code, meaning]) => [String(code), meaning])))
])

const sgrPattern = /\u001b\[([0-9;]*)m/g

// Attributes and colours readable on dark and light backgrounds: reset, bold, dim, underline, red, green, yellow.
const readable = new Set(["0", "1", "2", "4", "22", "24", "31", "32", "33", "39"])

// The parser's descriptions of value types and optionality: the usage line already says all of it.
const generic = [
  /^A user-defined piece of text( that is confidential)?\.$/,
  /^A true or false value\.$/,
  /^An integer\.$/,
  /^A floating point number\.$/,
  /^(An existing |A )(file|directory|file or directory)( that must not exist)?\.$/,
  /^This setting is optional\.$/,
  /^One of the following: .*$/,
  /^This argument must be repeated at least 1 times\.$/
]

/**
 * Makes @effect/cli's text follow the colour rules and drops its generic lines. `colour` off removes every escape
 * code; on, keeps only the readable ones.
 */
export const tidy = (text: string, colour: boolean, nested: ReadonlyMap<string, string> = new Map()): string => {
  const painted = text.replace(sgrPattern, (_, params: string) => {
    if (!colour) return ""
    const kept = params.split(";").filter((param) => readable.has(param === "" ? "0" : param))
    return kept.length === 0 ? "" : `\u001b[${kept.join(";")}m`
  })
  const lines = painted.split("\n").filter((line) => {
    const bare = line.replace(sgrPattern, "").trim()
    return !generic.some((pattern) => pattern.test(bare))
  })
  return (
    lines
      // The parser's usage line names a nested command alone (`$ show`): give it its full path.
      .map((line) =>
        line.replace(/^\$ (?!holo-upgrade)(\S+)/, (_, name: string) => `$ holo-upgrade ${nested.get(name) ?? name}`)
      )
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      // The parser heads a help page with the name twice, alone and then with the version.
      .replace(/^((?:\u001b\[[0-9;]*m)*)holo-upgrade((?:\u001b\[[0-9;]*m)*)\n\n(?=holo-upgrade \d)/, "")
  )
}

/**
 * Runs `effect` with @effect/cli's console output (help on stdout, usage errors on stderr) tidied, without the blank
 * lines the parser leaves at the end; `nested` gives nested commands their full names (see `tidy`).
 */
export const withTidyConsole =
  (nested: ReadonlyMap<string, string>) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.gen(function* () {
      const base = yield* Effect.console
      const toStdout = yield* Terminal.colour("stdout")
      const toStderr = yield* Terminal.colour("stderr")
      const clean = (colour: boolean) => (args: ReadonlyArray<unknown>) =>
        args.map((arg) => (typeof arg === "string" ? tidy(arg, colour, nested).replace(/\n+$/, "") : arg))
      const tidied: Console.Console = {
        ...base,
        log: (...args) => base.log(...clean(toStdout)(args)),
        error: (...args) => base.error(...clean(toStderr)(args))
      }
      return yield* Console.withConsole(effect, tidied)
    })

const bold = (text: string, colour: boolean): string => (colour ? `\u001b[1m${text}\u001b[22m` : text)

const firstSentence = (text: string): string => {
  const end = text.search(/\.(\s|$)/)
  return end === -1 ? text : text.slice(0, end)
}

// A command's description as plain text: the lines under DESCRIPTION in its help.
const descriptionOf = (command: Command.Command<any, any, any, any>): string => {
  const text = tidy(HelpDoc.toAnsiText(Command.getHelp(command, cliConfig)), false)
  const lines = text.split("\n")
  const start = lines.findIndex((line) => line.trim() === "DESCRIPTION")
  if (start === -1) return ""
  const body: Array<string> = []
  for (const line of lines.slice(start + 2)) {
    if (line.trim() === "") break
    body.push(line.trim())
  }
  return firstSentence(body.join(" "))
}

/** The help of `holo-upgrade` itself: what it is, its commands with one line each, global flags, exit codes. */
export const root = (
  about: { readonly name: string; readonly version: string; readonly description: string },
  commands: ReadonlyArray<Command.Command<any, any, any, any>>,
  colour: boolean
): string => {
  const rows = commands.map((command): readonly [string, string] => [
    [...Command.getNames(command)][0] ?? "?",
    descriptionOf(command)
  ])
  return [
    `${bold(about.name, colour)} ${about.version}: ${about.description}`,
    "",
    bold("USAGE", colour),
    "",
    `  ${about.name} <command> [arguments] [options]`,
    `  ${about.name} <command> --help`,
    "",
    bold("COMMANDS", colour),
    "",
    columns(rows),
    "",
    tidy(HelpDoc.toAnsiText(footer), colour)
  ].join("\n")
}
