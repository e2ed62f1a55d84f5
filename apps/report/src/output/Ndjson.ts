/**
 * The NDJSON output: one report per line, each the same object as a member of `reports` in the JSON document (same
 * keys, same order, `null` for missing values, bigints exact), so a consumer can handle reports as they arrive and
 * memory stays flat however many there are. A line never contains a raw newline: JSON escapes them inside strings.
 */
import { JsonWriter } from "@holo-upgrade/core"
import type { InstanceReport } from "../Report.ts"
import * as Json from "./Json.ts"

/**
 * One report as one line, ending with a newline. `extra` keys (a poll number, a time) are appended after the
 * report's own keys; they cannot replace one, so the documented keys always mean the same thing.
 */
export const line = (report: InstanceReport, extra: Readonly<Record<string, Json.Json>> = {}): string => {
  const value = Json.toReport(report) as Readonly<Record<string, Json.Json>>
  const appended = Object.fromEntries(Object.entries(extra).filter(([key]) => !Object.hasOwn(value, key)))
  return `${JsonWriter.stringify({ ...value, ...appended })}\n`
}

/** Renders reports as NDJSON: one line each, in the order given. */
export const render = (reports: ReadonlyArray<InstanceReport>): string => reports.map((report) => line(report)).join("")
