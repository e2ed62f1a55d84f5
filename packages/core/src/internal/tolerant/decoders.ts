/**
 * Decoders for documents that arrive wrapped: escaped with backslashes, quoted with doubled quotes, or
 * entity-encoded. Each produces the inner text and an `OffsetMap` that takes offsets in the inner text back to the
 * outer one, so every repair still points into the text the caller passed in.
 */
import { AMPERSAND, BACKSLASH, hexValue, isDigit, isHexDigit, QUOTE } from "./chars.ts"

/** Maps offsets of a decoded text to offsets of the text it was decoded from. */
export class OffsetMap {
  private readonly decoded: Array<number> = [0]
  private readonly original: Array<number>

  constructor(origin: number) {
    this.original = [origin]
  }

  /** From `decodedOffset` on, decoded offsets run in step with original ones starting at `originalOffset`. */
  mark(decodedOffset: number, originalOffset: number): void {
    this.decoded.push(decodedOffset)
    this.original.push(originalOffset)
  }

  translate(offset: number): number {
    let low = 0
    let high = this.decoded.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if (this.decoded[mid]! <= offset) low = mid
      else high = mid - 1
    }
    return this.original[low]! + (offset - this.decoded[low]!)
  }
}

export interface Decoded {
  readonly text: string
  readonly map: OffsetMap
}

const simpleEscapes: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t"
}

/** Decodes the body of a JSON string (`{\"a\":1}` becomes `{"a":1}`); unknown escapes are kept as written. */
export const unescapeBody = (text: string, start: number, end: number): Decoded => {
  const map = new OffsetMap(start)
  let out = ""
  let chunk = start
  for (let i = start; i < end - 1; i++) {
    if (text.charCodeAt(i) !== BACKSLASH) continue
    const next = text[i + 1]!
    let decoded = simpleEscapes[next]
    let width = 2
    if (next === "u" && i + 6 <= end) {
      let code = 0
      let k = 0
      while (k < 4 && isHexDigit(text.charCodeAt(i + 2 + k))) code = code * 16 + hexValue(text.charCodeAt(i + 2 + k++))
      if (k === 4) {
        decoded = String.fromCharCode(code)
        width = 6
      }
    }
    if (decoded === undefined) continue
    out += text.slice(chunk, i) + decoded
    chunk = i + width
    i += width - 1
    map.mark(out.length, chunk)
  }
  return { text: out + text.slice(chunk, end), map }
}

/** Turns every `""` into `"`, as CSV and some exporters quote a document. */
export const undoubleQuotes = (text: string, start: number, end: number): Decoded => {
  const map = new OffsetMap(start)
  let out = ""
  let chunk = start
  for (let i = start; i < end - 1; i++) {
    if (text.charCodeAt(i) !== QUOTE || text.charCodeAt(i + 1) !== QUOTE) continue
    out += text.slice(chunk, i + 1)
    chunk = i + 2
    i++
    map.mark(out.length, chunk)
  }
  return { text: out + text.slice(chunk, end), map }
}

const namedEntities: Record<string, string> = { quot: '"', amp: "&", lt: "<", gt: ">", apos: "'", nbsp: "\u00a0" }

/** The character an entity such as `&quot;`, `&#34;` or `&#x22;` at `i` stands for, with its length. */
const entityAt = (text: string, i: number, end: number): readonly [string, number] | undefined => {
  let semicolon = i + 1
  while (semicolon < end && semicolon - i <= 10 && text.charCodeAt(semicolon) !== 0x3b) semicolon++
  if (semicolon >= end || semicolon - i > 10) return undefined
  const name = text.slice(i + 1, semicolon)
  const named = namedEntities[name]
  if (named !== undefined) return [named, semicolon + 1 - i]
  if (name.charCodeAt(0) !== 0x23) return undefined
  const hex = name.charCodeAt(1) === 0x78 || name.charCodeAt(1) === 0x58
  const digits = name.slice(hex ? 2 : 1)
  if (digits.length === 0) return undefined
  for (let k = 0; k < digits.length; k++) {
    const c = digits.charCodeAt(k)
    if (hex ? !isHexDigit(c) : !isDigit(c)) return undefined
  }
  const code = Number.parseInt(digits, hex ? 16 : 10)
  if (code > 0x10ffff) return undefined
  return [String.fromCodePoint(code), semicolon + 1 - i]
}

/** Decodes HTML entities, as a document copied out of a web page carries them. */
export const decodeEntities = (text: string, start: number, end: number): Decoded => {
  const map = new OffsetMap(start)
  let out = ""
  let chunk = start
  for (let i = text.indexOf("&", start); i >= 0 && i < end; i = text.indexOf("&", i + 1)) {
    if (text.charCodeAt(i) !== AMPERSAND) continue
    const entity = entityAt(text, i, end)
    if (entity === undefined) continue
    out += text.slice(chunk, i) + entity[0]
    chunk = i + entity[1]
    map.mark(out.length, chunk)
    i = chunk - 1
  }
  return { text: out + text.slice(chunk, end), map }
}
