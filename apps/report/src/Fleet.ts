/**
 * Asking many instances at once. A fixed number of workers take the targets in turn, sharing one `RateLimiter`; each
 * report is handed to `onReport` the moment it is ready and then let go, while a tally keeps only what the summary
 * and the exit code need (counts per verdict, the instances that need attention). Memory therefore stays flat as the
 * fleet grows, unless the caller keeps the reports. An instance whose call fails (not found, forbidden, unreachable)
 * becomes a report with its error; the others go on.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import { Assessment, Credentials, HologresClient, type HologresError } from "@holo-upgrade/core"
import { NodeHologresClient } from "@holo-upgrade/node"
import { Clock, Effect, Layer } from "effect"
import * as Connection from "./Connection.ts"
import * as ExitCode from "./ExitCode.ts"
import * as Output from "./Output.ts"
import { allFindings, attentionOrder, columns, stateLabel } from "./output/text.ts"
import * as RateLimiter from "./RateLimiter.ts"
import * as Report from "./Report.ts"

/** One instance to ask about, its region settled. */
export interface Target {
  readonly instanceId: string
  readonly regionId: string
}

/** An instance that needs a look, with the most telling reason. */
export interface Attention {
  readonly instanceId: string
  readonly regionId: string
  readonly state: Assessment.State
  readonly severity: Assessment.Severity
  readonly code: string
  readonly message: string
  /** Position of the instance in the run's targets. */
  readonly index: number
}

/** What a run knows at one moment. */
export interface Snapshot {
  readonly total: number
  /** How many distinct regions the targets span. */
  readonly regions: number
  readonly done: number
  /** Reports per verdict; a failed call counts as `unknown`. */
  readonly counts: Readonly<Record<Assessment.State, number>>
  /** Answers per verdict, failed calls left out: what the instances said, as opposed to what could not be asked. */
  readonly verdicts: Readonly<Record<Assessment.State, number>>
  /** How many calls failed (their reports hold the error). */
  readonly failedCalls: number
  /** Failed or rolled-back upgrades first, then failed calls, unknown verdicts, critical and warning findings. */
  readonly attention: ReadonlyArray<Attention>
  /** The instances being asked right now. */
  readonly inFlight: ReadonlyArray<Target>
  readonly startedAt: number
  readonly now: number
  /** The exit code the reports so far call for (see `ExitCode.ofOutcomes`). */
  readonly exitCode: number
}

/** The cheap part of a snapshot, for a progress line after every report. */
export interface Progress {
  readonly total: number
  readonly done: number
  readonly failedCalls: number
  readonly needAttention: number
  readonly inFlight: number
  readonly startedAt: number
  readonly now: number
}

/** How to run a fleet. */
export interface Options {
  readonly targets: ReadonlyArray<Target>
  /** How many instances are asked at once; at least 1. */
  readonly concurrency: number
  /** Shared by every worker; default no limit. */
  readonly limiter?: RateLimiter.RateLimiter | undefined
  /** Each report as it completes, with its target's position; reports complete in any order. */
  readonly onReport?: ((report: Report.InstanceReport, index: number) => Effect.Effect<void>) | undefined
  /** After each report, with the counts so far (a progress line). */
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
  /** When the run is interrupted (Ctrl-C), with what it knew; in-flight calls are cancelled. */
  readonly onInterrupt?: ((snapshot: Snapshot) => Effect.Effect<void>) | undefined
}

/** The default number of instances asked at once. */
export const defaultConcurrency = 8

const attentionRank = (entry: Pick<Attention, "state" | "code" | "severity">): number =>
  Assessment.isFailure(entry.state)
    ? 0
    : entry.code === "call-failed" || entry.code === "call-unsuccessful"
      ? 1
      : entry.state === "unknown"
        ? 2
        : entry.severity === "critical"
          ? 3
          : 4

/**
 * Whether a report needs attention and why: a failed or rolled-back upgrade, a failed call, an unknown verdict, or a
 * critical or warning finding. The reason is the most severe finding.
 */
export const attentionOf = (report: Report.InstanceReport, target: Target, index: number): Attention | undefined => {
  const worst = allFindings(report)[0]
  const flagged = Assessment.isFailure(report.state) || report.state === "unknown" || Report.callFailed(report)
  if (!flagged && (worst === undefined || worst.severity === "info")) return undefined
  return {
    instanceId: target.instanceId,
    regionId: target.regionId,
    state: report.state,
    severity: worst?.severity ?? "warning",
    code: worst?.code ?? report.state,
    message: worst?.message ?? `The verdict is ${report.state}`,
    index
  }
}

/** A running tally; `add` counts one report, `snapshot` reads it. */
export const tally = (targets: ReadonlyArray<Target>) => {
  const zero = () =>
    Object.fromEntries(Assessment.states.map((state) => [state, 0])) as Record<Assessment.State, number>
  const counts = zero()
  const verdicts = zero()
  const attention: Array<Attention> = []
  const outcomes = { upgradesFailed: 0, callsFailed: 0, configFailures: 0 }
  const inFlight = new Set<number>()
  const regions = new Set(targets.map((target) => target.regionId)).size
  let done = 0
  return {
    start: (index: number) => {
      inFlight.add(index)
    },
    add: (report: Report.InstanceReport, index: number) => {
      inFlight.delete(index)
      done += 1
      counts[report.state] += 1
      const outcome = ExitCode.outcomeOf(report)
      if (outcome.callsFailed === 0) verdicts[report.state] += 1
      outcomes.upgradesFailed += outcome.upgradesFailed
      outcomes.callsFailed += outcome.callsFailed
      outcomes.configFailures += outcome.configFailures
      const entry = attentionOf(report, targets[index]!, index)
      if (entry !== undefined) attention.push(entry)
    },
    progress: (startedAt: number, now: number): Progress => ({
      total: targets.length,
      done,
      failedCalls: outcomes.callsFailed,
      needAttention: attention.length,
      inFlight: inFlight.size,
      startedAt,
      now
    }),
    snapshot: (startedAt: number, now: number): Snapshot => ({
      total: targets.length,
      regions,
      done,
      counts: { ...counts },
      verdicts: { ...verdicts },
      failedCalls: outcomes.callsFailed,
      attention: [...attention].sort((a, b) => attentionRank(a) - attentionRank(b) || a.index - b.index),
      inFlight: [...inFlight].sort((a, b) => a - b).map((index) => targets[index]!),
      startedAt,
      now,
      exitCode: ExitCode.ofOutcomes(outcomes)
    })
  }
}

/**
 * The client a fleet runs with: Node's transport with every request under `limiter` (see `RateLimiter`), the given
 * credentials, and with `debug` every attempt on stderr. Calls to any region go through it.
 */
export const clientLayer = (options: {
  readonly endpoint: string | undefined
  readonly credentials: Credentials.Service
  readonly limiter: RateLimiter.RateLimiter
  readonly debug?: boolean | undefined
}): Layer.Layer<HologresClient.HologresClient, HologresError.ConfigError> => {
  const limited = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, RateLimiter.limitHttpClient(options.limiter))
  ).pipe(Layer.provide(NodeHologresClient.layerHttpClient()))
  return HologresClient.layer({
    endpoint: options.endpoint,
    onAttempt: options.debug === true ? (event) => Output.diagnose(Connection.describeAttempt(event)) : undefined
  }).pipe(Layer.provide(Layer.merge(limited, Layer.succeed(Credentials.Credentials, options.credentials))))
}

/** Asks about one instance: its report, or a report holding the error that stopped the call. */
export const check = (target: Target): Effect.Effect<Report.InstanceReport, never, HologresClient.HologresClient> =>
  Effect.flatMap(HologresClient.HologresClient, (client) => client.getUpgradeStatus(target)).pipe(
    Effect.flatMap((response) => Report.fromResponse(response, target)),
    Effect.catchAll((error) => Effect.succeed(Report.fromError(error, target)))
  )

/**
 * Runs the fleet: every target asked once, at most `concurrency` at a time, each first request waiting for its turn
 * at the limiter. Returns the final snapshot; on interruption `onInterrupt` sees the last one and the run ends
 * interrupted.
 */
export const run = (options: Options): Effect.Effect<Snapshot, never, HologresClient.HologresClient> =>
  Effect.gen(function* () {
    const startedAt = yield* Clock.currentTimeMillis
    const counter = tally(options.targets)
    const snapshot = Effect.map(Clock.currentTimeMillis, (now) => counter.snapshot(startedAt, now))
    const progress = Effect.map(Clock.currentTimeMillis, (now) => counter.progress(startedAt, now))
    const prepaid = RateLimiter.prepaid(options.limiter ?? RateLimiter.unlimited)
    const onReport = options.onReport
    const onProgress = options.onProgress

    yield* Effect.forEach(
      options.targets,
      (target, index) =>
        Effect.sync(() => counter.start(index)).pipe(
          Effect.zipRight(prepaid(check(target))),
          Effect.tap((report) => {
            counter.add(report, index)
            return onReport === undefined ? Effect.void : onReport(report, index)
          }),
          Effect.zipRight(onProgress === undefined ? Effect.void : Effect.flatMap(progress, onProgress))
        ),
      { concurrency: Math.max(1, options.concurrency), discard: true }
    ).pipe(
      Effect.onInterrupt(() =>
        options.onInterrupt === undefined ? Effect.void : Effect.flatMap(snapshot, options.onInterrupt)
      )
    )
    return yield* snapshot
  })

/** How the summary is painted; `Table.ansi` and `Table.plain` fit. */
export interface Paint {
  readonly bold: (text: string) => string
  readonly red: (text: string) => string
  readonly yellow: (text: string) => string
  readonly green: (text: string) => string
}

const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`

/**
 * The summary that heads a fleet's table: answers per verdict and failed calls (failures first), what is still
 * unanswered when the run was cut short, then one line per instance that needs attention, worst first. Ends with a
 * newline.
 */
export const summaryText = (snapshot: Snapshot, paint: Paint): string => {
  const paintState = (state: Assessment.State) =>
    Assessment.isFailure(state)
      ? paint.red
      : state === "succeeded"
        ? paint.green
        : state === "unknown"
          ? paint.yellow
          : (text: string) => text
  const verdicts = attentionOrder
    .filter((state) => snapshot.verdicts[state] > 0)
    .map((state) => ({
      rank: attentionOrder.indexOf(state),
      text: paintState(state)(`${snapshot.verdicts[state]} ${stateLabel(state)}`)
    }))
  // A failed call says nothing about the upgrade: it is counted apart, after the failed upgrades.
  const failedCalls =
    snapshot.failedCalls > 0
      ? [
          {
            rank: attentionOrder.indexOf("unknown") - 0.5,
            text: paint.red(`${snapshot.failedCalls} CALL${snapshot.failedCalls === 1 ? "" : "S"} FAILED`)
          }
        ]
      : []
  const unanswered = snapshot.total - snapshot.done
  const parts = [...verdicts, ...failedCalls]
    .sort((a, b) => a.rank - b.rank)
    .map((part) => part.text)
    .concat(unanswered > 0 ? [`${unanswered} UNANSWERED`] : [])
  const scope = `${plural(snapshot.total, "instance")} in ${plural(snapshot.regions, "region")}`
  const lines = [`${paint.bold("Summary")}   ${scope}: ${parts.join(" · ")}`]
  if (snapshot.attention.length > 0) {
    lines.push(`${paint.bold("Attention")} ${snapshot.attention.length} of ${snapshot.total}`)
    const rows = columns(
      snapshot.attention.map((entry) => [entry.instanceId, entry.regionId, stateLabel(entry.state), entry.message])
    )
    lines.push(...rows.map((row, index) => paintState(snapshot.attention[index]!.state)(row)))
  } else if (snapshot.done === snapshot.total) {
    lines.push(`${paint.bold("Attention")} none: no failure, failed call, unknown verdict or warning`)
  } else if (snapshot.done > 0) {
    lines.push(`${paint.bold("Attention")} none among the ${snapshot.done} answered`)
  }
  return `${lines.join("\n")}\n`
}

/**
 * The summary as a JSON value: reports per verdict (`counts`, a failed call as `unknown`), failed calls, the instances
 * that need attention, and answers per verdict without the failed calls (`verdicts`). Keys are only ever appended.
 */
export const summaryJson = (snapshot: Snapshot) => ({
  total: snapshot.total,
  answered: snapshot.done,
  regions: snapshot.regions,
  counts: Object.fromEntries(Assessment.states.map((state) => [state, snapshot.counts[state]])),
  failedCalls: snapshot.failedCalls,
  attention: snapshot.attention.map((entry) => ({
    instanceId: entry.instanceId,
    regionId: entry.regionId,
    state: entry.state,
    severity: entry.severity,
    code: entry.code,
    message: entry.message
  })),
  verdicts: Object.fromEntries(Assessment.states.map((state) => [state, snapshot.verdicts[state]]))
})
