/**
 * The HTML output: one self-contained page (inline CSS and SVG, no script, no request of any kind, enforced by its
 * Content-Security-Policy) for one instance or a fleet. A fleet starts with a summary (counts per verdict, then every
 * instance, those needing attention first); each instance has its verdict, findings, step timeline chart, flighting
 * replay, leader and followers, read-permission and segment-format checks, and its raw `Details` with the repairs
 * marked. Every value from the API is escaped, in text and in attributes.
 */
import { UpgradeStatus } from "@holo-upgrade/core"
import type { InstanceReport } from "../Report.ts"
import { h, type Markup, serialize, trusted } from "./html/markup.ts"
import { rawDetails } from "./html/raw.ts"
import {
  badge,
  card,
  earlierRecords,
  errorBox,
  findings,
  flighting,
  instanceName,
  instances,
  readPermissions,
  segmentFormat,
  stateTone,
  steps,
  verdict
} from "./html/sections.ts"
import { contentSecurityPolicy, css } from "./html/style.ts"
import { byAttention, currentStep, headline, stateLabel, verdictCounts, versions } from "./text.ts"

const anchor = (index: number): string => `instance-${index + 1}`

const needsAttention = (report: InstanceReport): boolean =>
  report.state === "failed" || report.state === "rolled-back" || report.state === "unknown"

const summary = (reports: ReadonlyArray<InstanceReport>): Markup =>
  h(
    "section",
    { class: "card summary" },
    h("h3", {}, "Summary"),
    h(
      "div",
      { class: "summary-tiles" },
      verdictCounts(reports).map(({ count, state }) =>
        h(
          "div",
          { class: `tile ${stateTone(state)}`, "data-state": state },
          h("div", { class: "value" }, count),
          h("div", { class: "label" }, stateLabel(state).toLowerCase())
        )
      )
    ),
    h(
      "table",
      { class: "fleet" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Instance", "Region", "Verdict", "Versions", "Step", "Why"].map((name) => h("th", {}, name))
        )
      ),
      h(
        "tbody",
        {},
        byAttention(reports).map(({ index, report }) => {
          const latest = report.records[0]
          return h(
            "tr",
            {},
            h("td", { class: "mono" }, h("a", { href: `#${anchor(index)}` }, instanceName(report))),
            // A region id is short and reads badly broken at its dashes; anything else may wrap.
            h(
              "td",
              { class: /^[a-z0-9-]{1,32}$/.test(report.regionId ?? "") ? "nowrap" : undefined },
              report.regionId ?? "—"
            ),
            h("td", { class: "nowrap" }, badge(report.state)),
            h("td", {}, latest === undefined ? "—" : versions(latest.record)),
            h("td", {}, currentStep(latest)),
            h("td", { class: "why" }, headline(report) ?? "—")
          )
        })
      )
    )
  )

const instance = (report: InstanceReport, index: number): Markup => {
  const latest = report.records[0]
  const details = latest?.decoded.details
  return h(
    "article",
    { class: "instance", id: anchor(index), "data-state": report.state },
    verdict(report),
    errorBox(report),
    findings(report),
    latest !== undefined && steps(report, latest),
    flighting(details),
    instances(details),
    readPermissions(details),
    segmentFormat(details),
    latest !== undefined &&
      card(
        "Raw Details",
        h(
          "details",
          { class: "raw-details", open: latest.decoded.repairTotal > 0 || undefined },
          h(
            "summary",
            {},
            latest.decoded.repairTotal > 0
              ? `Details as received, ${latest.decoded.repairTotal} ` +
                  `${latest.decoded.repairTotal === 1 ? "repair" : "repairs"} marked`
              : "Details as received"
          ),
          rawDetails(latest)
        )
      ),
    earlierRecords(report)
  )
}

const title = (reports: ReadonlyArray<InstanceReport>): string => {
  if (reports.length === 1) return `${instanceName(reports[0]!)}: ${stateLabel(reports[0]!.state)} · Hologres upgrade`
  const attention = reports.filter(needsAttention).length
  return `${reports.length} instances, ${attention} need${attention === 1 ? "s" : ""} attention · Hologres upgrades`
}

/** Renders reports as one HTML page, ending with a newline. */
export const render = (reports: ReadonlyArray<InstanceReport>): string => {
  const head = h(
    "head",
    {},
    h("meta", { charset: "utf-8" }),
    h("meta", { "http-equiv": "Content-Security-Policy", content: contentSecurityPolicy }),
    h("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }),
    h("meta", { name: "color-scheme", content: "light dark" }),
    h("meta", { name: "referrer", content: "no-referrer" }),
    h("meta", { name: "generator", content: "holo-upgrade" }),
    h("title", {}, title(reports)),
    h("style", {}, trusted(css))
  )
  const attention = reports.filter(needsAttention).length
  const body = h(
    "body",
    {},
    h(
      "header",
      { class: "page-head" },
      h("h1", {}, reports.length === 1 ? "Hologres upgrade report" : "Hologres upgrade report: fleet"),
      h(
        "p",
        {},
        `${reports.length} ${reports.length === 1 ? "instance" : "instances"}`,
        reports.length > 1 ? ` · ${attention} ${attention === 1 ? "needs" : "need"} attention` : undefined,
        " · from GetUpgradeStatus"
      )
    ),
    reports.length > 1 && summary(reports),
    h("main", {}, reports.map(instance)),
    h(
      "footer",
      {},
      h(
        "p",
        {},
        `Times are in UTC; a time sent without a zone is read as UTC${UpgradeStatus.assumedZone}. `,
        "EstimatedUpgradeTime has no unit in the API and is read as seconds. ",
        "The verdict rules are holo-upgrade's own: the vendor defines none of the Details values."
      ),
      h("p", {}, "This page is self-contained: it loads nothing and runs no script.")
    )
  )
  return `<!DOCTYPE html>\n${serialize(h("html", { lang: "en" }, head, body))}\n`
}
