/**
 * `holo-upgrade status [INSTANCE_ID...] [--from-file FILE|-]`: asks `GetUpgradeStatus` about each instance once
 * (signed, retried, `--concurrency` at a time, under an optional `--qps` limit), in one region or in a mix of them,
 * and reports like `render`: a summary first for a fleet, then every report; `--output ndjson` streams one report per
 * line as each completes. Exit code: 1 when an upgrade failed, else 3 or 4 when calls failed, else 0.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import { Assessment, type HologresError } from "@holo-upgrade/core"
import { Effect, Option } from "effect"
import * as Connection from "../Connection.ts"
import * as ExitCode from "../ExitCode.ts"
import * as Fleet from "../Fleet.ts"
import * as FleetFlags from "../FleetFlags.ts"
import * as Output from "../Output.ts"
import * as Table from "../output/Table.ts"
import type * as Report from "../Report.ts"
import * as Terminal from "../Terminal.ts"

const instanceIds = Args.text({ name: "INSTANCE_ID" }).pipe(
  Args.withDescription("Instance ids to ask about, in the default region; or none, with --from-file"),
  Args.repeated,
  // Optional, so the usage line shows that --from-file alone will do.
  Args.optional,
  Args.map(Option.getOrElse((): ReadonlyArray<string> => []))
)

const concurrency = Options.integer("concurrency").pipe(
  Options.withDefault(Fleet.defaultConcurrency),
  Options.withDescription(`How many instances to ask at once; default ${Fleet.defaultConcurrency}`)
)

// Like every length of time a report shows (`0.8 s`, `47 s`, `12.5 min`).
const seconds = (ms: number): string => Assessment.describeSeconds(ms / 1000)

interface Flags extends FleetFlags.Flags {
  readonly format: Output.Format
  readonly out: Option.Option<string>
}

const rate = (progress: Fleet.Progress): string => {
  const elapsed = (progress.now - progress.startedAt) / 1000
  return elapsed < 0.5 ? "" : ` · ${(progress.done / elapsed).toFixed(1)}/s`
}

const progressText = (progress: Fleet.Progress): string =>
  `holo-upgrade status: ${progress.done} of ${progress.total} answered · ` +
  `${progress.needAttention} need attention · ${progress.inFlight} in flight${rate(progress)}`

// What stderr says when Ctrl-C stops a run: how far it got and what it knew.
const lastKnownState = (snapshot: Fleet.Snapshot): Effect.Effect<void> =>
  Effect.gen(function* () {
    const elapsed = seconds(snapshot.now - snapshot.startedAt)
    yield* Output.diagnose(
      `holo-upgrade: interrupted after ${elapsed}: ` +
        `${snapshot.done} of ${snapshot.total} instances answered; last known state:`
    )
    for (const line of Fleet.summaryText(snapshot, Table.plain).trimEnd().split("\n")) {
      yield* Output.diagnose(`holo-upgrade:   ${line}`)
    }
    const pending = snapshot.inFlight.map((target) => target.instanceId)
    if (pending.length > 0) {
      const shown = pending.slice(0, 10).join(", ")
      const more = pending.length > 10 ? ` and ${pending.length - 10} more` : ""
      yield* Output.diagnose(`holo-upgrade:   cancelled while being asked: ${shown}${more}`)
    }
  })

const execute = (
  flags: Flags
): Effect.Effect<void, ExitCode.UsageError | ExitCode.CommandExit | HologresError.ConfigError> =>
  Effect.gen(function* () {
    const { client, limiter, targets } = yield* FleetFlags.setUp(flags)

    const streaming = flags.format === "ndjson"
    const write = streaming ? yield* Output.openStream(flags.out) : undefined
    // Document formats need every report at the end, in the order given; NDJSON lets each one go once written.
    const kept: Array<Report.InstanceReport | undefined> = streaming ? [] : new Array(targets.length)
    const status = yield* Terminal.statusLine()
    const snapshot = yield* Fleet.run({
      targets,
      concurrency: flags.concurrency,
      limiter,
      onReport: (report, index) => {
        if (write !== undefined) return write(Output.ndjsonLine(report))
        kept[index] = report
        return Effect.void
      },
      onProgress: status.enabled
        ? (progress) => Effect.sync(() => status.update(progressText(progress), progress.now))
        : undefined,
      onInterrupt: (last) => Effect.zipRight(Effect.sync(status.clear), lastKnownState(last))
    }).pipe(Effect.provide(client), Effect.ensuring(Effect.sync(status.clear)))

    // A fleet's summary heads the table; with NDJSON on stdout it goes to stderr at the end instead.
    const summarised =
      targets.length > 1 && (flags.format === "table" || (streaming && (yield* Terminal.verbosity) !== "quiet"))
    if (!streaming) {
      const reports = kept as Array<Report.InstanceReport>
      const colour = Option.isNone(flags.out) && (yield* Terminal.colour("stdout"))
      const summary = summarised ? `${Fleet.summaryText(snapshot, colour ? Table.ansi : Table.plain)}\n` : ""
      yield* Output.write(summary + Output.render(reports, flags.format, colour), flags.out)
    } else if (summarised) {
      for (const line of Fleet.summaryText(snapshot, Table.plain).trimEnd().split("\n")) yield* Terminal.note(line)
    }
    // Why each instance that failed did, on stderr for logs, unless a summary there said it already.
    if (!(streaming && summarised)) {
      for (const entry of snapshot.attention) {
        if (entry.severity === "critical") yield* Output.diagnose(`holo-upgrade: ${entry.instanceId}: ${entry.message}`)
      }
    }
    if (snapshot.exitCode !== ExitCode.ok) return yield* new ExitCode.CommandExit({ code: snapshot.exitCode })
  })

/** The `status` subcommand. */
export const command = Command.make(
  "status",
  {
    instanceIds,
    fromFile: FleetFlags.fromFile,
    ...Connection.options,
    concurrency,
    qps: FleetFlags.qps,
    format: Output.format,
    out: Output.out
  },
  execute
).pipe(
  Command.withDescription(
    HelpDoc.blocks([
      HelpDoc.p(
        "Ask GetUpgradeStatus about instances once and report where their upgrades stand. A fleet (several " +
          "instances, from arguments or --from-file, in one region or many) gets a summary first: counts per " +
          "verdict, then the instances that need attention. An instance whose call fails (not found, forbidden) is " +
          "reported in its row and the others still complete. With --output ndjson each report is written as soon as " +
          "it is ready, so memory stays flat however large the fleet. Progress goes to stderr on a terminal; Ctrl-C " +
          "cancels the calls in flight, prints the last known state on stderr and exits 130."
      )
    ])
  )
)
