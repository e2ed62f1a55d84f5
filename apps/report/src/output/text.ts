/** Small text helpers the renderers share: times, durations, verdict labels, and how findings and verdicts rank. */
import { Assessment, type UpgradeStatus } from "@holo-upgrade/core"
import type { InstanceReport, RecordReport } from "../Report.ts"

/** A time as an operator reads it: UTC to the second, the assumed zone named when one was applied. */
export const time = (timestamp: UpgradeStatus.Timestamp | undefined): string => {
  if (timestamp === undefined) return "—"
  if (timestamp.epochMillis === undefined) return `${timestamp.raw} (unreadable)`
  const utc = new Date(timestamp.epochMillis)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, "Z")
  return timestamp.assumedZone === undefined ? utc : `${utc} (read "${timestamp.raw}" as UTC${timestamp.assumedZone})`
}

/** A duration in seconds, written as every message writes one (`Assessment.describeSeconds`). */
export const duration = (seconds: number | undefined): string =>
  seconds === undefined ? "—" : Assessment.describeSeconds(seconds)

/**
 * How long a step took as its shown start and stop make it: times are shown to the second, so the span is counted
 * between those whole seconds (12:00:31.9 to 12:00:32.1 shows :31 to :32 and took 1 s, not 0). A step without both
 * times keeps the assessment's own figure (a running step: start to now).
 */
export const took = (step: Assessment.TimelineStep): number | undefined => {
  const start = step.start?.epochMillis
  const stop = step.stop?.epochMillis
  if (start === undefined || stop === undefined) return step.durationSeconds
  return Math.max(0, Math.floor(stop / 1000) - Math.floor(start / 1000))
}

/** A step's status as given, with the phase it was read as when that adds something (`Doing (running)`). */
export const stepStatus = (step: Assessment.TimelineStep): string => {
  if (step.status === undefined) return step.phase
  const same = step.phase === "done" || step.status.trim().toLowerCase() === step.phase
  return same ? step.status : `${step.status} (${step.phase})`
}

/** The value of a "Prepared" column: the time, `not yet` while the record is being prepared, else a dash. */
export const preparedAt = (record: UpgradeStatus.UpgradeRecord): string =>
  record.PrepareFinishTime === undefined && record.Status === "preparing" ? "not yet" : time(record.PrepareFinishTime)

/** When a record was prepared: its time, `not yet prepared` while it is being prepared, else `undefined`. */
export const prepared = (record: UpgradeStatus.UpgradeRecord): string | undefined =>
  record.PrepareFinishTime !== undefined
    ? `prepared ${time(record.PrepareFinishTime)}`
    : record.Status === "preparing"
      ? "not yet prepared"
      : undefined

/** The verdict as a label. */
export const stateLabel = (state: Assessment.State): string => state.toUpperCase().replace("-", " ")

/** Text shown for a value that may be missing. */
export const orDash = (value: string | number | bigint | undefined): string =>
  value === undefined ? "—" : String(value)

/** The versions of a record, `from → to`. */
export const versions = (record: UpgradeStatus.UpgradeRecord): string =>
  `${record.FromVersion ?? "?"} → ${record.ToVersion ?? "?"}`

// What a terminal acts on instead of showing: C0 and C1 controls (an escape sequence starts with ESC or CSI; a
// carriage return or line feed starts a line that looks like the command's own), DEL, and the marks that reorder
// the text around them (a right-to-left override shows "gninnuR" as "Running").
const steering = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

const standIn = (char: string): string => {
  const code = char.charCodeAt(0)
  // The Unicode picture of a C0 control: ␛ for ESC, ␊ for a line feed.
  if (code < 0x20) return String.fromCharCode(0x2400 + code)
  if (code === 0x7f) return "␡"
  return `[U+${code.toString(16).toUpperCase().padStart(4, "0")}]`
}

/**
 * Text from the API made fit for one line of a terminal or a text file: every control character and every mark that
 * reorders text is replaced by a visible stand-in, so an answer can neither move the cursor, recolour or clear the
 * screen, nor forge a line of its own. The rest of the text is kept.
 */
export const printable = (text: string): string => text.replace(steering, standIn)

/** `printable` for text of several lines: the line breaks are kept, everything else is treated the same. */
export const printableLines = (text: string): string => text.split(/\r?\n/).map(printable).join("\n")

/** Pads cells into aligned columns, each made `printable`; the last column is left ragged. */
export const columns = (rows: ReadonlyArray<ReadonlyArray<string>>, indent = "  "): Array<string> => {
  const shown = rows.map((row) => row.map(printable))
  const widths: Array<number> = []
  for (const row of shown) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length)
    })
  }
  return shown.map(
    (row) =>
      indent + row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!))).join("  ")
  )
}

const severityRank = { critical: 0, warning: 1, info: 2 } as const

/** Every finding of a report, about the answer and about its latest record, most severe first. */
export const allFindings = (report: InstanceReport): Array<Assessment.Finding> =>
  [...report.findings, ...(report.records[0]?.assessment.findings ?? [])].sort(
    (a, b) => severityRank[a.severity] - severityRank[b.severity]
  )

/** The one sentence that explains a verdict: the most severe finding, when there is one. */
export const headline = (report: InstanceReport): string | undefined => allFindings(report)[0]?.message

/** How urgently each verdict needs a person, most urgent first; summaries list instances in this order. */
export const attentionOrder: ReadonlyArray<Assessment.State> = [
  "failed",
  "rolled-back",
  "unknown",
  "upgrading",
  "preparing",
  "succeeded",
  "no-record"
]

/** Reports ordered by `attentionOrder`, keeping their given order within a verdict; each keeps its input index. */
export const byAttention = (
  reports: ReadonlyArray<InstanceReport>
): Array<{ readonly report: InstanceReport; readonly index: number }> =>
  reports
    .map((report, index) => ({ report, index }))
    .sort(
      (a, b) => attentionOrder.indexOf(a.report.state) - attentionOrder.indexOf(b.report.state) || a.index - b.index
    )

/** How many reports have each verdict, in `attentionOrder`, leaving out verdicts no report has. */
export const verdictCounts = (
  reports: ReadonlyArray<InstanceReport>
): Array<{ readonly state: Assessment.State; readonly count: number }> =>
  attentionOrder
    .map((state) => ({ state, count: reports.filter((report) => report.state === state).length }))
    .filter((entry) => entry.count > 0)

/** The step a record is at: the running one, else the last one reported, with its status. */
export const currentStep = (entry: RecordReport | undefined): string => {
  const timeline = entry?.assessment.timeline ?? []
  const step = timeline.find((candidate) => candidate.phase === "running") ?? timeline[timeline.length - 1]
  return step === undefined ? "—" : `${step.step} ${step.status ?? step.phase}`
}
