/**
 * The Markdown output, for pull requests, tickets and chat: the same content as the table, as headings and tables.
 * Every value from the API is escaped so a `|` or a newline in it cannot break the layout.
 */
import type { Assessment } from "@holo-upgrade/core"
import type { InstanceReport, RecordReport } from "../Report.ts"
import { duration, orDash, stateLabel, time, versions } from "./text.ts"

const cell = (text: string): string =>
  text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/\s*\n\s*/g, " ")

const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): Array<string> => [
  `| ${head.join(" | ")} |`,
  `| ${head.map(() => "---").join(" | ")} |`,
  ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`)
]

const severityOrder = { critical: 0, warning: 1, info: 2 } as const

const facts = (report: InstanceReport, latest: RecordReport | undefined): Array<string> => {
  const rows: Array<[string, string]> = [
    ["Region", orDash(report.regionId)],
    ["Request", orDash(report.requestId)],
    ["HTTP status", orDash(report.httpStatusCode)],
    ["Success", report.success === undefined ? "—" : String(report.success)]
  ]
  if (latest !== undefined) {
    const assessment = latest.assessment
    rows.push(
      ["Record", `1 of ${report.records.length}: ${versions(latest.record)}, status ${orDash(latest.record.Status)}`],
      ["Prepared", time(latest.record.PrepareFinishTime)],
      [
        "Estimate",
        assessment.estimatedUpgradeSeconds === undefined
          ? "—"
          : `${duration(assessment.estimatedUpgradeSeconds)}, unit assumed: seconds`
      ],
      ["Elapsed", duration(assessment.elapsedSeconds)],
      ["Remaining", duration(assessment.remainingSeconds)]
    )
  }
  return table(["", ""], rows)
}

const findings = (list: ReadonlyArray<Assessment.Finding>): Array<string> =>
  list.length === 0
    ? []
    : [
        "",
        "### Findings",
        "",
        ...table(
          ["Severity", "Code", "Message"],
          list.map((finding) => [finding.severity, `\`${finding.code}\``, finding.message])
        )
      ]

const steps = (assessment: Assessment.Assessment): Array<string> =>
  assessment.timeline.length === 0
    ? []
    : [
        "",
        "### Steps",
        "",
        ...table(
          ["Step", "Status", "Start", "Stop", "Took", "Estimate"],
          assessment.timeline.map((step) => [
            step.step,
            `${step.status ?? "—"} (${step.phase})`,
            time(step.start),
            time(step.stop),
            duration(step.durationSeconds),
            duration(step.estimatedSeconds)
          ])
        )
      ]

const earlier = (records: ReadonlyArray<RecordReport>): Array<string> =>
  records.length === 0
    ? []
    : [
        "",
        "### Earlier records",
        "",
        ...table(
          ["Versions", "Status", "Verdict", "Prepared"],
          records.map((entry) => [
            versions(entry.record),
            orDash(entry.record.Status),
            stateLabel(entry.assessment.state),
            time(entry.record.PrepareFinishTime)
          ])
        )
      ]

const section = (report: InstanceReport): Array<string> => {
  const latest = report.records[0]
  const all = [...report.findings, ...(latest?.assessment.findings ?? [])].sort(
    (a, b) => severityOrder[a.severity] - severityOrder[b.severity]
  )
  return [
    `## Instance ${cell(report.instanceId ?? "(not named)")}: ${stateLabel(report.state)}`,
    "",
    ...facts(report, latest),
    ...findings(all),
    ...(latest !== undefined ? steps(latest.assessment) : []),
    ...earlier(report.records.slice(1))
  ]
}

/** Renders reports as one Markdown document, ending with a newline. */
export const render = (reports: ReadonlyArray<InstanceReport>): string =>
  `${["# Hologres upgrade report", ...reports.flatMap((report) => ["", ...section(report)])].join("\n")}\n`
