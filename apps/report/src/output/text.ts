/** Small text helpers the table and Markdown renderers share: times, durations, verdict labels. */
import type { Assessment, UpgradeStatus } from "@holo-upgrade/core"

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

/** A duration in seconds, with minutes beside it once that helps. */
export const duration = (seconds: number | undefined): string => {
  if (seconds === undefined) return "—"
  const rounded = Math.round(seconds)
  return rounded >= 90 ? `${rounded} s (${(rounded / 60).toFixed(1)} min)` : `${rounded} s`
}

/** The verdict as a label. */
export const stateLabel = (state: Assessment.State): string => state.toUpperCase().replace("-", " ")

/** Text shown for a value that may be missing. */
export const orDash = (value: string | number | bigint | undefined): string =>
  value === undefined ? "—" : String(value)

/** The versions of a record, `from → to`. */
export const versions = (record: UpgradeStatus.UpgradeRecord): string =>
  `${record.FromVersion ?? "?"} → ${record.ToVersion ?? "?"}`

/** Pads cells into aligned columns; the last column is left ragged. */
export const columns = (rows: ReadonlyArray<ReadonlyArray<string>>, indent = "  "): Array<string> => {
  const widths: Array<number> = []
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length)
    })
  }
  return rows.map(
    (row) =>
      indent + row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!))).join("  ")
  )
}
