/**
 * JSON output for values that `JSON.stringify` cannot write: it throws on `bigint` (which `TolerantJson` returns for
 * integers past 2^53) and overflows the call stack on deeply nested values. This writer keeps bigints exact as their
 * digits and walks the value with an explicit stack. Everything else is written as `JSON.stringify` writes it.
 */

interface Frame {
  readonly container: object
  /** The keys to write, for objects; `undefined` for arrays. */
  readonly keys: ReadonlyArray<string> | undefined
  readonly length: number
  index: number
  wroteAny: boolean
  /** Indentation of this container's members. */
  readonly indent: string
}

/** Applies `toJSON` and unwraps boxed primitives, as `JSON.stringify` does before writing a value. */
const prepare = (value: unknown, key: string): unknown => {
  let current = value
  if ((typeof current === "object" && current !== null) || typeof current === "bigint") {
    const toJSON = (current as { toJSON?: unknown }).toJSON
    if (typeof toJSON === "function") current = toJSON.call(current, key)
  }
  if (typeof current === "object" && current !== null) {
    if (current instanceof Number) return Number(current)
    if (current instanceof String) return String(current)
    if (current instanceof Boolean || current instanceof BigInt) return current.valueOf()
  }
  return current
}

/** The text of a value that is not a container, or `undefined` for values JSON has no form for. */
const scalarText = (value: unknown): string | undefined => {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value)
    case "number":
      return Number.isFinite(value) ? String(value) : "null"
    case "bigint":
      return value.toString()
    case "boolean":
      return value ? "true" : "false"
    case "object":
      return value === null ? "null" : undefined
    default:
      return undefined
  }
}

const isContainer = (value: unknown): value is object => typeof value === "object" && value !== null

/**
 * Writes `value` as JSON text. `bigint` is written as its exact digits; `indent` (0 to 10 spaces) pretty-prints as
 * `JSON.stringify(value, null, indent)` does. A top-level value JSON has no form for (undefined, a function) is
 * written as `null`. Throws a `TypeError` on a cyclic value, as `JSON.stringify` does.
 */
export const stringify = (value: unknown, options?: { readonly indent?: number }): string => {
  const gap = " ".repeat(Math.max(0, Math.min(10, Math.floor(options?.indent ?? 0))))
  const colon = gap === "" ? ":" : ": "
  const stack: Array<Frame> = []
  const open = new Set<object>()
  let out = ""

  /** Writes a scalar, or opens a container and leaves its members to the loop. */
  const write = (item: unknown, parentIndent: string): void => {
    if (!isContainer(item)) {
      out += scalarText(item) ?? "null"
      return
    }
    if (open.has(item)) throw new TypeError("Converting circular structure to JSON")
    open.add(item)
    const keys = Array.isArray(item) ? undefined : Object.keys(item)
    out += keys === undefined ? "[" : "{"
    stack.push({
      container: item,
      keys,
      length: keys === undefined ? (item as ReadonlyArray<unknown>).length : keys.length,
      index: 0,
      wroteAny: false,
      indent: parentIndent + gap
    })
  }

  write(prepare(value, ""), "")
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!
    if (frame.index >= frame.length) {
      const outer = frame.indent.slice(0, frame.indent.length - gap.length)
      if (frame.wroteAny && gap !== "") out += `\n${outer}`
      out += frame.keys === undefined ? "]" : "}"
      open.delete(frame.container)
      stack.pop()
      continue
    }
    const index = frame.index++
    const key = frame.keys === undefined ? String(index) : frame.keys[index]!
    const member = prepare((frame.container as Record<string, unknown>)[key], key)
    // Objects leave out members JSON has no form for; arrays write them as null.
    if (frame.keys !== undefined && !isContainer(member) && scalarText(member) === undefined) continue
    if (frame.wroteAny) out += ","
    if (gap !== "") out += `\n${frame.indent}`
    if (frame.keys !== undefined) out += JSON.stringify(key) + colon
    frame.wroteAny = true
    write(member, frame.indent)
  }
  return out
}
