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
import { HologresClient, HologresError } from "@holo-upgrade/core"
import { CredentialChain } from "@holo-upgrade/node"
import { Effect, Option } from "effect"
import * as Connection from "../Connection.ts"
import * as ExitCode from "../ExitCode.ts"
import * as Fleet from "../Fleet.ts"
import * as Output from "../Output.ts"
import * as Table from "../output/Table.ts"
import * as RateLimiter from "../RateLimiter.ts"
import type * as Report from "../Report.ts"
import * as Targets from "../Targets.ts"
import * as Terminal from "../Terminal.ts"

const instanceIds = Args.text({ name: "INSTANCE_ID" }).pipe(
  Args.withDescription("Instance ids to ask about, in the default region; or none, with --from-file"),
  Args.repeated,
  // Optional, so the usage line shows that --from-file alone will do.
  Args.optional,
  Args.map(Option.getOrElse((): ReadonlyArray<string> => []))
)

const fromFile = Options.text("from-file").pipe(
  Options.withDescription(
    "Read instances from FILE (- for stdin): one id per line, or CSV instanceId,regionId to mix regions; blank lines, # comments and a header row are skipped"
  ),
  Options.optional
)

const concurrency = Options.integer("concurrency").pipe(
  Options.withDefault(Fleet.defaultConcurrency),
  Options.withDescription(`How many instances to ask at once; default ${Fleet.defaultConcurrency}`)
)

const qps = Options.float("qps").pipe(
  Options.optional,
  Options.withDescription(
    "At most this many requests per second, retries included, shared by all workers: set it at or below the account's flow control for GetUpgradeStatus; default no limit"
  )
)

const missingRegion = (count: number) =>
  new HologresError.ConfigError({
    reason: "MissingRegion",
    message: `No region for ${count === 1 ? "an instance" : `${count} instances`}: pass --region, set ALIBABA_CLOUD_REGION_ID, give the profile a region_id, or list instanceId,regionId in --from-file`
  })

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`

interface Flags {
  readonly instanceIds: ReadonlyArray<string>
  readonly fromFile: Option.Option<string>
  readonly region: Option.Option<string>
  readonly endpoint: Option.Option<string>
  readonly profile: Option.Option<string>
  readonly concurrency: number
  readonly qps: Option.Option<number>
  readonly format: Output.Format
  readonly out: Option.Option<string>
}

// Everything that can be refused before credentials are read: flag values and every listed instance.
const plan = (flags: Flags) =>
  Effect.gen(function* () {
    const usage = (message: string) => new ExitCode.UsageError({ message })
    if (flags.concurrency < 1) return yield* usage(`--concurrency must be at least 1, got ${flags.concurrency}`)
    const qps = Option.getOrUndefined(flags.qps)
    if (qps !== undefined && !RateLimiter.isValidQps(qps)) {
      return yield* usage(`--qps must be a positive number, got ${qps}`)
    }
    const regionFlag = Option.getOrUndefined(flags.region)
    if (regionFlag !== undefined && !HologresClient.regionPattern.test(regionFlag)) {
      return yield* usage(`--region ${JSON.stringify(regionFlag)} is not a region id (cn-hangzhou)`)
    }
    const listed = [
      ...(yield* Targets.fromArguments(flags.instanceIds)),
      ...(Option.isSome(flags.fromFile) ? yield* Targets.fromFile(flags.fromFile.value) : [])
    ]
    if (listed.length === 0) {
      return yield* usage(
        Option.isSome(flags.fromFile)
          ? `${flags.fromFile.value === "-" ? "stdin" : flags.fromFile.value} lists no instance`
          : "Name instances: INSTANCE_ID arguments, or --from-file FILE (- for stdin)"
      )
    }
    const { targets, dropped } = Targets.distinct(listed)
    if (dropped > 0) yield* Terminal.info(`${dropped} duplicate instance${dropped === 1 ? "" : "s"} skipped`)
    return { targets, qps }
  })

// Credentials and the default region, then every target's region settled.
const connect = (flags: Flags, listed: ReadonlyArray<Targets.Target>) =>
  Effect.gen(function* () {
    yield* Connection.warnEndpoint(flags.endpoint)
    const chain = yield* CredentialChain.resolve({ profile: Option.getOrUndefined(flags.profile) })
    for (const warning of chain.credentials.warnings) yield* Terminal.warn(warning)
    yield* Terminal.info(`credentials from ${chain.credentials.source}`)
    const defaultRegion = Option.getOrUndefined(flags.region) ?? chain.regionId
    const withoutRegion = listed.filter((target) => target.regionId === undefined).length
    if (withoutRegion > 0) {
      if (defaultRegion === undefined) return yield* missingRegion(withoutRegion)
      if (Option.isNone(flags.region)) yield* Connection.checkConfiguredRegion(defaultRegion, chain.regionSource)
      const from = Option.isSome(flags.region) ? "--region" : chain.regionSource
      yield* Terminal.info(`region ${defaultRegion} from ${from}`)
    }
    const targets = listed.map(
      (target): Fleet.Target => ({ instanceId: target.instanceId, regionId: target.regionId ?? defaultRegion! })
    )
    return { credentials: chain.credentials, targets }
  })

const rate = (progress: Fleet.Progress): string => {
  const elapsed = (progress.now - progress.startedAt) / 1000
  return elapsed < 0.5 ? "" : ` · ${(progress.done / elapsed).toFixed(1)}/s`
}

const progressText = (progress: Fleet.Progress): string =>
  `holo-upgrade status: ${progress.done} of ${progress.total} answered · ${progress.needAttention} need attention · ${progress.inFlight} in flight${rate(progress)}`

// What stderr says when Ctrl-C stops a run: how far it got and what it knew.
const lastKnownState = (snapshot: Fleet.Snapshot): Effect.Effect<void> =>
  Effect.gen(function* () {
    const elapsed = seconds(snapshot.now - snapshot.startedAt)
    yield* Output.diagnose(
      `holo-upgrade: interrupted after ${elapsed}: ${snapshot.done} of ${snapshot.total} instances answered; last known state:`
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

const execute = (flags: Flags) =>
  Effect.gen(function* () {
    const planned = yield* plan(flags)
    const { credentials, targets } = yield* connect(flags, planned.targets)
    const limiter = planned.qps === undefined ? RateLimiter.unlimited : yield* RateLimiter.make({ qps: planned.qps })
    if (planned.qps !== undefined) yield* Terminal.info(`at most ${planned.qps} requests per second`)
    const client = Fleet.clientLayer({
      endpoint: Option.getOrUndefined(flags.endpoint),
      credentials,
      limiter,
      debug: yield* Terminal.isDebug
    })

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
    fromFile,
    ...Connection.options,
    concurrency,
    qps,
    format: Output.format,
    out: Output.out
  },
  execute
).pipe(
  Command.withDescription(
    HelpDoc.blocks([
      HelpDoc.p(
        "Ask GetUpgradeStatus about instances once and report where their upgrades stand. A fleet (several instances, from arguments or --from-file, in one region or many) gets a summary first: counts per verdict, then the instances that need attention. An instance whose call fails (not found, forbidden) is reported in its row and the others still complete. With --output ndjson each report is written as soon as it is ready, so memory stays flat however large the fleet. Progress goes to stderr on a terminal; Ctrl-C cancels the calls in flight, prints the last known state on stderr and exits 130."
      )
    ])
  )
)
