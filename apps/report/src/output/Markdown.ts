/**
 * The Markdown output, to paste into a pull request, a ticket or a chat: the verdict first, one compact table row per
 * instance, the findings, and everything else folded into `<details>` blocks that GitHub and most chat tools collapse.
 * Every value from the API is escaped, so a `|`, a newline, a backtick or an HTML tag in it can neither break the
 * layout nor become markup.
 */
import { type Assessment, TolerantJson, type UpgradeDetails } from "@holo-upgrade/core"
import type { InstanceReport, RecordReport } from "../Report.ts"
import {
  allFindings,
  byAttention,
  currentStep,
  duration,
  headline,
  orDash,
  preparedAt,
  printable,
  printableLines,
  stateLabel,
  stepStatus,
  time,
  took,
  verdictCounts,
  versions
} from "./text.ts"

/**
 * Inline text: control characters made visible (`printable`), Markdown's punctuation backslash-escaped and HTML's
 * written as entities. An underscore inside a
 * word (`dim_db`) starts no emphasis, so it stays as it is and the text reads cleanly where Markdown is not rendered.
 */
const text = (value: string): string =>
  printable(value)
    .replace(/[\\`*[\]|#~]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, (char) => `\\${char}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")

/** A table cell: inline text on one line. */
const cell = (value: string): string => text(value).replace(/\s*[\r\n]+\s*/g, " ")

const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): Array<string> => [
  `| ${head.join(" | ")} |`,
  `| ${head.map(() => "---").join(" | ")} |`,
  ...rows.map((row) => `| ${row.join(" | ")} |`)
]

/** A collapsed block; the blank lines let GitHub render the Markdown inside it. */
const folded = (summary: string, body: ReadonlyArray<string>): Array<string> =>
  body.length === 0 ? [] : ["", "<details>", `<summary>${summary}</summary>`, "", ...body, "", "</details>"]

const marks: Readonly<Record<Assessment.State, string>> = {
  failed: "❌",
  "rolled-back": "❌",
  unknown: "❔",
  upgrading: "⏳",
  preparing: "⏳",
  succeeded: "✅",
  "no-record": "➖"
}

const verdict = (state: Assessment.State): string => `${marks[state]} ${stateLabel(state)}`

const name = (report: InstanceReport): string => report.instanceId ?? "(not named)"

// A compact line a chat preview shows whole: how many instances, then how many have each verdict.
const tally = (reports: ReadonlyArray<InstanceReport>): string => {
  const counts = verdictCounts(reports).map(({ state, count }) => `${marks[state]} ${count} ${state.replace("-", " ")}`)
  return `**${reports.length} ${reports.length === 1 ? "instance" : "instances"}**: ${counts.join(" · ")}`
}

const overview = (reports: ReadonlyArray<InstanceReport>): Array<string> => [
  "",
  tally(reports),
  "",
  ...table(
    ["Instance", "Verdict", "Versions", "Step", "Why"],
    byAttention(reports).map(({ report }) => {
      const latest = report.records[0]
      return [
        cell(name(report)),
        `**${verdict(report.state)}**`,
        latest === undefined ? "—" : cell(versions(latest.record)),
        cell(currentStep(latest)),
        cell(headline(report) ?? "—")
      ]
    })
  )
]

const findings = (list: ReadonlyArray<Assessment.Finding>): Array<string> =>
  list.length === 0
    ? []
    : [
        "",
        "### Findings",
        "",
        ...table(
          ["Severity", "Code", "Message"],
          list.map((finding) => [finding.severity, `\`${finding.code}\``, cell(finding.message)])
        )
      ]

const steps = (assessment: Assessment.Assessment): Array<string> => {
  const rows =
    assessment.timeline.length === 0
      ? ["No steps reported."]
      : table(
          ["Step", "Status", "Start", "Stop", "Took", "Estimate"],
          assessment.timeline.map((step) => [
            step.step,
            cell(stepStatus(step)),
            cell(time(step.start)),
            cell(time(step.stop)),
            duration(took(step)),
            duration(step.estimatedSeconds)
          ])
        )
  const estimate =
    assessment.estimatedUpgradeSeconds === undefined
      ? "no estimate"
      : `estimate ${duration(assessment.estimatedUpgradeSeconds)} (unit assumed: seconds)`
  return [
    ...rows,
    "",
    `Time: ${estimate} · elapsed ${duration(assessment.elapsedSeconds)}` +
      ` · remaining ${duration(assessment.remainingSeconds)}`
  ]
}

const flighting = (details: UpgradeDetails.Details | undefined): Array<string> => {
  const report = details?.FlightingReport
  const lines: Array<string> = []
  const stat = report?.SQLResultStat
  if (stat !== undefined) {
    lines.push(
      "**SQL replay on the target version**",
      "",
      ...table(
        ["Executed", "Exceptions", "Incorrect", "Slow", "Read speed-up"],
        [
          [
            orDash(stat.TotalExecuted),
            orDash(stat.Exceptions),
            orDash(stat.Incorrect),
            orDash(stat.Slow),
            stat.DQLSpeedup === undefined ? "—" : `${stat.DQLSpeedup}×`
          ]
        ]
      ),
      ""
    )
  }
  const permissions = report?.ReadPermissionCheckStat ?? []
  if (permissions.length > 0) {
    lines.push(
      "**Read-permission check**",
      "",
      ...table(
        ["Database", "Schema", "Table", "User"],
        permissions.map((item) => [item.db, item.schema, item.table, item.user].map((part) => cell(orDash(part))))
      ),
      ""
    )
  }
  const segments = report?.SegmentFormatStat ?? []
  if (segments.length > 0) {
    lines.push(
      "**Tables on the segment storage format**",
      "",
      ...table(
        ["Database", "Tables"],
        segments.map((entry) => [cell(orDash(entry.Database)), orDash(entry.TableUsingSegmentCount)])
      ),
      ""
    )
  }
  const instances = details?.Instances
  if (instances !== undefined) {
    lines.push(
      "**Instances**",
      "",
      ...table(
        ["Role", "Name", "Id", "Status"],
        [
          ["leader", instances.LeaderInstanceName, instances.LeaderInstanceId, instances.LeaderInstanceStatus],
          ...(instances.FollowerInstances ?? []).map((follower) => [
            "follower",
            follower.InstanceName,
            follower.InstanceId,
            follower.Status
          ])
        ].map(([role, ...parts]) => [role!, ...parts.map((part) => cell(orDash(part)))])
      ),
      ""
    )
  }
  return lines.slice(0, -1)
}

// Enough of Details to see what was repaired; the whole text is always in the JSON and HTML outputs.
const maxRawCharacters = 8000

const fence = (content: string): string => {
  const longest = Math.max(2, ...Array.from(content.matchAll(/`+/g), (match) => match[0].length))
  return "`".repeat(longest + 1)
}

const raw = (report: InstanceReport, entry: RecordReport | undefined): Array<string> => {
  const facts = table(
    ["", ""],
    [
      ["Region", cell(orDash(report.regionId))],
      ["Request", cell(orDash(report.requestId))],
      ["HTTP status", orDash(report.httpStatusCode)],
      ["Success", report.success === undefined ? "—" : String(report.success)],
      ["Prepared", entry === undefined ? "—" : cell(preparedAt(entry.record))]
    ]
  )
  const details = entry?.record.Details
  if (typeof details !== "string") return facts
  const { repairs, repairTotal } = entry!.decoded
  const shown = details.length > maxRawCharacters ? details.slice(0, maxRawCharacters) : details
  const where = repairs.map((repair) => {
    const { column, line } = TolerantJson.lineColumn(details, repair.offset)
    return `- \`${repair.kind}\` (${repair.severity}) at offset ${repair.offset}, line ${line}, column ${column}`
  })
  const more = repairTotal > repairs.length ? [`- and ${repairTotal - repairs.length} more`] : []
  const cut = shown.length < details.length ? [`(the first ${shown.length} of ${details.length} characters)`, ""] : []
  const marker = fence(shown)
  return [
    ...facts,
    "",
    repairTotal === 0 ? "Raw `Details`, valid JSON:" : "Raw `Details` and the repairs it needed:",
    "",
    ...where,
    ...more,
    ...(where.length > 0 ? [""] : []),
    ...cut,
    `${marker}json`,
    printableLines(shown),
    marker
  ]
}

const earlier = (records: ReadonlyArray<RecordReport>): Array<string> =>
  table(
    ["Versions", "Status", "Verdict", "Prepared"],
    records.map((entry) => [
      cell(versions(entry.record)),
      cell(orDash(entry.record.Status)),
      verdict(entry.assessment.state),
      cell(preparedAt(entry.record))
    ])
  )

const plural = (count: number, one: string): string => `${count} ${one}${count === 1 ? "" : "s"}`

const section = (report: InstanceReport): Array<string> => {
  const latest = report.records[0]
  const about = [
    `**${verdict(report.state)}**`,
    ...(report.regionId !== undefined ? [cell(report.regionId)] : []),
    ...(latest !== undefined
      ? [cell(versions(latest.record)), `status ${cell(orDash(latest.record.Status))}`]
      : ["no record"])
  ]
  const repairs = latest?.decoded.repairTotal ?? 0
  return [
    `## Instance ${cell(name(report))}: ${stateLabel(report.state)}`,
    "",
    about.join(" · "),
    ...findings(allFindings(report)),
    ...(latest !== undefined ? folded("Steps and times", steps(latest.assessment)) : []),
    ...folded("Flighting, instances and checks", flighting(latest?.decoded.details)),
    ...folded(
      repairs > 0 ? `Call and raw Details (${plural(repairs, "repair")})` : "Call and raw Details",
      raw(report, latest)
    ),
    ...(report.records.length > 1
      ? folded(`Earlier records (${report.records.length - 1})`, earlier(report.records.slice(1)))
      : [])
  ]
}

/** Renders reports as one Markdown document, ending with a newline. */
export const render = (reports: ReadonlyArray<InstanceReport>): string => {
  const lines = [
    "# Hologres upgrade report",
    ...overview(reports),
    ...reports.flatMap((report) => ["", ...section(report)])
  ]
  return `${lines.join("\n")}\n`
}
