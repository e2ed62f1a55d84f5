/**
 * The decoding of a clean answer without the schema machinery. Nearly every answer has every field in its
 * documented type: strings, a boolean `Success`, an `HttpStatusCode` of three digits, an array of records. For those
 * this builds exactly what the `Response` schema would, in a fraction of its time; anything it is not sure about (a
 * number where text belongs, `"true"` for a boolean, a record that is not an object) returns `undefined` and takes
 * the schema's path, with its messages. A property test holds the two to the same output.
 */
import { isAbsent } from "../absent.ts"
import { parseTimestamp } from "../timestamp.ts"

/** Bails out of the fast path: the schema decides this value. */
class Unsure {}
const unsure = new Unsure()

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Copies `name` when it holds text, skips it when absent-like, and gives up on anything else. */
const copyText = (from: Record<string, unknown>, to: Record<string, unknown>, name: string) => {
  const value = from[name]
  if (isAbsent(value)) return
  if (typeof value !== "string") throw unsure
  to[name] = value
}

const record = (value: unknown): Record<string, unknown> => {
  if (!isPlainObject(value)) throw unsure
  const out: Record<string, unknown> = {}
  copyText(value, out, "FromVersion")
  copyText(value, out, "ToVersion")
  copyText(value, out, "Status")
  if (!isAbsent(value.Details)) out.Details = value.Details
  const prepared = value.PrepareFinishTime
  if (!isAbsent(prepared)) {
    if (typeof prepared !== "string") throw unsure
    out.PrepareFinishTime = parseTimestamp(prepared)
  }
  return out
}

const data = (value: unknown): ReadonlyArray<Record<string, unknown>> => {
  if (isAbsent(value)) return []
  if (Array.isArray(value)) return value.map(record)
  if (isPlainObject(value)) return Object.keys(value).length === 0 ? [] : [record(value)]
  throw unsure
}

/** The decoded answer when `value` is clean, else `undefined`. Key order follows the schema's. */
export const decodeCleanAnswer = (value: Record<string, unknown>): Record<string, unknown> | undefined => {
  try {
    const out: Record<string, unknown> = {}
    copyText(value, out, "RequestId")
    out.Data = data(value.Data)
    const success = value.Success
    if (!isAbsent(success)) {
      if (typeof success !== "boolean") throw unsure
      out.Success = success
    }
    copyText(value, out, "ErrorCode")
    copyText(value, out, "ErrorMessage")
    const status = value.HttpStatusCode
    if (!isAbsent(status)) {
      // Documented as text ("200"), sometimes a number: read as the schema reads it, through its digits.
      const text = typeof status === "number" ? String(status) : typeof status === "string" ? status.trim() : ""
      if (!/^\d{1,3}$/.test(text)) throw unsure
      out.HttpStatusCode = Number(text)
    }
    return out
  } catch (error) {
    if (error === unsure) return undefined
    throw error
  }
}
