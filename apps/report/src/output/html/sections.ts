/**
 * The cards of one instance on the HTML page: the verdict, the findings, the steps, the flighting replay, the
 * instances, the read-permission and segment-format checks, and earlier records. Each takes the report model and
 * returns markup; every value from the API goes in as text, which the builder escapes.
 */
import type { Assessment, UpgradeDetails } from "@holo-upgrade/core"
import type { InstanceReport, RecordReport } from "../../Report.ts"
import {
  allFindings,
  duration,
  headline,
  orDash,
  preparedAt,
  stateLabel,
  stepStatus,
  time,
  took,
  versions
} from "../text.ts"
import { chart, phaseTone } from "./chart.ts"
import { type Child, h, type Markup } from "./markup.ts"

/** The colour family of a verdict. */
export const stateTone = (state: Assessment.State): string =>
  state === "failed" || state === "rolled-back"
    ? "tone-red"
    : state === "succeeded"
      ? "tone-green"
      : state === "upgrading" || state === "preparing"
        ? "tone-blue"
        : state === "unknown"
          ? "tone-amber"
          : "tone-grey"

const severityTone = { critical: "tone-red", warning: "tone-amber", info: "tone-grey" } as const

/** A verdict badge. */
export const badge = (state: Assessment.State, big = false): Markup =>
  h("span", { class: `badge ${stateTone(state)}${big ? " big" : ""}` }, stateLabel(state))

/** A titled card. */
export const card = (title: string, ...children: ReadonlyArray<Child>): Markup =>
  h("section", { class: "card" }, h("h3", {}, title), ...children)

const fact = (label: string, value: Child): Markup => h("div", {}, h("dt", {}, label), h("dd", {}, value))

/** The instance's name as shown: the id, or a note that the answer named none. */
export const instanceName = (report: InstanceReport): string => report.instanceId ?? "(instance not named)"

/** The verdict card: badge, instance, the sentence that explains the verdict, and the facts of the call. */
export const verdict = (report: InstanceReport): Markup => {
  const latest = report.records[0]
  const details = latest?.decoded.details
  const sub = [
    report.error !== undefined
      ? "the call failed"
      : latest === undefined
        ? "no upgrade record"
        : versions(latest.record),
    latest?.record.Status === undefined ? undefined : `record status ${latest.record.Status}`,
    details?.UpgradePhase === undefined ? undefined : `phase ${details.UpgradePhase}`,
    details?.StatusCode === undefined ? undefined : `StatusCode ${details.StatusCode}`
  ].filter((part) => part !== undefined)
  const assessment = latest?.assessment
  return h(
    "section",
    { class: `card verdict ${stateTone(report.state)}` },
    h("div", { class: "verdict-top" }, badge(report.state, true), h("h2", {}, instanceName(report))),
    h("p", { class: "headline" }, headline(report) ?? "Nothing to report."),
    h("p", { class: "sub" }, sub.join(" · ")),
    h(
      "dl",
      { class: "facts" },
      fact("Region", orDash(report.regionId)),
      fact("Request id", h("span", { class: "mono" }, orDash(report.requestId))),
      fact("HTTP status", orDash(report.httpStatusCode)),
      fact("Success", report.success === undefined ? "—" : String(report.success)),
      latest !== undefined && fact("Prepared", preparedAt(latest.record)),
      assessment !== undefined &&
        fact(
          "Estimate",
          assessment.estimatedUpgradeSeconds === undefined ? "—" : duration(assessment.estimatedUpgradeSeconds)
        ),
      assessment !== undefined && fact("Elapsed", duration(assessment.elapsedSeconds)),
      assessment !== undefined && fact("Remaining", duration(assessment.remainingSeconds)),
      report.records.length > 1 && fact("Records", `latest of ${report.records.length}`)
    )
  )
}

/** The call's error, when it failed before any record could be read. */
export const errorBox = (report: InstanceReport): Markup | undefined =>
  report.error === undefined
    ? undefined
    : card(
        "Error",
        h(
          "div",
          { class: "error-box" },
          h("strong", {}, report.error._tag),
          ` (${report.error.reason}): `,
          report.error.message
        ),
        (report.errorCode !== undefined || report.errorMessage !== undefined) &&
          h(
            "p",
            { class: "note" },
            "The API said: ",
            h("code", {}, report.errorCode ?? "—"),
            report.errorMessage === undefined ? undefined : ` ${report.errorMessage}`
          )
      )

/** Every finding, most severe first. */
export const findings = (report: InstanceReport): Markup | undefined => {
  const list = allFindings(report)
  return list.length === 0
    ? undefined
    : card(
        "Findings",
        h(
          "ul",
          { class: "findings" },
          list.map((finding) =>
            h(
              "li",
              { "data-code": finding.code },
              h("span", {}, h("span", { class: `pill ${severityTone[finding.severity]}` }, finding.severity)),
              h(
                "span",
                {},
                h("span", { class: "message" }, finding.message),
                " ",
                h("code", { class: "code" }, finding.code)
              )
            )
          )
        )
      )
}

const stepTable = (assessment: Assessment.Assessment): Markup =>
  h(
    "table",
    { class: "steps" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["Step", "Status", "Start", "Stop"].map((name) => h("th", {}, name)),
        h("th", { class: "num" }, "Took"),
        h("th", { class: "num" }, "Estimate")
      )
    ),
    h(
      "tbody",
      {},
      assessment.timeline.map((step) =>
        h(
          "tr",
          {},
          h("td", {}, h("strong", {}, step.step)),
          h(
            "td",
            { class: phaseTone(step.phase, step.step) },
            h("span", { class: "dot" }),
            step.status ?? step.phase,
            stepStatus(step) === (step.status ?? step.phase)
              ? undefined
              : h("span", { class: "note" }, ` (${step.phase})`)
          ),
          h("td", {}, time(step.start)),
          h("td", {}, time(step.stop)),
          h("td", { class: "num" }, duration(took(step))),
          h("td", { class: "num" }, duration(step.estimatedSeconds))
        )
      )
    )
  )

const legend = (): Markup =>
  h(
    "div",
    { class: "legend" },
    [
      ["tone-green", "done"],
      ["tone-blue", "running"],
      ["tone-red", "failed"],
      ["tone-amber", "rollback or unreadable status"],
      ["tone-grey", "pending"]
    ].map(([tone, label]) => h("span", { class: tone }, h("span", { class: "swatch" }), label)),
    h("span", {}, h("span", { class: "swatch estimate" }), "estimate (EstimatedUpgradeTime, read as seconds)")
  )

/** The step timeline: the chart, its legend and the exact times. */
export const steps = (report: InstanceReport, entry: RecordReport): Markup => {
  const assessment = entry.assessment
  const drawn = chart(assessment, `Upgrade steps of ${instanceName(report)}: ${stateLabel(assessment.state)}`)
  return card(
    "Upgrade steps",
    drawn === undefined ? h("p", { class: "note" }, "Details reports no steps and no estimate.") : [drawn, legend()],
    assessment.timeline.length > 0 && stepTable(assessment)
  )
}

const isPositive = (value: number | bigint | undefined): boolean => value !== undefined && value > 0

const tile = (label: string, value: Child, tone?: string): Markup =>
  h(
    "div",
    { class: `tile${tone === undefined ? "" : ` ${tone}`}` },
    h("div", { class: "value" }, value),
    h("div", { class: "label" }, label)
  )

/** The flighting replay: how the workload fared on the target version. */
export const flighting = (details: UpgradeDetails.Details | undefined): Markup | undefined => {
  const stat = details?.FlightingReport?.SQLResultStat
  if (stat === undefined) return undefined
  const problem = (value: number | bigint | undefined) => (isPositive(value) ? "tone-amber" : undefined)
  return card(
    "Flighting replay",
    h(
      "div",
      { class: "tiles" },
      tile("queries replayed", orDash(stat.TotalExecuted)),
      tile("exceptions", orDash(stat.Exceptions), problem(stat.Exceptions)),
      tile("different results", orDash(stat.Incorrect), problem(stat.Incorrect)),
      tile("slower", orDash(stat.Slow), problem(stat.Slow)),
      tile("read speed-up", stat.DQLSpeedup === undefined ? "—" : `${stat.DQLSpeedup}×`)
    )
  )
}

const healthTone = (status: string | undefined): string =>
  status === undefined ? "tone-grey" : status.trim().toLowerCase() === "running" ? "tone-green" : "tone-red"

/** The leader and its read-only followers, with their status. */
export const instances = (details: UpgradeDetails.Details | undefined): Markup | undefined => {
  const found = details?.Instances
  if (found === undefined) return undefined
  const rows: Array<[string, string | undefined, string | undefined, string | undefined]> = [
    ["leader", found.LeaderInstanceName, found.LeaderInstanceId, found.LeaderInstanceStatus],
    ...(found.FollowerInstances ?? []).map(
      (follower): [string, string | undefined, string | undefined, string | undefined] => [
        "follower",
        follower.InstanceName,
        follower.InstanceId,
        follower.Status
      ]
    )
  ]
  return card(
    "Leader and followers",
    h(
      "table",
      { class: "instances" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Role", "Name", "Id", "Status"].map((name) => h("th", {}, name))
        )
      ),
      h(
        "tbody",
        {},
        rows.map(([role, name, id, status]) =>
          h(
            "tr",
            {},
            h("td", {}, role),
            h("td", {}, orDash(name)),
            h("td", { class: "mono" }, orDash(id)),
            h("td", { class: healthTone(status) }, h("span", { class: "dot" }), orDash(status))
          )
        )
      )
    )
  )
}

/** The objects where the read-permission check flagged a user. */
export const readPermissions = (details: UpgradeDetails.Details | undefined): Markup | undefined => {
  const flagged = details?.FlightingReport?.ReadPermissionCheckStat ?? []
  if (flagged.length === 0) return undefined
  return card(
    `Read-permission check: ${flagged.length} flagged`,
    h(
      "table",
      { class: "read-permission" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Database", "Schema", "Table", "User"].map((name) => h("th", {}, name))
        )
      ),
      h(
        "tbody",
        {},
        flagged.map((item) =>
          h(
            "tr",
            {},
            [item.db, item.schema, item.table, item.user].map((part) => h("td", { class: "mono" }, orDash(part)))
          )
        )
      )
    )
  )
}

const spark = (count: number | bigint | undefined, largest: number): Markup | undefined => {
  if (count === undefined || largest <= 0) return undefined
  const share = Math.min(1, Number(count) / largest)
  return h(
    "svg",
    { class: "spark", width: 120, height: 10, viewBox: "0 0 120 10", "aria-hidden": "true" },
    h("rect", { class: "track", x: 0, y: 1, width: 120, height: 8, rx: 2 }),
    h("rect", { x: 0, y: 1, width: Math.max(share > 0 ? 2 : 0, share * 120), height: 8, rx: 2 })
  )
}

/** The databases with tables still on the segment storage format. */
export const segmentFormat = (details: UpgradeDetails.Details | undefined): Markup | undefined => {
  const databases = details?.FlightingReport?.SegmentFormatStat ?? []
  if (databases.length === 0) return undefined
  const counts = databases.map((entry) => entry.TableUsingSegmentCount)
  const largest = Math.max(0, ...counts.map((count) => (count === undefined ? 0 : Number(count))))
  const total = counts.reduce<bigint>((sum, count) => sum + BigInt(count ?? 0), 0n)
  return card(
    `Segment storage format: ${total} ${total === 1n ? "table" : "tables"}`,
    h(
      "table",
      { class: "segment-format" },
      h("thead", {}, h("tr", {}, h("th", {}, "Database"), h("th", { class: "num" }, "Tables"), h("th", {}, ""))),
      h(
        "tbody",
        {},
        databases.map((entry) =>
          h(
            "tr",
            {},
            h("td", { class: "mono" }, orDash(entry.Database)),
            h("td", { class: "num" }, orDash(entry.TableUsingSegmentCount)),
            h("td", {}, spark(entry.TableUsingSegmentCount, largest))
          )
        )
      )
    )
  )
}

/** The records before the latest one, which decides the verdict. */
export const earlierRecords = (report: InstanceReport): Markup | undefined => {
  const earlier = report.records.slice(1)
  if (earlier.length === 0) return undefined
  return card(
    "Earlier records",
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Versions", "Status", "Verdict", "Prepared"].map((name) => h("th", {}, name))
        )
      ),
      h(
        "tbody",
        {},
        earlier.map((entry) =>
          h(
            "tr",
            {},
            h("td", {}, versions(entry.record)),
            h("td", {}, orDash(entry.record.Status)),
            h("td", {}, badge(entry.assessment.state)),
            h("td", {}, preparedAt(entry.record))
          )
        )
      )
    )
  )
}
