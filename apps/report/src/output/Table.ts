/**
 * The default output: one screen an operator can read. The verdict first, then what explains it (findings, most
 * severe first), then the step timeline and the times. Colour is applied only when the caller says so.
 */
import { Assessment } from "@holo-upgrade/core"
import type { InstanceReport, RecordReport } from "../Report.ts"
import { columns, duration, orDash, prepared, printable, stateLabel, stepStatus, time, took, versions } from "./text.ts"

/** How text is painted: ANSI colours on a terminal, nothing elsewhere. */
export interface Paint {
  readonly bold: (text: string) => string
  readonly dim: (text: string) => string
  readonly red: (text: string) => string
  readonly yellow: (text: string) => string
  readonly green: (text: string) => string
}

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`

/** ANSI colours. */
export const ansi: Paint = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  green: sgr(32, 39)
}

const same = (text: string): string => text

/** No colour at all. */
export const plain: Paint = { bold: same, dim: same, red: same, yellow: same, green: same }

const stateColour = (paint: Paint, state: Assessment.State): ((text: string) => string) =>
  Assessment.isFailure(state)
    ? paint.red
    : state === "succeeded"
      ? paint.green
      : state === "unknown" || state === "upgrading" || state === "preparing"
        ? paint.yellow
        : same

const severityColour = (paint: Paint, severity: Assessment.Severity): ((text: string) => string) =>
  severity === "critical" ? paint.red : severity === "warning" ? paint.yellow : paint.dim

const header = (report: InstanceReport): string => {
  const parts = [
    `Instance ${report.instanceId ?? "(not named)"}`,
    ...(report.regionId !== undefined ? [`region ${report.regionId}`] : []),
    ...(report.requestId !== undefined ? [`request ${report.requestId}`] : []),
    ...(report.httpStatusCode !== undefined ? [`HTTP ${report.httpStatusCode}`] : []),
    ...(report.success !== undefined ? [`Success ${report.success}`] : [])
  ]
  return parts.join(" · ")
}

const recordLine = (entry: RecordReport, index: number, total: number): string => {
  const when = prepared(entry.record)
  return (
    `record ${index + 1} of ${total}: ${versions(entry.record)}, ` +
    `status ${entry.record.Status ?? "—"}${when === undefined ? "" : `, ${when}`}`
  )
}

const timeline = (assessment: Assessment.Assessment): Array<string> => {
  if (assessment.timeline.length === 0) return ["", "Steps     none reported"]
  const rows = [
    ["step", "status", "start", "stop", "took", "estimate"],
    ...assessment.timeline.map((step) => [
      step.step,
      stepStatus(step),
      time(step.start),
      time(step.stop),
      duration(took(step)),
      duration(step.estimatedSeconds)
    ])
  ]
  return ["", "Steps", ...columns(rows)]
}

const times = (assessment: Assessment.Assessment): string => {
  const estimate =
    assessment.estimatedUpgradeSeconds === undefined
      ? "no estimate"
      : `estimate ${duration(assessment.estimatedUpgradeSeconds)}, unit assumed: seconds`
  return (
    `Time      ${estimate} · elapsed ${duration(assessment.elapsedSeconds)}` +
    ` · remaining ${duration(assessment.remainingSeconds)}`
  )
}

const instances = (entry: RecordReport): Array<string> => {
  const found = entry.decoded.details?.Instances
  if (found === undefined) return []
  const leader =
    `leader ${found.LeaderInstanceName ?? "?"} (${orDash(found.LeaderInstanceId)}) ` +
    `${orDash(found.LeaderInstanceStatus)}`
  const followers = (found.FollowerInstances ?? []).map(
    (follower) => `${follower.InstanceName ?? follower.InstanceId ?? "?"} ${orDash(follower.Status)}`
  )
  return [`Instances ${leader}${followers.length > 0 ? ` · followers: ${followers.join(", ")}` : ""}`]
}

const findingLines = (paint: Paint, findings: ReadonlyArray<Assessment.Finding>): Array<string> => {
  if (findings.length === 0) return []
  const rows = columns(findings.map((finding) => [finding.severity, finding.code, finding.message]))
  return ["", "Findings", ...rows.map((row, index) => severityColour(paint, findings[index]!.severity)(row))]
}

const severityOrder = { critical: 0, warning: 1, info: 2 } as const

const instanceBlock = (report: InstanceReport, paint: Paint): Array<string> => {
  const latest = report.records[0]
  const verdict = stateColour(paint, report.state)(paint.bold(stateLabel(report.state)))
  // Text from the API is made printable before any colour of ours is added around it.
  const about = latest !== undefined ? `  ${printable(recordLine(latest, 0, report.records.length))}` : ""
  const findings = [...report.findings, ...(latest?.assessment.findings ?? [])].sort(
    (a, b) => severityOrder[a.severity] - severityOrder[b.severity]
  )
  const lines = [
    paint.bold(printable(header(report))),
    `Verdict   ${verdict}${about}`,
    ...findingLines(paint, findings)
  ]
  if (latest !== undefined) {
    lines.push(...timeline(latest.assessment), times(latest.assessment), ...instances(latest).map(printable))
  }
  const earlier = report.records.slice(1)
  if (earlier.length > 0) {
    lines.push(
      "",
      "Earlier records",
      ...columns(
        earlier.map((entry) => [
          versions(entry.record),
          entry.record.Status ?? "—",
          stateLabel(entry.assessment.state),
          prepared(entry.record) ?? "—"
        ])
      )
    )
  }
  return lines
}

/** Renders reports as the terminal table, ending with a newline. */
export const render = (reports: ReadonlyArray<InstanceReport>, paint: Paint = plain): string =>
  `${reports.map((report) => instanceBlock(report, paint).join("\n")).join("\n\n")}\n`
