/**
 * Strings. The text between escapes is taken with `slice`, so a clean string costs one scan and one slice. The hard
 * part is deciding, at a quote or a raw line break, whether the string really ends there: each such decision looks
 * a bounded distance ahead (see `endsAt` and `lineBreakEnds`) and is reported when it treats a quote as content.
 */
import {
  ACUTE_ACCENT,
  APOSTROPHE,
  BACKSLASH,
  BACKTICK,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  CR,
  DOT,
  FULLWIDTH_COLON,
  FULLWIDTH_COMMA,
  HORIZONTAL_ELLIPSIS,
  hexValue,
  isDigit,
  isHexDigit,
  isIdentPart,
  isJsonSpace,
  isQuote,
  LEFT_DOUBLE_QUOTE,
  LEFT_SINGLE_QUOTE,
  LF,
  MINUS,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  RIGHT_DOUBLE_QUOTE,
  RIGHT_SINGLE_QUOTE,
  SLASH,
  SPACE,
  TAB
} from "./chars.ts"
import { elementAt, identKeyAt, keyAt, LOOKAHEAD, literalAt, memberAt } from "./lookahead.ts"
import { nextTokenAhead, type ParserState } from "./state.ts"

/** The string being read is a key. */
export const KEY = 0
/** The string being read is a value. */
export const VALUE = 1

/** Decodes the escapes that a path-like string means literally: only `\\`, `\"` and `\'` lose their backslash. */
const decodeAsPath = (text: string, from: number, to: number): string => {
  let out = ""
  let chunk = from
  for (let i = from; i < to; i++) {
    if (text.charCodeAt(i) !== BACKSLASH || i + 1 >= to) continue
    const next = text.charCodeAt(i + 1)
    if (next === BACKSLASH || next === QUOTE || next === APOSTROPHE) {
      out += text.slice(chunk, i)
      chunk = i + 1
      i++
    }
  }
  return out + text.slice(chunk, to)
}

/**
 * Whether a strong closing quote (`strong1` or `strong2`) follows the weak one at `i` on the same line, itself
 * followed by a separator, a closer or the end of the text. Then the weak quote is part of the text, as in the valid
 * `"a”,b"`: ending the string there would misread a document that `JSON.parse` reads. A curly-closed string is told
 * apart by what follows its next straight quote: `"x”, "b": 1` has the key `b` there, not structure.
 */
const strongEndAhead = (text: string, i: number, end: number, strong1: number, strong2: number): boolean => {
  const stop = Math.min(end, i + 1 + LOOKAHEAD)
  for (let j = i + 1; j < stop; j++) {
    const c = text.charCodeAt(j)
    if (c === BACKSLASH) j++
    else if (c === LF || c === CR) return false
    else if (c === strong1 || c === strong2) {
      const next = nextTokenAhead(text, j + 1, end, LOOKAHEAD)
      if (next < 0) return false
      if (next >= end) return true
      const d = text.charCodeAt(next)
      return (
        d === COMMA ||
        d === COLON ||
        d === CLOSE_BRACE ||
        d === CLOSE_BRACKET ||
        d === FULLWIDTH_COMMA ||
        d === FULLWIDTH_COLON
      )
    }
  }
  return false
}

/**
 * Whether the quote at `i` ends the string. A `weak` quote is one of another family (a straight quote closing a
 * curly-quoted string): it ends the string only before plain structure.
 */
const endsAt = (state: ParserState, i: number, role: number, inArray: boolean, weak: boolean): boolean => {
  const text = state.text
  const end = state.end
  const next = nextTokenAhead(text, i + 1, end, LOOKAHEAD)
  // The end of the text, or a long blank run: nothing suggests the string goes on.
  if (next < 0 || next >= end) return true
  const d = text.charCodeAt(next)
  if (d === COLON || d === FULLWIDTH_COLON || d === CLOSE_BRACE || d === CLOSE_BRACKET) return true
  if (d === COMMA || d === FULLWIDTH_COMMA) {
    if (role === KEY) return true
    // Before a comma the quote ends the string only if a next member or element plausibly follows the comma.
    const after = nextTokenAhead(text, next + 1, end, LOOKAHEAD)
    if (after < 0 || after >= end) return true
    const e = text.charCodeAt(after)
    if (e === CLOSE_BRACE || e === CLOSE_BRACKET) return true
    return inArray ? elementAt(text, after, end) : memberAt(text, after, end, true)
  }
  if (weak) return false
  // A key quote followed by a letter is inside the key; followed by a space and a value, the colon is missing.
  if (role === KEY) return !(next === i + 1 && isIdentPart(d))
  // The line ends here and another item starts on the next one: pretty-printed text that lost a comma.
  if (lineBreakBetween(text, i + 1, next)) return true
  if (d === OPEN_BRACE || d === OPEN_BRACKET || isDigit(d)) return true
  if (d === MINUS) return isDigit(text.charCodeAt(next + 1))
  if (isQuote(d)) {
    if (d !== QUOTE || next > i + 1) return true
    // Two quotes side by side: the first ends the string (a missing comma) unless the second is itself followed by
    // a separator, a closer or the end, as in `"53""` where the first one is an inch mark.
    const after = nextTokenAhead(text, next + 1, end, LOOKAHEAD)
    if (after < 0) return true
    if (after >= end) return false
    const e = text.charCodeAt(after)
    return !(e === COMMA || e === CLOSE_BRACE || e === CLOSE_BRACKET)
  }
  // A letter: an inner quote, unless a literal element (`"a" true`) or an unquoted key (`"a" key:`) follows, with
  // the comma between them missing.
  return inArray ? literalAt(text, next, end) > 0 : identKeyAt(text, next, end)
}

const lineBreakBetween = (text: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i)
    if (c === LF || c === CR) return true
  }
  return false
}

/**
 * At a raw line break inside a string: the index where the string should end (the break itself, or a comma just
 * before it, which then serves as the separator), or -1 when the break is content.
 */
const lineBreakEnds = (state: ParserState, q: number, i: number, inArray: boolean): number => {
  const text = state.text
  const end = state.end
  const next = nextTokenAhead(text, i + 1, end, LOOKAHEAD)
  if (next < 0 || next >= end) return -1
  let last = i - 1
  while (last > q && i - last < LOOKAHEAD && (text.charCodeAt(last) === SPACE || text.charCodeAt(last) === TAB)) {
    last--
  }
  const comma = last > q && text.charCodeAt(last) === COMMA ? last : -1
  const d = text.charCodeAt(next)
  if (d === CLOSE_BRACE || d === CLOSE_BRACKET) return comma >= 0 ? comma : i
  if (!inArray && isQuote(d) && keyAt(text, next, end, false)) return comma >= 0 ? comma : i
  if (inArray && comma >= 0 && isQuote(d)) return comma
  return -1
}

/** When the quote at `i` opens a key (`"b":`) right after a comma, the index of that comma, else -1. */
const commaBeforeKey = (state: ParserState, q: number, i: number): number => {
  const text = state.text
  let last = i - 1
  while (last > q && i - last < LOOKAHEAD && isJsonSpace(text.charCodeAt(last))) last--
  if (last <= q || text.charCodeAt(last) !== COMMA) return -1
  return keyAt(text, i, state.end, false) ? last : -1
}

/** Index where a truncation marker (`[Truncated…]`, `...[truncated]`) starts at the tail of a cut string, or -1. */
const markerStart = (text: string, from: number, to: number): number => {
  const windowStart = Math.max(from, to - 64)
  const found = text.slice(windowStart, to).toLowerCase().lastIndexOf("[truncated")
  if (found < 0) return -1
  let start = windowStart + found
  while (start > from) {
    const c = text.charCodeAt(start - 1)
    if (c !== DOT && c !== HORIZONTAL_ELLIPSIS && !isJsonSpace(c)) break
    start--
  }
  return start
}

/**
 * Ends a string that the text cut off. Closers and commas at its very end belong to the structure (`{"a": "b}`),
 * and a truncation marker is not content.
 */
const cutOff = (state: ParserState, q: number, out: string, chunk: number, contentEnd: number): string => {
  const text = state.text
  state.log.add(q, "unterminated-string")
  let stop = contentEnd
  let pos = state.end
  let j = contentEnd
  let delimiter = false
  while (j > chunk) {
    const c = text.charCodeAt(j - 1)
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COMMA) delimiter = true
    else if (!isJsonSpace(c)) break
    j--
  }
  if (delimiter) {
    stop = j
    pos = j
  }
  const marker = markerStart(text, chunk, stop)
  if (marker >= 0) {
    state.log.add(marker, "truncation-marker")
    stop = marker
    pos = state.end
  }
  state.pos = pos
  return out + text.slice(chunk, stop)
}

/** Reads the string whose opening quote is at the cursor, and leaves the cursor after it. */
export const readString = (state: ParserState, role: number): string => {
  const text = state.text
  const end = state.end
  const q = state.pos
  const open = text.charCodeAt(q)
  // Closing quotes of the same family end the string by the usual rules; `weak` ones only before structure.
  let strong1 = QUOTE
  let strong2 = QUOTE
  let weak1 = RIGHT_DOUBLE_QUOTE
  let weak2 = RIGHT_DOUBLE_QUOTE
  if (open !== QUOTE) {
    if (open === APOSTROPHE) {
      state.log.add(q, "single-quotes")
      strong1 = strong2 = APOSTROPHE
      weak1 = LEFT_SINGLE_QUOTE
      weak2 = RIGHT_SINGLE_QUOTE
    } else if (open === LEFT_SINGLE_QUOTE || open === RIGHT_SINGLE_QUOTE) {
      state.log.add(q, "smart-quotes")
      strong1 = LEFT_SINGLE_QUOTE
      strong2 = RIGHT_SINGLE_QUOTE
      weak1 = weak2 = APOSTROPHE
    } else if (open === BACKTICK) {
      state.log.add(q, "single-quotes")
      strong1 = BACKTICK
      strong2 = ACUTE_ACCENT
      weak1 = weak2 = -1
    } else {
      state.log.add(q, "smart-quotes")
      strong1 = LEFT_DOUBLE_QUOTE
      strong2 = RIGHT_DOUBLE_QUOTE
      weak1 = weak2 = QUOTE
    }
  }
  const inArray = role === VALUE && state.inArray()
  let out = ""
  let chunk = q + 1
  let pathMode = false

  for (let i = q + 1; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c === strong1 || c === strong2) {
      if (endsAt(state, i, role, inArray, false)) {
        state.pos = i + 1
        return out + text.slice(chunk, i)
      }
      const comma = role === VALUE && !inArray ? commaBeforeKey(state, q, i) : -1
      if (comma >= 0) {
        // `"hello, "b": 1`: the quote opens the next key, so this string lost its end quote before the comma.
        state.log.add(comma, "missing-end-quote")
        state.pos = comma
        return out + text.slice(chunk, Math.max(chunk, comma))
      }
      // A quote inside the text that nobody escaped (an inch mark, a quotation).
      state.log.add(i, "unescaped-quote")
    } else if (c === BACKSLASH) {
      if (i + 1 >= end) {
        // A lone backslash where the text was cut.
        state.log.add(i, "truncated-escape")
        return cutOff(state, q, out + text.slice(chunk, i), end, end)
      }
      const e = text.charCodeAt(i + 1)
      if (pathMode) {
        if (e === BACKSLASH || e === QUOTE || e === APOSTROPHE) {
          out += text.slice(chunk, i)
          chunk = i + 1
          i++
        }
        continue
      }
      let decoded = ""
      let width = 2
      switch (e) {
        case QUOTE:
          decoded = '"'
          break
        case BACKSLASH:
          decoded = "\\"
          break
        case SLASH:
          decoded = "/"
          break
        case 0x62:
          decoded = "\b"
          break
        case 0x66:
          decoded = "\f"
          break
        case 0x6e:
          decoded = "\n"
          break
        case 0x72:
          decoded = "\r"
          break
        case 0x74:
          decoded = "\t"
          break
        case APOSTROPHE:
          // `\'` is JavaScript, not JSON; it means an apostrophe either way.
          if (strong1 !== APOSTROPHE) state.log.add(i, "invalid-escape", "syntax")
          decoded = "'"
          break
        case 0x75: {
          let code = 0
          let k = 0
          while (k < 4 && i + 2 + k < end && isHexDigit(text.charCodeAt(i + 2 + k))) {
            code = code * 16 + hexValue(text.charCodeAt(i + 2 + k))
            k++
          }
          if (k === 4) {
            decoded = String.fromCharCode(code)
            width = 6
          } else if (i + 2 + k >= end) {
            // `\u12` where the text was cut.
            state.log.add(i, "truncated-escape")
            return cutOff(state, q, out + text.slice(chunk, i), end, end)
          }
          break
        }
      }
      if (decoded !== "") {
        out += text.slice(chunk, i) + decoded
        chunk = i + width
        i += width - 1
        continue
      }
      // An escape JSON does not know (`\W`, `\x`): the string is a Windows path or a regex, where backslashes are
      // meant literally. Read it again from the start that way.
      state.log.add(i, "invalid-escape")
      out = decodeAsPath(text, q + 1, i)
      chunk = i
      pathMode = true
    } else if (c < 0x20) {
      if (c === LF || c === CR) {
        const stop = lineBreakEnds(state, q, i, inArray)
        if (stop >= 0) {
          // The closing quote was forgotten at the end of the line.
          state.log.add(i, "missing-end-quote")
          state.pos = stop
          return out + text.slice(chunk, Math.max(chunk, stop))
        }
      }
      state.log.add(i, "raw-control-char")
    } else if (
      (c === weak1 || c === weak2) &&
      endsAt(state, i, role, inArray, true) &&
      !strongEndAhead(text, i, end, strong1, strong2)
    ) {
      state.pos = i + 1
      return out + text.slice(chunk, i)
    }
  }
  return cutOff(state, q, out, chunk, end)
}
