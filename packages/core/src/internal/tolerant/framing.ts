/**
 * Framing: finding the document inside the text before parsing it. It recognises a Markdown fence, a prose or log
 * prefix, and three wrappings that need decoding first (escaped with backslashes, doubled quotes, HTML entities).
 * Each scan here runs once per document; the per-candidate checks are bounded.
 */
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  isIdentPart,
  isQuote,
  isSpace,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE
} from "./chars.ts"
import { type Decoded, decodeEntities, undoubleQuotes, unescapeBody } from "./decoders.ts"
import { elementAt, identKeyAt, LOOKAHEAD, truncationMarkerAt } from "./lookahead.ts"
import type { RepairKind, RepairLog } from "./repairs.ts"
import { nextTokenAhead } from "./state.ts"

/** How far into a document the wrapping checks look (for `&quot;` or `\"` before the first plain quote). */
const WRAPPING_WINDOW = 64

export type Framing =
  | { readonly tag: "range"; readonly start: number; readonly end: number }
  | { readonly tag: "decoded"; readonly decoded: Decoded; readonly kind: RepairKind; readonly offset: number }
  | { readonly tag: "empty"; readonly offset: number }

/** Whether `{` at `i` opens an object: a quoted key, an `ident:` key, or `}` follows. */
const objectStartsAt = (text: string, i: number, end: number): boolean => {
  const next = nextTokenAhead(text, i + 1, end, LOOKAHEAD)
  if (next < 0 || next >= end) return false
  const c = text.charCodeAt(next)
  return isQuote(c) || c === CLOSE_BRACE || identKeyAt(text, next, end)
}

/** Whether `[` at `i` opens an array: an element or `]` follows, and it is not a `[Truncated]` marker. */
const arrayStartsAt = (text: string, i: number, end: number): boolean => {
  if (truncationMarkerAt(text, i, end)) return false
  const next = nextTokenAhead(text, i + 1, end, LOOKAHEAD)
  if (next < 0 || next >= end) return false
  return text.charCodeAt(next) === CLOSE_BRACKET || elementAt(text, next, end)
}

/**
 * Where the document starts in a text with a prose or log prefix: the first `{` that opens an object (`Details` is
 * an object), else the first `[` that opens an array, else -1.
 */
const documentStart = (text: string, start: number, end: number): number => {
  for (let i = text.indexOf("{", start); i >= 0 && i < end; i = text.indexOf("{", i + 1)) {
    if (objectStartsAt(text, i, end)) return i
  }
  for (let i = text.indexOf("[", start); i >= 0 && i < end; i = text.indexOf("[", i + 1)) {
    if (arrayStartsAt(text, i, end)) return i
  }
  return -1
}

/** Index of the first `search` that lies wholly before `end`, or -1. */
const indexWithin = (text: string, search: string, start: number, end: number): number => {
  const found = text.indexOf(search, start)
  return found >= 0 && found + search.length <= end ? found : -1
}

/** Finds the document in `text[start, text.length)`, recording the framing repairs. */
export const frame = (text: string, start: number, log: RepairLog, allowDecoding: boolean): Framing => {
  let s = start
  let e = text.length
  while (s < e && isSpace(text.charCodeAt(s))) s++
  while (e > s && isSpace(text.charCodeAt(e - 1))) e--
  if (s >= e) return { tag: "empty", offset: start }

  let c = text.charCodeAt(s)
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET && c !== QUOTE) {
    const fence = indexWithin(text, "```", s, e)
    if (fence >= 0) {
      // A Markdown code block, perhaps after some prose: the document is its body.
      if (fence > s) log.add(s, "garbage-prefix")
      log.add(fence, "markdown-fence")
      let body = fence + 3
      while (body < e && isIdentPart(text.charCodeAt(body))) body++
      const close = indexWithin(text, "```", body, e)
      if (close >= 0) {
        let after = close + 3
        while (after < e && isSpace(text.charCodeAt(after))) after++
        if (after < e) log.add(after, "trailing-garbage")
        e = close
      }
      s = body
      while (s < e && isSpace(text.charCodeAt(s))) s++
      while (e > s && isSpace(text.charCodeAt(e - 1))) e--
      if (s >= e) return { tag: "empty", offset: body }
      c = text.charCodeAt(s)
    }
  }

  if (allowDecoding && (c === OPEN_BRACE || c === OPEN_BRACKET)) {
    const window = Math.min(e, s + WRAPPING_WINDOW)
    const quote = indexWithin(text, '"', s, window)
    const entity = indexWithin(text, "&quot;", s, window)
    if (entity >= 0 && (quote < 0 || entity < quote)) {
      // `{&quot;a&quot;:1}`: copied out of a web page.
      return { tag: "decoded", decoded: decodeEntities(text, s, e), kind: "html-entities", offset: entity }
    }
    if (quote > s && text.charCodeAt(quote - 1) === BACKSLASH) {
      // `{\"a\":1}`: the body of a JSON string, without its quotes.
      return { tag: "decoded", decoded: unescapeBody(text, s, e), kind: "unescaped-document", offset: quote - 1 }
    }
  }
  if (c === QUOTE) {
    const next = text.charCodeAt(s + 1)
    if (allowDecoding && (next === OPEN_BRACE || next === OPEN_BRACKET) && text.charCodeAt(e - 1) === QUOTE) {
      const inner = indexWithin(text, '"', s + 1, Math.min(e - 1, s + WRAPPING_WINDOW))
      // An escaped quote (`"{\""`) is a JSON string's own content, not the first of a doubled pair.
      if (inner >= 0 && text.charCodeAt(inner + 1) === QUOTE && text.charCodeAt(inner - 1) !== BACKSLASH) {
        // `"{""a"":1}"`: quoted by doubling the quotes inside, as CSV does.
        return {
          tag: "decoded",
          decoded: undoubleQuotes(text, s + 1, e - 1),
          kind: "unwrapped-doubled-quotes",
          offset: s
        }
      }
    }
    return { tag: "range", start: s, end: e }
  }
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    const found = documentStart(text, s, e)
    if (found > s) {
      // A log line or a sentence before the document.
      log.add(s, "garbage-prefix")
      s = found
    }
  }
  return { tag: "range", start: s, end: e }
}
