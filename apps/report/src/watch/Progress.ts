/**
 * What `watch` says on stderr: a live board of every instance on a terminal (step, elapsed, ETA), and the lines that
 * explain how it ended (the failure with its step and code, the last state seen with its request id).
 */
import type { Assessment } from "@holo-upgrade/core"
import { columns, stateLabel } from "../output/text.ts"
import type * as Report from "../Report.ts"
import * as TimeSpan from "./TimeSpan.ts"
import * as Watcher from "./Watcher.ts"

/** The step that says most about a record: a failed one, else the running one, else the last one reported. */
export const keyStep = (report: Report.InstanceReport): Assessment.TimelineStep | undefined => {
  const timeline = report.records[0]?.assessment.timeline ?? []
  return (
    timeline.find((step) => step.phase === "failed") ??
    timeline.find((step) => step.phase === "running") ??
    timeline[timeline.length - 1]
  )
}

// Progress is read at a glance: whole seconds.
const spanOf = (seconds: number | undefined): string | undefined =>
  seconds === undefined ? undefined : TimeSpan.format(Math.round(seconds) * 1000)

/** The key step as text: `DoUpgrade Running 2m 10s of 10m 00s`, `Rollback Success`. */
export const describeStep = (step: Assessment.TimelineStep): string => {
  const status = step.status ?? step.phase
  if (step.phase !== "running") return `${step.step} ${status}`
  const took = spanOf(step.durationSeconds)
  const estimate = spanOf(step.estimatedSeconds)
  return (
    `${step.step} ${status}${took === undefined ? "" : ` ${took}`}` +
    `${estimate === undefined ? "" : ` of ${estimate}`}`
  )
}

// The key step of a report as text, or undefined when no step is reported yet.
const stepText = (report: Report.InstanceReport): string | undefined => {
  const step = keyStep(report)
  return step === undefined ? undefined : describeStep(step)
}

const statusCode = (report: Report.InstanceReport): string | undefined => report.records[0]?.decoded.details?.StatusCode

/** One board row: instance, verdict, key step, elapsed and ETA, and a failed call when the latest one failed. */
export const cells = (instance: Watcher.Instance): Array<string> => {
  const report = Watcher.reportOf(instance)
  const assessment = report.records[0]?.assessment
  const failing = instance.standing === "watching" && instance.lastError !== undefined
  return [
    instance.target.instanceId,
    stateLabel(report.state),
    stepText(report) ?? "",
    assessment?.elapsedSeconds === undefined ? "" : `elapsed ${spanOf(assessment.elapsedSeconds)}`,
    assessment?.remainingSeconds === undefined ? "" : `ETA ${spanOf(assessment.remainingSeconds)}`,
    failing ? `latest call failed: ${instance.lastError.message}` : ""
  ]
}

/** The board's first line: how long the watch has run, of how long, and how often it asks. */
export const header = (snapshot: Watcher.Snapshot, intervalMs: number, timeoutMs: number): string => {
  const open = snapshot.instances.filter((instance) => instance.standing === "watching").length
  return (
    `holo-upgrade watch: ${TimeSpan.format(snapshot.now - snapshot.startedAt)} of ${TimeSpan.format(timeoutMs)}, ` +
    `every ${TimeSpan.format(intervalMs)}; ${open} of ${snapshot.instances.length} still running`
  )
}

/** The whole board. */
export const board = (snapshot: Watcher.Snapshot, intervalMs: number, timeoutMs: number): Array<string> => [
  header(snapshot, intervalMs, timeoutMs),
  ...columns(snapshot.instances.map(cells)).map((row) => row.trimEnd())
]

const requestOf = (report: Report.InstanceReport): string =>
  report.requestId === undefined ? "no request id" : `request id ${report.requestId}`

/** How a failed upgrade failed: verdict, step, `StatusCode`, request id, then the critical finding that explains it. */
export const describeFailure = (instance: Watcher.Instance): string => {
  const report = Watcher.reportOf(instance)
  const code = statusCode(report)
  const why = report.records[0]?.assessment.findings.find((finding) => finding.severity === "critical")
  const step = stepText(report)
  const facts = [
    step === undefined ? "no step reported" : `step ${step}`,
    code === undefined ? "no StatusCode" : `StatusCode ${code}`,
    requestOf(report)
  ]
  return (
    `${instance.target.instanceId}: ${stateLabel(report.state)} (${facts.join(", ")})` +
    `${why === undefined ? "" : `: ${why.message}`}`
  )
}

/** The last state seen of an instance that did not finish: verdict, step, record status, request id, polls. */
export const describeLastSeen = (instance: Watcher.Instance): string => {
  const report = Watcher.reportOf(instance)
  if (instance.report === undefined) {
    const why = instance.lastError === undefined ? "no answer yet" : `no answer read: ${instance.lastError.message}`
    return `${instance.target.instanceId}: ${why} (${instance.polls} calls)`
  }
  const status = report.records[0]?.record.Status
  const step = stepText(report)
  const facts = [
    ...(step === undefined ? [] : [`step ${step}`]),
    ...(status === undefined ? [] : [`Status ${status}`]),
    requestOf(report),
    `${instance.polls} calls`
  ]
  const failing = instance.lastError === undefined ? "" : `; the latest call failed: ${instance.lastError.message}`
  return `${instance.target.instanceId}: last seen ${stateLabel(report.state)} (${facts.join(", ")})${failing}`
}

/** Where a live board is drawn: a terminal stream, its width in columns when known. */
export interface Terminal {
  readonly write: (text: string) => void
  readonly columns: () => number | undefined
}

/**
 * A board redrawn in place on a terminal: each draw moves the cursor back over the previous one and clears it.
 * Lines are cut to the terminal's width, since a wrapped line would throw the count of lines to move back over.
 */
export const liveBoard = (terminal: Terminal) => {
  let drawn = 0
  return {
    draw: (lines: ReadonlyArray<string>): void => {
      const width = terminal.columns()
      const fitted = width === undefined || width < 2 ? lines : lines.map((text) => text.slice(0, width - 1))
      const back = drawn > 0 ? `\u001b[${drawn}F\u001b[J` : ""
      terminal.write(`${back}${fitted.join("\n")}\n`)
      drawn = fitted.length
    }
  }
}
