/**
 * The timeline chart: one lane per upgrade step on a shared time axis, a solid bar for what the step took (up to now
 * while it runs) over a dashed bar for what `EstimatedUpgradeTime` expected. Steps not reached yet are projected
 * after the last known one from their estimates, so a running upgrade shows what is left. Plain SVG, coloured by the
 * page's style sheet, so it follows the light or dark scheme and prints.
 */
import { Assessment, UpgradeDetails } from "@holo-upgrade/core"
import { duration, took as tookOf } from "../text.ts"
import { type Child, fragment, h, type Markup } from "./markup.ts"

/** The colour family of a step's phase, shared by the bars, the legend and the step table. */
export const phaseTone = (phase: Assessment.StepPhase | "not reached", step: string): string =>
  phase === "failed"
    ? "tone-red"
    : step === "Rollback" && phase !== "pending" && phase !== "not reached"
      ? "tone-amber"
      : phase === "done"
        ? "tone-green"
        : phase === "running"
          ? "tone-blue"
          : phase === "unknown"
            ? "tone-amber"
            : "tone-grey"

/** One lane as laid out: seconds from the chart's origin. */
export interface Lane {
  readonly step: string
  readonly status: string | undefined
  readonly phase: Assessment.StepPhase | "not reached"
  readonly start: number
  /** The measured end (now, for a running step); `undefined` when the step has no start time. */
  readonly end: number | undefined
  readonly estimateEnd: number | undefined
  /** Placed after the previous step because the step has no start time of its own. */
  readonly projected: boolean
}

/** The lanes of a record and where its axis starts: the earliest start time, in epoch milliseconds. */
export interface Layout {
  readonly origin: number | undefined
  readonly lanes: ReadonlyArray<Lane>
  /** Seconds from the origin to now, when a step is running. */
  readonly now: number | undefined
}

/**
 * Lays the steps out on one axis. Known times place a step; a step without one follows the previous step's end (or
 * its estimated end, while that one runs or was itself projected). Steps `Details` does not report yet are added
 * from their estimates while the upgrade is still ahead of them.
 */
export const layout = (assessment: Assessment.Assessment): Layout => {
  const starts = assessment.timeline.flatMap((step) =>
    step.start?.epochMillis === undefined ? [] : [step.start.epochMillis]
  )
  const origin = starts.length === 0 ? undefined : Math.min(...starts)
  const reported = new Set<string>(assessment.timeline.map((step) => step.step))
  const ahead = assessment.state === "preparing" || assessment.state === "upgrading"
  const estimates = new Map(assessment.estimate.map((part) => [part.name, part.seconds]))
  const missing = ahead
    ? UpgradeDetails.stepNames.filter((name) => name !== "Rollback" && !reported.has(name))
    : ([] as Array<string>)
  const steps = [
    ...assessment.timeline,
    ...missing.flatMap((name) => {
      const key = Assessment.estimateOfStep[name]
      const seconds = key === undefined ? undefined : estimates.get(key)
      return seconds === undefined
        ? []
        : [
            {
              step: name,
              status: undefined,
              phase: "not reached" as const,
              start: undefined,
              estimatedSeconds: seconds
            }
          ]
    })
  ].sort(
    (a, b) => UpgradeDetails.stepNames.indexOf(a.step as never) - UpgradeDetails.stepNames.indexOf(b.step as never)
  )

  let cursor = 0
  let now: number | undefined
  const lanes: Array<Lane> = []
  for (const step of steps) {
    const known = origin !== undefined && step.start?.epochMillis !== undefined
    const start = known ? (step.start!.epochMillis! - origin) / 1000 : cursor
    // Lengths as the steps table gives them, so a bar's label and its row agree.
    const took = "durationSeconds" in step ? tookOf(step) : undefined
    const end = known && took !== undefined ? start + took : known ? start : undefined
    const estimateEnd = step.estimatedSeconds === undefined ? undefined : start + step.estimatedSeconds
    if (step.phase === "running" && end !== undefined) now = Math.max(now ?? 0, end)
    lanes.push({ step: step.step, status: step.status, phase: step.phase, start, end, estimateEnd, projected: !known })
    const ahead = step.phase === "running" || !known
    cursor = Math.max(cursor, end ?? start, ahead ? (estimateEnd ?? start) : 0)
  }
  return { origin, lanes, now }
}

const niceSteps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400]

/** A tick spacing that gives at most six ticks over `span` seconds. */
export const tickStep = (span: number): number =>
  niceSteps.find((step) => span / step <= 6) ?? Math.ceil(span / 6 / 86_400) * 86_400

const offsetLabel = (seconds: number): string => (seconds === 0 ? "0" : `+${duration(seconds)}`)

const utc = (millis: number): string =>
  new Date(millis)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, " UTC")

const laneText = (lane: Lane): string => {
  const took = lane.end === undefined ? undefined : lane.end - lane.start
  const estimate = lane.estimateEnd === undefined ? undefined : lane.estimateEnd - lane.start
  const state = lane.phase === "not reached" ? "not reached" : (lane.status ?? lane.phase)
  const measured = took === undefined ? "" : ` · ${duration(took)}`
  const estimated = estimate === undefined ? undefined : duration(estimate)
  const expected = estimated === undefined ? "" : took === undefined ? ` · est. ${estimated}` : ` (est. ${estimated})`
  return `${state}${measured}${expected}`
}

const width = 760
const labelWidth = 220
const plotLeft = labelWidth + 10
const plotRight = width - 16
const laneHeight = 40
const top = 22

/** The chart of a record's steps, or `undefined` when there is nothing to draw. */
export const chart = (assessment: Assessment.Assessment, title: string): Markup | undefined => {
  const { lanes, now, origin } = layout(assessment)
  if (lanes.length === 0) return undefined
  const ends = lanes.flatMap((lane) => [lane.start, lane.end ?? 0, lane.estimateEnd ?? 0, now ?? 0])
  const measured = Math.max(...ends)
  // Steps that all start and stop at one instant still get an axis a minute wide, so they read as instants.
  const step = tickStep(measured > 0 ? measured : 60)
  const span = Math.max(step, Math.ceil((measured > 0 ? measured : 60) / step) * step)
  const x = (seconds: number): number => plotLeft + (seconds / span) * (plotRight - plotLeft)
  const height = top + lanes.length * laneHeight + 36
  const axisY = top + lanes.length * laneHeight + 6

  const ticks: Array<Child> = []
  for (let at = 0; at <= span + 1e-9; at += step) {
    ticks.push(
      h("line", { class: "gridline", x1: x(at), x2: x(at), y1: top - 6, y2: axisY }),
      // The last label ends at its tick so it stays inside the chart.
      h(
        "text",
        { class: "muted", x: x(at), y: axisY + 16, "text-anchor": at + step > span + 1e-9 ? "end" : "middle" },
        offsetLabel(at)
      )
    )
  }
  const rows = lanes.map((lane, index) => {
    const y = top + index * laneHeight
    const middle = y + laneHeight / 2
    const barWidth = lane.end === undefined ? 0 : Math.max(4, x(lane.end) - x(lane.start))
    return h(
      "g",
      { class: `lane-group ${phaseTone(lane.phase, lane.step)}`, "data-step": lane.step },
      h("rect", { class: "lane", x: plotLeft, y: y + 4, width: plotRight - plotLeft, height: laneHeight - 8, rx: 4 }),
      h("text", { class: "step-name", x: 0, y: middle - 3 }, lane.step),
      h("text", { class: "muted", x: 0, y: middle + 13 }, laneText(lane)),
      lane.estimateEnd !== undefined &&
        h("rect", {
          class: "estimate",
          x: x(lane.start),
          y: middle - 11,
          width: Math.max(4, x(lane.estimateEnd) - x(lane.start)),
          height: 22,
          rx: 3
        }),
      lane.end === undefined &&
        lane.estimateEnd === undefined &&
        h("text", { class: "muted", x: plotLeft + 8, y: middle + 4 }, "no times reported"),
      lane.end !== undefined &&
        h(
          "rect",
          { class: "bar", x: x(lane.start), y: middle - 7, width: barWidth, height: 14, rx: 3 },
          h("title", {}, `${lane.step}: ${laneText(lane)}`)
        )
    )
  })
  const nowLine =
    now === undefined
      ? undefined
      : fragment(
          h("line", { class: "now", x1: x(now), x2: x(now), y1: top - 8, y2: axisY }),
          h("text", { class: "muted", x: x(now), y: top - 10, "text-anchor": "middle" }, "now")
        )
  const caption =
    origin === undefined ? "no step start times reported; bars show estimates" : `time from ${utc(origin)}`
  return h(
    "svg",
    {
      class: "chart timeline",
      xmlns: "http://www.w3.org/2000/svg",
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: "img",
      "aria-label": title
    },
    h("title", {}, title),
    ticks,
    h("line", { class: "axis", x1: plotLeft, x2: plotRight, y1: axisY, y2: axisY }),
    rows,
    nowLine,
    h("text", { class: "muted", x: 0, y: top - 10 }, caption)
  )
}
