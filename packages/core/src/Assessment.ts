/**
 * The verdict on one upgrade record, with findings, the step timeline and time estimates. The vendor defines what
 * none of the values mean, so the rules are ours, kept narrow, and written down here (and in the README):
 *
 * 1. No record: `no-record`.
 * 2. A `Rollback` step that ran (present and not pending): `rolled-back`; `failed` when the rollback itself failed or
 *    is still running.
 * 3. Otherwise, a `StatusCode` or a step status that names a failure (fail, error, abort, timeout, cancel): `failed`.
 * 4. Otherwise by `Status`, matched exactly: `preparing` and `upgrading` as they say; `archived` (the workflow ended)
 *    is `succeeded` only when the `DoUpgrade` step reports success, else `unknown`.
 * 5. Any other `Status` (`pre_check`, `Upgrading`, `failed`), or none: `unknown`. An undocumented value never counts
 *    as done, nor as progress.
 *
 * `EstimatedUpgradeTime` has no unit in the API; seconds are assumed (30 + 120 + 600 fits the documented 10–30 min).
 */
import { Clock, Effect } from "effect"
import { decodingFindings, type Finding, flightingFindings, instanceFindings } from "./internal/assessment/findings.ts"
import { formatSeconds } from "./internal/assessment/spans.ts"
import { namesFailure, type StepPhase, stepPhase } from "./internal/assessment/vocabulary.ts"
import * as UpgradeDetails from "./UpgradeDetails.ts"
import { isKnownStatus, knownStatuses, type Timestamp, type UpgradeRecord } from "./UpgradeStatus.ts"

export type { Finding, Severity } from "./internal/assessment/findings.ts"
export type { StepPhase } from "./internal/assessment/vocabulary.ts"

/** Every verdict, from nothing to see to a reverted upgrade. */
export const states = ["no-record", "preparing", "upgrading", "succeeded", "failed", "rolled-back", "unknown"] as const

/** Where an upgrade stands. */
export type State = (typeof states)[number]

/** Whether a verdict means the upgrade did not go through: the states that make the command exit with 1. */
export const isFailure = (state: State): boolean => state === "failed" || state === "rolled-back"

/**
 * A length of time in seconds as every message and report writes it: `0.8 s`, `47 s`, `12.5 min`, `2 h 05 min`.
 * Two lengths that read the same are the same to a reader, so comparisons meant for people compare these texts.
 */
export const describeSeconds = (seconds: number): string => formatSeconds(seconds)

/** A step as it appears in the timeline: status verbatim, its phase as read, its times and duration in seconds. */
export interface TimelineStep {
  readonly step: (typeof UpgradeDetails.stepNames)[number]
  readonly status: string | undefined
  readonly phase: StepPhase
  readonly start: Timestamp | undefined
  readonly stop: Timestamp | undefined
  /** Stop minus start; for a running step, now minus start. */
  readonly durationSeconds: number | undefined
  readonly estimatedSeconds: number | undefined
}

/** The estimate of one part of the upgrade, as `EstimatedUpgradeTime` names it. */
export interface EstimatePart {
  readonly name: string
  readonly seconds: number
}

/** The assessment of one record. Times are in seconds; `undefined` where they cannot be known. */
export interface Assessment {
  readonly state: State
  /** Most severe first. */
  readonly findings: ReadonlyArray<Finding>
  /** The steps `Details` reports, in the order they run; a step it does not report was not reached. */
  readonly timeline: ReadonlyArray<TimelineStep>
  readonly estimate: ReadonlyArray<EstimatePart>
  /** The sum of `EstimatedUpgradeTime`, in (assumed) seconds. */
  readonly estimatedUpgradeSeconds: number | undefined
  /** What is left of the estimate while the upgrade runs; `undefined` in any other state. */
  readonly remainingSeconds: number | undefined
  /** From the first step's start to now (running) or to the last step's stop (ended). */
  readonly elapsedSeconds: number | undefined
}

/** A record and its decoded `Details`, the input of an assessment. */
export interface Input {
  readonly record: UpgradeRecord
  readonly decoded: UpgradeDetails.Decoded
}

/** Which `EstimatedUpgradeTime` entry estimates which step. */
export const estimateOfStep: Readonly<Record<string, string>> = {
  Stop: "StopInstance",
  Backup: "BackupData",
  DoUpgrade: "UpgradeInstance"
}

const severityRank = { critical: 0, warning: 1, info: 2 } as const

const seconds = (from: number, to: number): number => Math.max(0, (to - from) / 1000)

const timelineOf = (details: UpgradeDetails.Details | undefined, now: number): Array<TimelineStep> => {
  const steps = details?.UpgradingSteps
  const estimates = details?.FlightingReport?.EstimatedUpgradeTime ?? {}
  if (steps === undefined) return []
  return UpgradeDetails.stepNames.flatMap((name) => {
    const step = steps[name]
    if (step === undefined) return []
    const start = step.StartTime?.epochMillis
    const stop = step.StopTime?.epochMillis
    const phase = stepPhase(step.Status, step.StartTime !== undefined, step.StopTime !== undefined)
    const estimateKey = estimateOfStep[name]
    return [
      {
        step: name,
        status: step.Status,
        phase,
        start: step.StartTime,
        stop: step.StopTime,
        durationSeconds:
          start === undefined
            ? undefined
            : stop !== undefined
              ? seconds(start, stop)
              : phase === "running"
                ? seconds(start, now)
                : undefined,
        estimatedSeconds: estimateKey === undefined ? undefined : estimates[estimateKey]
      }
    ]
  })
}

const at = (step: TimelineStep): string => {
  const time = step.stop ?? step.start
  return time === undefined ? "" : `, ${time.raw}`
}

const decide = (
  record: UpgradeRecord,
  details: UpgradeDetails.Details | undefined,
  timeline: ReadonlyArray<TimelineStep>
): { readonly state: State; readonly finding: Finding } => {
  const code = details?.StatusCode
  const codeFails = code !== undefined && namesFailure(code)
  const target = record.ToVersion !== undefined ? ` to ${record.ToVersion}` : ""
  const rollback = timeline.find((step) => step.step === "Rollback")
  if (rollback !== undefined && rollback.phase !== "pending") {
    const why = codeFails ? ` (StatusCode ${code})` : ""
    if (rollback.phase === "failed") {
      return {
        state: "failed",
        finding: {
          severity: "critical",
          code: "rollback-failed",
          message:
            `The upgrade${target} failed${why} and its rollback failed too ` +
            `(Rollback ${rollback.status}${at(rollback)}): check the instance in the console`
        }
      }
    }
    if (rollback.phase === "running") {
      return {
        state: "failed",
        finding: {
          severity: "critical",
          code: "rollback-running",
          message:
            `The upgrade${target} failed${why} and is being rolled back ` +
            `(Rollback ${rollback.status ?? "started"}${at(rollback)})`
        }
      }
    }
    const back = record.FromVersion !== undefined ? `; the instance should be back on ${record.FromVersion}` : ""
    return {
      state: "rolled-back",
      finding: {
        severity: "critical",
        code: "rolled-back",
        message:
          `The upgrade${target} did not succeed${why}: ` +
          `the Rollback step ran (${rollback.status ?? "no status"}${at(rollback)})${back}`
      }
    }
  }
  const failedSteps = timeline.filter((step) => step.phase === "failed")
  if (codeFails || failedSteps.length > 0) {
    const reasons = [
      ...(codeFails ? [`StatusCode ${code}`] : []),
      ...failedSteps.map((step) => `step ${step.step} ${step.status}${at(step)}`)
    ]
    return {
      state: "failed",
      finding: {
        severity: "critical",
        code: "upgrade-failed",
        message: `The upgrade${target} failed: ${reasons.join("; ")}`
      }
    }
  }
  const status = record.Status
  if (status === undefined) {
    return {
      state: "unknown",
      finding: {
        severity: "warning",
        code: "status-missing",
        message: "The record has no Status; its state is unknown"
      }
    }
  }
  if (!isKnownStatus(status)) {
    const near = knownStatuses.find((known) => known === status.trim().toLowerCase())
    const hint = near !== undefined ? ` (it differs from "${near}" in case or spacing)` : ""
    return {
      state: "unknown",
      finding: {
        severity: "warning",
        code: "status-unrecognized",
        message:
          `Status "${status}" is not a documented value (${knownStatuses.join(", ")})${hint}; ` +
          `it is kept as given and taken neither as progress nor as completion`
      }
    }
  }
  if (status === "preparing") {
    return {
      state: "preparing",
      finding: { severity: "info", code: "preparing", message: `The upgrade${target} is being prepared` }
    }
  }
  if (status === "upgrading") {
    return {
      state: "upgrading",
      finding: { severity: "info", code: "upgrading", message: `The upgrade${target} is running` }
    }
  }
  const upgrade = timeline.find((step) => step.step === "DoUpgrade")
  if (upgrade?.phase === "done") {
    return {
      state: "succeeded",
      finding: {
        severity: "info",
        code: "succeeded",
        message: `The upgrade${target} finished: DoUpgrade reports ${upgrade.status} and no rollback ran`
      }
    }
  }
  return {
    state: "unknown",
    finding: {
      severity: "warning",
      code: "outcome-unproven",
      message: `The workflow ended (archived) but Details shows no successful DoUpgrade step, so success is not assumed`
    }
  }
}

/** Sums `EstimatedUpgradeTime`; `undefined` when there is none. */
const estimateOf = (details: UpgradeDetails.Details | undefined): ReadonlyArray<EstimatePart> =>
  Object.entries(details?.FlightingReport?.EstimatedUpgradeTime ?? {}).map(([name, value]) => ({
    name,
    seconds: value
  }))

// What is left of each estimated part: nothing for a finished step, the rest of its estimate for the running one,
// all of it for a step not reached (or whose status is not understood: that never counts as done).
const remainingOf = (
  estimate: ReadonlyArray<EstimatePart>,
  timeline: ReadonlyArray<TimelineStep>
): { readonly remaining: number; readonly overrun: ReadonlyArray<string> } => {
  let remaining = 0
  const overrun: Array<string> = []
  for (const part of estimate) {
    const step = timeline.find((candidate) => estimateOfStep[candidate.step] === part.name)
    if (step?.phase === "done" || step?.phase === "failed") continue
    if (step?.phase === "running" && step.durationSeconds !== undefined) {
      // Late only as far as the message can show it: "has run 10 s against 10 s" would contradict itself.
      const ran = formatSeconds(step.durationSeconds)
      const expected = formatSeconds(part.seconds)
      if (step.durationSeconds > part.seconds && ran !== expected) {
        overrun.push(`${step.step} has run ${ran} against ${expected} estimated`)
      }
      remaining += Math.max(0, part.seconds - step.durationSeconds)
      continue
    }
    remaining += part.seconds
  }
  return { remaining, overrun }
}

const describeEstimate = (estimate: ReadonlyArray<EstimatePart>, total: number): Finding => ({
  severity: "info",
  code: "estimated-duration",
  message:
    `Estimated upgrade time ${formatSeconds(total)}: ` +
    `${estimate.map((part) => `${part.name} ${part.seconds}`).join(", ")}; ` +
    `the API states no unit, seconds are assumed`
})

/**
 * Assesses one record at a given time (epoch milliseconds), or the absence of any record. Pure: `assess` is the
 * same with the time taken from the Clock.
 */
export const assessAt = (input: Input | undefined, now: number): Assessment => {
  if (input === undefined) {
    return {
      state: "no-record",
      findings: [
        { severity: "info", code: "no-record", message: "No upgrade record: no upgrade is prepared or running" }
      ],
      timeline: [],
      estimate: [],
      estimatedUpgradeSeconds: undefined,
      remainingSeconds: undefined,
      elapsedSeconds: undefined
    }
  }
  const { decoded, record } = input
  const details = decoded.details
  const timeline = timelineOf(details, now)
  const { finding, state } = decide(record, details, timeline)
  const estimate = estimateOf(details)
  const total = estimate.length > 0 ? estimate.reduce((sum, part) => sum + part.seconds, 0) : undefined

  const starts = timeline.flatMap((step) => (step.start?.epochMillis !== undefined ? [step.start.epochMillis] : []))
  const stops = timeline.flatMap((step) => (step.stop?.epochMillis !== undefined ? [step.stop.epochMillis] : []))
  const first = starts.length > 0 ? Math.min(...starts) : undefined
  const ended = state === "succeeded" || isFailure(state)
  const elapsed =
    first === undefined
      ? undefined
      : state === "upgrading"
        ? seconds(first, now)
        : ended && stops.length > 0
          ? seconds(first, Math.max(...stops))
          : undefined

  const findings: Array<Finding> = [finding]
  let remaining: number | undefined
  if (state === "upgrading" && total !== undefined) {
    const progress = remainingOf(estimate, timeline)
    remaining = progress.remaining
    if (progress.overrun.length > 0) {
      findings.push({
        severity: "warning",
        code: "over-estimate",
        message: `Running late: ${progress.overrun.join("; ")}`
      })
    }
  }
  findings.push(
    ...instanceFindings(details),
    ...flightingFindings(details, record.ToVersion),
    ...(total !== undefined ? [describeEstimate(estimate, total)] : []),
    ...decodingFindings(decoded, record.Details !== undefined)
  )
  return {
    state,
    findings: findings
      .map((item, index) => ({ item, index }))
      .sort((a, b) => severityRank[a.item.severity] - severityRank[b.item.severity] || a.index - b.index)
      .map(({ item }) => item),
    timeline,
    estimate,
    estimatedUpgradeSeconds: total,
    remainingSeconds: remaining,
    elapsedSeconds: elapsed
  }
}

/** Assesses one record (or none) now, as the effect Clock tells it, so tests can drive time with `TestClock`. */
export const assess = (input: Input | undefined): Effect.Effect<Assessment> =>
  Effect.map(Clock.currentTimeMillis, (now) => assessAt(input, now))

/**
 * Orders records latest first by `PrepareFinishTime`; records whose time cannot be read keep their order, after
 * the others.
 */
export const latestFirst = <R extends { readonly PrepareFinishTime?: Timestamp | undefined }>(
  records: ReadonlyArray<R>
): ReadonlyArray<R> =>
  records
    .map((record, index) => ({ record, index, time: record.PrepareFinishTime?.epochMillis }))
    .sort((a, b) =>
      a.time === undefined || b.time === undefined
        ? (a.time === undefined ? 1 : 0) - (b.time === undefined ? 1 : 0) || a.index - b.index
        : b.time - a.time || a.index - b.index
    )
    .map(({ record }) => record)
