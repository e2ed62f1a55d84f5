/**
 * `holo-upgrade watch [INSTANCE_ID...] [--from-file FILE|-]`: asks about each instance once per interval until its
 * upgrade has a terminal verdict, then prints the final report. Instances are listed, deduplicated, placed in their
 * regions and rate-limited (`--qps`) exactly as for `status` (see `FleetFlags`). A board on stderr shows step, elapsed
 * time and ETA when stderr is a terminal; `--output ndjson` streams every answer instead, one line per poll per
 * instance.
 */
import { appendFile, writeFile } from "node:fs/promises"
import { Args, Command, HelpDoc, Options } from "@effect/cli"
import { type HologresClient, type HologresError, JsonWriter } from "@holo-upgrade/core"
import { Clock, Effect, type Layer, Option } from "effect"
import * as Connection from "../Connection.ts"
import * as ExitCode from "../ExitCode.ts"
import * as FleetFlags from "../FleetFlags.ts"
import * as Output from "../Output.ts"
import * as Json from "../output/Json.ts"
import type * as RateLimiter from "../RateLimiter.ts"
import type * as Report from "../Report.ts"
import * as Terminal from "../Terminal.ts"
import * as Progress from "../watch/Progress.ts"
import * as TimeSpan from "../watch/TimeSpan.ts"
import * as Watcher from "../watch/Watcher.ts"

/** The defaults, stated once for the flags and the help text. */
export const defaults = { interval: "30s", timeout: "2h", concurrency: 4 } as const

/** The smallest interval accepted: a watch is no load test. */
export const minimumIntervalMs = 100

/** One of `formats`. */
export type Format = Output.Format | "ndjson"

/** The output formats of `watch`: those of every report, and `ndjson`, one line per poll per instance. */
export const formats: ReadonlyArray<Format> = [...new Set<Format>([...Output.formats, "ndjson"])]

const instanceIds = Args.text({ name: "INSTANCE_ID" }).pipe(
  Args.withDescription("Instance ids to watch, in the default region; or none, with --from-file"),
  Args.repeated,
  // Optional, so the usage line shows that --from-file alone will do.
  Args.optional,
  Args.map(Option.getOrElse((): ReadonlyArray<string> => []))
)

const interval = Options.text("interval").pipe(
  Options.withDefault(defaults.interval),
  Options.withDescription(`Time between polls (500ms, 30s, 5m); default ${defaults.interval}`)
)

const timeout = Options.text("timeout").pipe(
  Options.withDefault(defaults.timeout),
  Options.withDescription(`Give up after this long, exit 5 (90s, 45m, 2h); default ${defaults.timeout}`)
)

const concurrency = Options.integer("concurrency").pipe(
  Options.withDefault(defaults.concurrency),
  Options.withDescription(`How many instances to ask at once; default ${defaults.concurrency}`)
)

const failFast = Options.boolean("fail-fast").pipe(
  Options.withDescription("Stop at the first failed or rolled-back upgrade instead of waiting for the other instances")
)

/** `--output`: the report formats, and `ndjson`. */
export const formatOption = Options.choice("output", formats).pipe(
  Options.withAlias("o"),
  Options.withDefault("table" as Format),
  Options.withDescription(
    `Output format: ${Output.formats.filter((name) => name !== "ndjson").join(", ")} for the final report ` +
      `(table by default); ndjson for one line per poll per instance`
  )
)

/** What one watch needs besides a client. */
export interface Plan {
  readonly targets: ReadonlyArray<Watcher.Target>
  readonly intervalMs: number
  readonly timeoutMs: number
  readonly concurrency: number
  readonly failFast: boolean
  readonly format: Format
  readonly out: Option.Option<string>
  /** Shared by every poll; default no limit. */
  readonly limiter?: RateLimiter.RateLimiter | undefined
}

const message = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

const spanFlag = (name: string, text: string, minimumMs: number): Effect.Effect<number, ExitCode.UsageError> => {
  const ms = TimeSpan.parse(text)
  return ms === undefined || ms < minimumMs
    ? Effect.fail(
        new ExitCode.UsageError({
          message:
            `--${name} ${JSON.stringify(text)} is not a time span of at least ` +
            `${TimeSpan.format(minimumMs)} (500ms, 30s, 5m, 2h)`
        })
      )
    : Effect.succeed(ms)
}

/** One NDJSON line: the report as in `--output json` (same keys, same order), then the poll's number and time. */
export const ndjsonLine = (report: Report.InstanceReport, poll: number, at: number): string => {
  const document = Json.toDocument([report]) as { readonly reports: ReadonlyArray<Record<string, unknown>> }
  return `${JsonWriter.stringify({ ...document.reports[0], poll, polledAt: new Date(at).toISOString() })}\n`
}

// Where NDJSON lines go: stdout, or the `--out` file, emptied first so a failed path is a usage error up front.
const ndjsonSink = (out: Option.Option<string>) =>
  Effect.gen(function* () {
    if (Option.isNone(out)) return (text: string) => Output.write(text, out).pipe(Effect.orDie)
    const path = out.value
    yield* Effect.tryPromise({
      try: () => writeFile(path, "", "utf8"),
      catch: (cause) => new ExitCode.UsageError({ message: `Cannot write ${path}: ${message(cause)}` })
    })
    return (text: string) =>
      Effect.tryPromise(() => appendFile(path, text, "utf8")).pipe(
        Effect.catchAll((error) => Output.diagnose(`holo-upgrade: cannot write ${path}: ${message(error.error)}`))
      )
  })

// What stderr says once the watch is over: why each unfinished or failed instance is where it is.
const epilogue = (outcome: Watcher.Outcome, plan: Plan): Effect.Effect<void> =>
  Effect.forEach(
    outcome.instances,
    (instance) => {
      const report = Watcher.reportOf(instance)
      if (instance.standing === "stopped") {
        return Output.diagnose(`holo-upgrade: ${instance.target.instanceId}: ${report.findings[0]?.message ?? ""}`)
      }
      if (instance.standing === "decided") {
        return report.state === "succeeded"
          ? Effect.void
          : Output.diagnose(`holo-upgrade: ${Progress.describeFailure(instance)}`)
      }
      if (outcome.ending !== "timeout") return Effect.void
      return Output.diagnose(
        `holo-upgrade: watch timed out after ${TimeSpan.format(plan.timeoutMs)}; ${Progress.describeLastSeen(instance)}`
      )
    },
    { discard: true }
  )

/**
 * Runs one watch with a client layer: the board or the NDJSON stream while it runs, the last known state on stderr
 * if interrupted, then the final report (for table, json and markdown) and the closing diagnostics. Returns the
 * outcome; its exit code is `Watcher.exitCode`.
 */
export const execute = <E>(
  plan: Plan,
  client: Layer.Layer<HologresClient.HologresClient, E>
): Effect.Effect<Watcher.Outcome, E | ExitCode.UsageError> =>
  Effect.gen(function* () {
    const ndjson = plan.format === "ndjson" ? yield* ndjsonSink(plan.out) : undefined
    // The board moves the cursor back over itself, which only a terminal that is not dumb can do; -q hides it.
    const board =
      process.stderr.isTTY === true && process.env.TERM !== "dumb" && (yield* Terminal.verbosity) !== "quiet"
        ? Progress.liveBoard({
            write: (text) => process.stderr.write(text),
            columns: () => process.stderr.columns
          })
        : undefined

    const outcome = yield* Watcher.run({
      targets: plan.targets,
      intervalMs: plan.intervalMs,
      timeoutMs: plan.timeoutMs,
      concurrency: plan.concurrency,
      failFast: plan.failFast,
      limiter: plan.limiter,
      onPoll:
        ndjson === undefined
          ? undefined
          : (instance, report) =>
              Effect.flatMap(Clock.currentTimeMillis, (at) => ndjson(ndjsonLine(report, instance.polls, at))),
      onRound:
        board === undefined
          ? undefined
          : (snapshot) => Effect.sync(() => board.draw(Progress.board(snapshot, plan.intervalMs, plan.timeoutMs))),
      onInterrupt: (snapshot) =>
        Effect.gen(function* () {
          yield* Output.diagnose(
            `holo-upgrade: interrupted after ${TimeSpan.format(snapshot.now - snapshot.startedAt)}; last known state:`
          )
          for (const instance of snapshot.instances) {
            yield* Output.diagnose(`holo-upgrade: ${Progress.describeLastSeen(instance)}`)
          }
        })
    }).pipe(Effect.provide(client))

    if (plan.format !== "ndjson") {
      yield* Output.emit(outcome.instances.map(Watcher.reportOf), { format: plan.format, out: plan.out })
    }
    yield* epilogue(outcome, plan)
    return outcome
  })

/** The `watch` subcommand. */
export const command = Command.make(
  "watch",
  {
    instanceIds,
    fromFile: FleetFlags.fromFile,
    ...Connection.options,
    interval,
    timeout,
    concurrency,
    qps: FleetFlags.qps,
    failFast,
    format: formatOption,
    out: Output.out
  },
  (flags): Effect.Effect<void, ExitCode.UsageError | ExitCode.CommandExit | HologresError.ConfigError> =>
    Effect.gen(function* () {
      const intervalMs = yield* spanFlag("interval", flags.interval, minimumIntervalMs)
      const timeoutMs = yield* spanFlag("timeout", flags.timeout, 1)
      const fleet = yield* FleetFlags.setUp(flags)

      const outcome = yield* execute(
        {
          targets: fleet.targets,
          intervalMs,
          timeoutMs,
          concurrency: flags.concurrency,
          failFast: flags.failFast,
          format: flags.format,
          out: flags.out,
          limiter: fleet.limiter
        },
        fleet.client
      )
      const code = Watcher.exitCode(outcome)
      if (code !== ExitCode.ok) return yield* new ExitCode.CommandExit({ code })
    })
).pipe(
  Command.withDescription(
    HelpDoc.blocks([
      HelpDoc.p(
        `Poll GetUpgradeStatus for each instance (from arguments or --from-file, in one region or many; an instance ` +
          `listed twice is asked once) every --interval (default ${defaults.interval}) until its upgrade succeeded, ` +
          `failed or was rolled back, or until --timeout (default ${defaults.timeout}) passes. A failure counts as ` +
          `soon as Details shows it (a failed step, a failing StatusCode, a rollback), even while Status still says ` +
          `upgrading. An unknown or undocumented state keeps the watch waiting; it never counts as success. Progress ` +
          `(step, elapsed, ETA) goes to stderr when stderr is a terminal; the final report goes to stdout.`
      ),
      HelpDoc.p(
        "Exit codes: 0 every upgrade succeeded; 1 an upgrade failed or was rolled back (its step and StatusCode on " +
          "stderr); 2 usage; 3 no credentials or region found; 4 the API refused for good (a wrong key, a missing " +
          "permission, an unknown instance) or could not be reached; 5 the timeout passed first (the last state seen " +
          "and its request id on stderr); 130 interrupted (the last known state on stderr)."
      )
    ])
  )
)
