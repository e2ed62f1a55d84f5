/**
 * The two time formats of the upgrade APIs (ISO-8601 with a zone, and a zone-less wall-clock time read in UTC+8) and
 * epoch milliseconds, decoded to a `Timestamp` that keeps the raw text. Re-exported by `UpgradeStatus`.
 */
import { Schema } from "effect"

/** The zone assumed for wall-clock times sent without one: UTC+8, the console's default. */
export const assumedZone = "+08:00"

const assumedOffsetMillis = 8 * 60 * 60 * 1000

/**
 * A point in time as the API sent it. `raw` is kept untouched; `epochMillis` is set when the value could be read;
 * `assumedZone` is set when the value carried no zone and `assumedZone` (UTC+8) was applied.
 */
export const Timestamp = Schema.Struct({
  raw: Schema.String,
  epochMillis: Schema.UndefinedOr(Schema.Number),
  assumedZone: Schema.UndefinedOr(Schema.String)
})

/** A decoded point in time; see `Timestamp`. */
export interface Timestamp extends Schema.Schema.Type<typeof Timestamp> {}

const isoWithZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i
const wallClock = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/

/**
 * Reads the two formats the upgrade APIs use: ISO-8601 with a zone (`2023-05-09T06:48:28.843Z`) and
 * `YYYY-MM-DD HH:mm:ss` without one, which is read in `assumedZone`. Anything else keeps only its raw text.
 */
export const parseTimestamp = (raw: string): Timestamp => {
  const text = raw.trim()
  if (isoWithZone.test(text)) {
    const millis = Date.parse(text)
    return { raw, epochMillis: Number.isNaN(millis) ? undefined : millis, assumedZone: undefined }
  }
  const parts = wallClock.exec(text)
  if (parts === null) return { raw, epochMillis: undefined, assumedZone: undefined }
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number
  ]
  const fraction = Number(`0.${parts[7] ?? "0"}`)
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, Math.floor(fraction * 1000))
  // Date.UTC rolls impossible dates over (Feb 30 becomes Mar 2); such a value is not a time we can trust.
  // Date.UTC also reads the years 0 to 99 as 1900 to 1999, so the year is checked as well.
  const check = new Date(utc)
  const valid =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    hour < 24 &&
    minute < 60
  return {
    raw,
    epochMillis: valid ? utc - assumedOffsetMillis : undefined,
    assumedZone: valid ? assumedZone : undefined
  }
}

// The range of a JavaScript Date: ±100,000,000 days around 1970. A number beyond it is no time (and no Date holds it).
export const maxEpochMillis = 8.64e15

/** A time field on the wire (a string in either format, or epoch milliseconds) decoded to a `Timestamp`. */
export const TimestampFromWire = Schema.transform(Schema.Union(Schema.String, Schema.Number), Timestamp, {
  strict: true,
  decode: (raw) =>
    typeof raw === "number"
      ? {
          raw: String(raw),
          epochMillis: Number.isFinite(raw) && Math.abs(raw) <= maxEpochMillis ? raw : undefined,
          assumedZone: undefined
        }
      : parseTimestamp(raw),
  encode: (timestamp) => timestamp.raw
})
