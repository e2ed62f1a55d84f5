/**
 * How the command behaves towards a terminal: the global flags every command takes (`--color`, `-q`, `-v`,
 * `--debug`), whether a stream gets colour, and which diagnostics each verbosity lets through. The flags are taken
 * out of the command line before @effect/cli parses it, so they work the same for every command and in any position.
 *
 * Verbosity is one scale: `quiet` (errors only), `normal` (errors, warnings, progress on a terminal), `verbose`
 * (also what is being done: credential source, region, targets) and `debug` (also every HTTP attempt and the
 * decoder's repairs). Errors always reach stderr; data never does.
 */
import { Effect, Either, FiberRef, LogLevel } from "effect"
import { printableLines } from "./output/text.ts"

/** `--color`: `auto` colours a terminal only; `always` and `never` decide regardless of terminal and environment. */
export const colorModes = ["auto", "always", "never"] as const

/** One of `colorModes`. */
export type ColorMode = (typeof colorModes)[number]

/** The verbosity scale, quietest first. */
export const verbosities = ["quiet", "normal", "verbose", "debug"] as const

/** One of `verbosities`. */
export type Verbosity = (typeof verbosities)[number]

/** What the global flags asked for. */
export interface Settings {
  readonly color: ColorMode
  readonly verbosity: Verbosity
}

/** No global flag given. */
export const defaults: Settings = { color: "auto", verbosity: "normal" }

/** The settings of the running command; `main` sets them from the command line. */
export const current = FiberRef.unsafeMake<Settings>(defaults)

type Environment = Readonly<Record<string, string | undefined>>

/**
 * Whether a stream gets colour. `auto`: only a terminal, and never when `NO_COLOR` is set to anything non-empty
 * (https://no-color.org) or `TERM` is `dumb`. An explicit `--color always` or `never` is the user's own decision for
 * this one run and wins over both, as no-color.org asks of command-line flags.
 */
export const colourEnabled = (mode: ColorMode, isTTY: boolean | undefined, env: Environment): boolean => {
  if (mode !== "auto") return mode === "always"
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== ""
  return isTTY === true && !noColor && env.TERM !== "dumb"
}

/** Whether stdout or stderr of this process gets colour under the current settings. */
export const colour = (stream: "stdout" | "stderr"): Effect.Effect<boolean> =>
  Effect.map(FiberRef.get(current), (settings) => colourEnabled(settings.color, process[stream].isTTY, process.env))

/** The minimum level of Effect's logger for a verbosity. */
export const logLevel = (verbosity: Verbosity): LogLevel.LogLevel =>
  verbosity === "quiet" ? LogLevel.Error : verbosity === "debug" ? LogLevel.Debug : LogLevel.Info

/** The global flags as the help text lists them. */
export const flagHelp: ReadonlyArray<readonly [flag: string, meaning: string]> = [
  ["--color auto|always|never", "colour: auto (default) only on a terminal, not with NO_COLOR or TERM=dumb"],
  ["-q, --quiet", "errors only on stderr: no warnings, no progress"],
  ["-v, --verbose", "also say what is done: credential source, region, instances"],
  ["--debug", "also every HTTP attempt and every repair of a malformed answer (never a secret)"],
  ["-h, --help", "this help; --version prints the version"]
]

const rank = (verbosity: Verbosity): number => verbosities.indexOf(verbosity)

/**
 * Takes the global flags out of a command line (`[node, script, ...args]`), anywhere before a `--`. Returns the rest
 * and the settings, or a usage message: `-q` with `-v` or `--debug`, or a `--color` value that is not a mode.
 */
export const extract = (
  argv: ReadonlyArray<string>
): Either.Either<{ readonly argv: ReadonlyArray<string>; readonly settings: Settings }, string> => {
  const kept = argv.slice(0, 2)
  let color: ColorMode = "auto"
  let quiet = false
  let verbosity: Verbosity = "normal"
  for (let index = 2; index < argv.length; index++) {
    const arg = argv[index]!
    if (arg === "--") {
      kept.push(...argv.slice(index))
      break
    }
    if (arg === "-q" || arg === "--quiet") quiet = true
    else if (arg === "-v" || arg === "--verbose") verbosity = rank(verbosity) < rank("verbose") ? "verbose" : verbosity
    else if (arg === "--debug") verbosity = "debug"
    else if (arg === "--color" || arg.startsWith("--color=")) {
      const value = arg === "--color" ? argv[++index] : arg.slice("--color=".length)
      if (!colorModes.includes(value as ColorMode)) {
        return Either.left(
          `--color takes auto, always or never${value === undefined ? "" : `, not ${JSON.stringify(value)}`}`
        )
      }
      color = value as ColorMode
    } else kept.push(arg)
  }
  if (quiet && verbosity !== "normal") return Either.left("-q (--quiet) cannot be combined with -v or --debug")
  return Either.right({ argv: kept, settings: { color, verbosity: quiet ? "quiet" : verbosity } })
}

const at =
  (minimum: Verbosity) =>
  (message: string): Effect.Effect<void> =>
    Effect.flatMap(FiberRef.get(current), (settings) =>
      rank(settings.verbosity) >= rank(minimum)
        ? Effect.sync(() => {
            // A warning may quote a value from a file or the API: nothing in it may steer the terminal.
            process.stderr.write(`holo-upgrade: ${printableLines(message)}\n`)
          })
        : Effect.void
    )

/** A warning on stderr, unless `-q`. */
export const warn = (message: string): Effect.Effect<void> => at("normal")(`warning: ${message}`)

/** A line for the operator (a summary after streamed data), on stderr unless `-q`. */
export const note = at("normal")

/** What is being done, on stderr with `-v` or `--debug`. */
export const info = at("verbose")

/** Detail for `--debug` only. */
export const debug = (message: string): Effect.Effect<void> => at("debug")(`debug: ${message}`)

/** The current verbosity. */
export const verbosity: Effect.Effect<Verbosity> = Effect.map(FiberRef.get(current), (s) => s.verbosity)

/** Whether `--debug` is on. */
export const isDebug: Effect.Effect<boolean> = Effect.map(FiberRef.get(current), (s) => s.verbosity === "debug")

/**
 * A single status line redrawn in place on stderr, for progress. It draws only when stderr is a terminal (not a dumb
 * one) and the verbosity is not `quiet`, at most every `everyMs`; `clear` removes it before other output follows.
 */
export const statusLine = (everyMs = 100) =>
  Effect.map(FiberRef.get(current), (settings) => {
    // Redrawing needs a terminal that is not dumb.
    const enabled = process.stderr.isTTY === true && process.env.TERM !== "dumb" && settings.verbosity !== "quiet"
    let lastDraw = 0
    let shown = false
    const draw = (text: string) => {
      // A line longer than the terminal would wrap and no longer be redrawn in place; a pseudo-terminal may report
      // no width at all (0), and then the line is left whole.
      const width = process.stderr.columns ?? 0
      process.stderr.write(`\r\u001b[K${width >= 20 ? text.slice(0, width - 1) : text}`)
      shown = true
    }
    return {
      enabled,
      /** Redraws the line, unless it was drawn less than `everyMs` ago and `force` is not set. */
      update: (text: string, now: number, force = false): void => {
        if (!enabled || (!force && now - lastDraw < everyMs)) return
        lastDraw = now
        draw(text)
      },
      clear: (): void => {
        if (!shown) return
        process.stderr.write("\r\u001b[K")
        shown = false
      }
    }
  })
