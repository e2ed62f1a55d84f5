/**
 * The fast path: valid JSON goes through the engine's own `JSON.parse`, which is exact, iterative and fast, unless
 * it held an integer token that a double cannot represent.
 *
 * Such a token leaves one trace in the parsed value: a number whose magnitude is past 2^53 - 1. Checking the parsed
 * value for one costs about a twentieth of `JSON.parse` on Details-like documents, against about a quarter for a
 * regular expression over the text (`/(?:^|[[:,])\s*-?\d{16}/`), and it cannot be fooled by digits inside strings.
 * Large floats (`1e300`) trip it too; the slow path then returns them as numbers, so only time is lost.
 */

const MAX_SAFE = Number.MAX_SAFE_INTEGER

const isUnsafe = (item: unknown): boolean => typeof item === "number" && (item > MAX_SAFE || item < -MAX_SAFE)

/** Whether a parsed value holds a number past 2^53 - 1 anywhere (iterative: any depth). */
export const holdsUnsafeNumber = (value: unknown): boolean => {
  if (typeof value !== "object" || value === null) return isUnsafe(value)
  const pending: Array<object> = [value]
  while (pending.length > 0) {
    const current = pending.pop()!
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) {
        const item: unknown = current[i]
        if (typeof item === "object" && item !== null) pending.push(item)
        else if (isUnsafe(item)) return true
      }
    } else {
      for (const key in current) {
        const item: unknown = (current as Record<string, unknown>)[key]
        if (typeof item === "object" && item !== null) pending.push(item)
        else if (isUnsafe(item)) return true
      }
    }
  }
  return false
}

/**
 * Whether `Error.stackTraceLimit` (a V8 extension) can be set. The `SyntaxError` that `JSON.parse` throws on broken
 * input spends most of its cost capturing a stack trace nobody reads; with the limit at 0 for the duration of the
 * call, a failed attempt costs about half as much. Engines without the property, or with frozen intrinsics, are
 * left alone.
 */
const errorConstructor = Error as { stackTraceLimit?: number | undefined }
const canSilenceTraces = Object.getOwnPropertyDescriptor(Error, "stackTraceLimit")?.writable === true

/** `JSON.parse`, or `undefined` when the text is not valid JSON. The box tells a parsed `undefined` apart. */
export const parseStrict = (text: string): { readonly value: unknown } | undefined => {
  const traceLimit = errorConstructor.stackTraceLimit
  if (canSilenceTraces) errorConstructor.stackTraceLimit = 0
  try {
    return { value: JSON.parse(text) }
  } catch {
    return undefined
  } finally {
    if (canSilenceTraces) errorConstructor.stackTraceLimit = traceLimit
  }
}
