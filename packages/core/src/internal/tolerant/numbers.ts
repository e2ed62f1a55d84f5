/**
 * Numbers: JSON's grammar plus the usual slips (`.5`, `1.`, `+1`, `1.5e`), leading zeros kept as text, integers past
 * 2^53 kept exact, and tokens that only start like a number (dates, versions, times) read as bare words.
 */
import { COLON, DOT, isDigit, isIdentPart, MINUS, PLUS, SLASH, STAR } from "./chars.ts"
import type { ParserState } from "./state.ts"
import { readUnquotedString } from "./words.ts"

/** Integers of up to 15 digits are exact in a double, so they are accumulated digit by digit without a slice. */
const SAFE_DIGITS = 15

/**
 * Past this many digits an integer is kept as its digit string even when bigints are asked for: turning a string of
 * n digits into a bigint costs more than linear time, and no identifier is that long.
 */
export const MAX_BIGINT_DIGITS = 4096

/** Whether the character at `i` glues onto a number, making the token a bare word (`2024-10-18`, `0.0.1`, `12:20`). */
const gluedAt = (text: string, i: number, end: number): boolean => {
  if (i >= end) return false
  const c = text.charCodeAt(i)
  if (isIdentPart(c) || c === MINUS || c === PLUS || c === COLON || c === DOT) return true
  if (c !== SLASH) return false
  const next = text.charCodeAt(i + 1)
  return next !== SLASH && next !== STAR
}

const isExponent = (c: number): boolean => c === 0x65 || c === 0x45

/** Reads a number at the cursor and emits it (or the bare word it turns out to be). */
export const readNumber = (state: ParserState): void => {
  const text = state.text
  const end = state.end
  const start = state.pos
  let i = start
  let sloppy = false
  const sign = text.charCodeAt(i)
  const negative = sign === MINUS
  if (negative || sign === PLUS) {
    i++
    if (text.startsWith("Infinity", i) && !gluedAt(text, i + 8, end)) {
      // -Infinity has no JSON form.
      state.log.add(start, "non-finite-number")
      state.pos = i + 8
      state.emit(null)
      return
    }
    // A leading plus sign is not JSON.
    sloppy = sign === PLUS
  }

  const intStart = i
  let small = 0
  while (i < end) {
    const c = text.charCodeAt(i)
    if (!isDigit(c)) break
    small = small * 10 + (c - 0x30)
    i++
  }
  const intDigits = i - intStart
  let integer = true
  let valueEnd = i

  if (i < end && text.charCodeAt(i) === DOT) {
    if (isDigit(text.charCodeAt(i + 1))) {
      i += 2
      while (i < end && isDigit(text.charCodeAt(i))) i++
      integer = false
      valueEnd = i
      // `.5` lacks its leading zero.
      if (intDigits === 0) sloppy = true
    } else if (intDigits > 0 && !gluedAt(text, i + 1, end)) {
      // `1.` lacks its fraction digits.
      i++
      sloppy = true
    }
  }
  if (intDigits === 0 && integer) {
    // A sign or a dot with no digits: not a number after all.
    readUnquotedString(state, start)
    return
  }

  if (i < end && isExponent(text.charCodeAt(i))) {
    let j = i + 1
    const expSign = text.charCodeAt(j)
    if (expSign === PLUS || expSign === MINUS) j++
    if (isDigit(text.charCodeAt(j)) && j < end) {
      j++
      while (j < end && isDigit(text.charCodeAt(j))) j++
      integer = false
      i = j
      valueEnd = j
    } else if (!gluedAt(text, j, end)) {
      // `1.5e` lost its exponent digits.
      i = j
      sloppy = true
    }
  }

  if (gluedAt(text, i, end)) {
    readUnquotedString(state, start)
    return
  }
  state.pos = i
  if (sloppy) state.log.add(start, "number-syntax")

  if (intDigits > 1 && text.charCodeAt(intStart) === 0x30) {
    // Leading zeros (an id, a postcode): a number would lose them, so the digits are kept as text.
    state.log.add(start, "leading-zeros")
    state.emit(text.slice(start, i))
    return
  }
  if (integer && intDigits <= SAFE_DIGITS) {
    state.emit(negative ? -small : small)
    return
  }
  const literal = (negative ? "-" : "") + text.slice(intStart, valueEnd)
  const value = Number(literal)
  if (integer && !Number.isSafeInteger(value)) {
    // Past 2^53 a double cannot hold every integer: keep all the digits.
    state.emit(state.bigint === "bigint" && intDigits <= MAX_BIGINT_DIGITS ? BigInt(literal) : literal)
    return
  }
  state.emit(value)
}
