/**
 * Bounded questions about what comes next ("does a member start here?"). Each looks at most a constant number of
 * characters ahead, which is what keeps the whole parser linear: a decision may be taken at every character of a
 * damaged text, but none of them reads more than `LOOKAHEAD` characters.
 */
import {
  BACKSLASH,
  COLON,
  CR,
  closingQuote,
  FULLWIDTH_COLON,
  isDigit,
  isIdentPart,
  isIdentStart,
  isQuote,
  LF,
  MINUS,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE
} from "./chars.ts"
import { nextTokenAhead } from "./state.ts"

/** How far any single decision may look ahead. */
export const LOOKAHEAD = 256

const isColon = (c: number): boolean => c === COLON || c === FULLWIDTH_COLON

/**
 * Whether the quote at `q` opens a key: a short quoted text followed by `:`, or by whitespace and a value (a key
 * missing its colon). `unknown` is the answer when the look-ahead window ends before the question is settled.
 */
export const keyAt = (text: string, q: number, end: number, unknown: boolean): boolean => {
  const open = text.charCodeAt(q)
  const stop = Math.min(end, q + 1 + LOOKAHEAD)
  let i = q + 1
  for (; i < stop; i++) {
    const c = text.charCodeAt(i)
    const closing = closingQuote(open, c)
    // Where `readString` would end the key: a weak quote (`”` in a `"`-quoted key) only before its colon.
    if (closing === "strong") break
    if (closing === "weak") {
      const after = nextTokenAhead(text, i + 1, end, LOOKAHEAD)
      if (after >= 0 && after < end && isColon(text.charCodeAt(after))) break
    }
    if (c === BACKSLASH) i++
    else if (c === LF || c === CR) return false
  }
  if (i >= stop) return stop === end ? false : unknown
  const next = nextTokenAhead(text, i + 1, end, LOOKAHEAD)
  if (next < 0) return unknown
  if (next >= end) return false
  const c = text.charCodeAt(next)
  if (isColon(c)) return true
  // `"key" "value"`: a key followed by a value without the colon.
  return next > i + 1 && (c === QUOTE || c === OPEN_BRACE || c === OPEN_BRACKET || isDigit(c))
}

/** Whether an unquoted key (`ident:`) starts at `i`. */
export const identKeyAt = (text: string, i: number, end: number): boolean => {
  if (!isIdentStart(text.charCodeAt(i))) return false
  const stop = Math.min(end, i + LOOKAHEAD)
  let j = i + 1
  while (j < stop && (isIdentPart(text.charCodeAt(j)) || text.charCodeAt(j) === MINUS)) j++
  if (j >= stop) return false
  const next = nextTokenAhead(text, j, end, LOOKAHEAD)
  return next >= 0 && next < end && isColon(text.charCodeAt(next))
}

/** Whether an object member starts at `i`: `"key":`, `"key" value` or `ident:`. */
export const memberAt = (text: string, i: number, end: number, unknown: boolean): boolean => {
  const c = text.charCodeAt(i)
  if (isQuote(c)) return keyAt(text, i, end, unknown)
  return identKeyAt(text, i, end)
}

/** The literal words the parser knows, by their first letter. */
const literalsByInitial: Readonly<Record<string, ReadonlyArray<string>>> = {
  t: ["true"],
  f: ["false"],
  n: ["null"],
  T: ["True"],
  F: ["False"],
  N: ["None", "NaN"],
  u: ["undefined"],
  I: ["Infinity"]
}

/** Length of the literal word (`true`, `None`, `NaN`, ...) at `i` when it stands alone, else 0. */
export const literalAt = (text: string, i: number, end: number): number => {
  const candidates = literalsByInitial[text.charAt(i)]
  if (candidates === undefined) return 0
  for (const word of candidates) {
    const after = i + word.length
    if (after <= end && text.startsWith(word, i) && (after === end || !isIdentPart(text.charCodeAt(after)))) {
      return word.length
    }
  }
  return 0
}

/** Whether an array element plainly starts at `i`: a quote, a container, a number or a literal word. */
export const elementAt = (text: string, i: number, end: number): boolean => {
  const c = text.charCodeAt(i)
  if (isQuote(c) || c === OPEN_BRACE || c === OPEN_BRACKET || isDigit(c)) return true
  if (c === MINUS) return isDigit(text.charCodeAt(i + 1)) || text.startsWith("Infinity", i + 1)
  return literalAt(text, i, end) > 0
}

/** Whether a truncation marker such as `[Truncated 2000 characters]` or `[truncated]` starts at `i`. */
export const truncationMarkerAt = (text: string, i: number, end: number): boolean => {
  if (text.charCodeAt(i) !== OPEN_BRACKET) return false
  let j = i + 1
  while (j < end && j < i + 4 && !isIdentStart(text.charCodeAt(j))) j++
  if ((text.charCodeAt(j) | 0x20) !== 0x74) return false
  return text.slice(j, Math.min(end, j + 9)).toLowerCase() === "truncated"
}
