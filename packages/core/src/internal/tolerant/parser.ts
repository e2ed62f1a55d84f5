/**
 * The single-pass tolerant parser: a loop over four grammar states with an explicit stack. Every iteration either
 * consumes at least one character or moves to a state that will, and every repair is a local decision, so the
 * running time is linear in the length of the text and the call stack never grows with the nesting.
 */
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  DOT,
  FULLWIDTH_COLON,
  FULLWIDTH_COMMA,
  HORIZONTAL_ELLIPSIS,
  isDigit,
  isIdentStart,
  isQuote,
  MINUS,
  OPEN_BRACE,
  OPEN_BRACKET,
  PLUS,
  QUOTE
} from "./chars.ts"
import { readCloser } from "./closers.ts"
import { LOOKAHEAD, memberAt, truncationMarkerAt } from "./lookahead.ts"
import { readNumber } from "./numbers.ts"
import type { RepairLog } from "./repairs.ts"
import {
  AFTER_VALUE,
  ARRAY,
  type BigintMode,
  DROPPED_KEY,
  EXPECT_COLON,
  EXPECT_KEY,
  EXPECT_VALUE,
  type FailureReason,
  nextTokenAhead,
  OBJECT,
  ParserState,
  skipTrivia
} from "./state.ts"
import { KEY, readString, VALUE } from "./strings.ts"
import { readCutLiteral, readLiteral, readUnquotedKey, readUnquotedString } from "./words.ts"

export type TolerantOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: FailureReason; readonly offset: number }

/** Length of an ellipsis (`...`, `…`) at `i` standing for left-out items, else 0. */
const ellipsisAt = (text: string, i: number): number => {
  const c = text.charCodeAt(i)
  if (c === HORIZONTAL_ELLIPSIS) return 1
  if (c !== DOT || text.charCodeAt(i + 1) !== DOT || text.charCodeAt(i + 2) !== DOT) return 0
  let n = 3
  while (text.charCodeAt(i + n) === DOT) n++
  return n
}

/** Skips an ellipsis that stands for left-out items or members. */
const skipEllipsis = (state: ParserState, length: number): void => {
  state.log.add(state.pos, "ellipsis")
  state.pos += length
  state.mode = AFTER_VALUE
  state.pendingComma = -1
}

/** Stops at a truncation marker, as if the text ended there. */
const stopAtMarker = (state: ParserState): void => {
  state.log.add(state.pos, "truncation-marker")
  state.stopped = true
}

/** A value is expected (at the root, after `[`, after `,` in an array, or after `:`). */
const onValue = (state: ParserState, c: number): void => {
  if (c === QUOTE) {
    state.emit(readString(state, VALUE))
    return
  }
  if (c === OPEN_BRACE) {
    state.open(OBJECT)
    return
  }
  if (isDigit(c) || c === MINUS) {
    readNumber(state)
    return
  }
  if (c === OPEN_BRACKET) {
    if (truncationMarkerAt(state.text, state.pos, state.end)) stopAtMarker(state)
    else state.open(ARRAY)
    return
  }
  const inObject = state.depth > 0 && state.kinds[state.depth - 1] === OBJECT
  if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
    if (inObject) {
      // `"key":}`: the value is missing.
      state.log.add(state.pos, "missing-value")
      state.emit(null)
    } else {
      if (state.pendingComma >= 0 && c === CLOSE_BRACKET) state.log.add(state.pos, "trailing-comma")
      readCloser(state)
    }
    return
  }
  if (c === COMMA || c === FULLWIDTH_COMMA) {
    if (inObject) {
      // `"key":,`: the value is missing; the comma is still the separator.
      state.log.add(state.pos, "missing-value")
      state.emit(null)
      return
    }
    // `[1,,2]` or `[,1]`: a comma with nothing before it.
    if (c === FULLWIDTH_COMMA) state.log.add(state.pos, "fullwidth-punctuation")
    state.log.add(state.pos, "extra-comma")
    state.pendingComma = state.pos
    state.pos++
    return
  }
  const ellipsis = ellipsisAt(state.text, state.pos)
  if (ellipsis > 0) {
    if (state.depth === 0) {
      state.log.add(state.pos, "ellipsis")
      state.pos += ellipsis
      return
    }
    // `"key": ...`: the value was left out.
    if (inObject) state.emit(null)
    skipEllipsis(state, ellipsis)
    return
  }
  if (c === PLUS || c === DOT) {
    readNumber(state)
    return
  }
  if (isQuote(c)) {
    state.emit(readString(state, VALUE))
    return
  }
  if (state.depth > 0 && (c === COLON || c === FULLWIDTH_COLON)) {
    state.log.add(state.pos, "skipped-character")
    state.pos++
    return
  }
  if (readLiteral(state)) return
  if (state.depth === 0) {
    // Prose where a document should be.
    state.failure = { reason: "no-value", offset: state.pos }
    return
  }
  // A literal cut short by the end of the text (`{"ok": tru`); the end itself is reported by `finish`.
  if (readCutLiteral(state)) return
  readUnquotedString(state, state.pos)
}

/** A value just ended inside a container: a separator or a closer should follow. */
const onAfterValue = (state: ParserState, c: number): void => {
  const top = state.kinds[state.depth - 1]
  if (c === COMMA || c === FULLWIDTH_COMMA) {
    if (c === FULLWIDTH_COMMA) state.log.add(state.pos, "fullwidth-punctuation")
    state.pendingComma = state.pos
    state.pos++
    state.mode = top === OBJECT ? EXPECT_KEY : EXPECT_VALUE
    return
  }
  if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
    readCloser(state)
    return
  }
  if (c === OPEN_BRACKET && truncationMarkerAt(state.text, state.pos, state.end)) {
    stopAtMarker(state)
    return
  }
  const ellipsis = ellipsisAt(state.text, state.pos)
  if (ellipsis > 0) {
    skipEllipsis(state, ellipsis)
    return
  }
  if (isQuote(c) || c === OPEN_BRACE || c === OPEN_BRACKET || isDigit(c) || c === MINUS || isIdentStart(c)) {
    // Another member or element starts right away: the comma between them is missing.
    state.log.add(state.pos, "missing-comma")
    state.mode = top === OBJECT ? EXPECT_KEY : EXPECT_VALUE
    return
  }
  state.log.add(state.pos, "skipped-character")
  state.pos++
}

/** The root value has ended: only whitespace should follow. */
const onRootEnd = (state: ParserState, c: number): void => {
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    if (c === OPEN_BRACKET && truncationMarkerAt(state.text, state.pos, state.end)) {
      stopAtMarker(state)
      return
    }
    // NDJSON, or `}{`: several documents in a row.
    state.log.add(state.pos, "multiple-documents")
    state.mode = EXPECT_VALUE
    return
  }
  if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
    state.log.add(state.pos, "extra-closer")
    state.pos++
    return
  }
  if (c === COMMA || c === FULLWIDTH_COMMA) {
    const next = nextTokenAhead(state.text, state.pos + 1, state.end, LOOKAHEAD)
    if (next >= 0 && next < state.end) {
      const d = state.text.charCodeAt(next)
      if (d === OPEN_BRACE || d === OPEN_BRACKET) {
        // `{...},{...}`: documents separated by commas.
        state.pos++
        return
      }
      const root = state.roots[state.roots.length - 1]
      if (
        state.roots.length === 1 &&
        state.rootClosedAt >= 0 &&
        root !== null &&
        typeof root === "object" &&
        !Array.isArray(root) &&
        memberAt(state.text, next, state.end, false)
      ) {
        // A member follows the root: a closer further in was one too many and ended the root early.
        state.log.add(state.rootClosedAt, "extra-closer")
        state.reopenRoot()
        state.pendingComma = state.pos
        state.pos++
        state.mode = EXPECT_KEY
        return
      }
    }
  }
  // Text after the document (a log suffix, a closing fence): ignored.
  state.log.add(state.pos, "trailing-garbage")
  state.stopped = true
}

/** Inside an object, after `{` or `,`: a key should follow. */
const onKey = (state: ParserState, c: number): void => {
  if (c === QUOTE) {
    state.pendingKey = readString(state, KEY)
    state.mode = EXPECT_COLON
    return
  }
  if (c === CLOSE_BRACE) {
    if (state.pendingComma >= 0) state.log.add(state.pos, "trailing-comma")
    readCloser(state)
    return
  }
  if (c === COMMA || c === FULLWIDTH_COMMA) {
    if (c === FULLWIDTH_COMMA) state.log.add(state.pos, "fullwidth-punctuation")
    // `{,` or `,,`: a comma with no member before it.
    state.log.add(state.pos, "extra-comma")
    state.pendingComma = state.pos
    state.pos++
    return
  }
  if (c === CLOSE_BRACKET) {
    readCloser(state)
    return
  }
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    if (c === OPEN_BRACKET && truncationMarkerAt(state.text, state.pos, state.end)) {
      stopAtMarker(state)
      return
    }
    if (state.depth >= 2 && state.kinds[state.depth - 2] === ARRAY) {
      // `[{"i":1},{"i":2}]` without the first `}`: the element object was never closed.
      state.log.add(state.pos, "missing-closer")
      state.close()
      state.mode = EXPECT_VALUE
      return
    }
    // A value where a key should be: there is no key to keep it under.
    state.log.add(state.pos, "missing-key")
    state.pendingKey = DROPPED_KEY
    state.mode = EXPECT_VALUE
    return
  }
  if (c === COLON || c === FULLWIDTH_COLON) {
    // `{:1}`: the key is missing.
    state.log.add(state.pos, "missing-key")
    state.pendingKey = DROPPED_KEY
    state.pos++
    state.mode = EXPECT_VALUE
    return
  }
  if (isQuote(c)) {
    state.pendingKey = readString(state, KEY)
    state.mode = EXPECT_COLON
    return
  }
  const ellipsis = ellipsisAt(state.text, state.pos)
  if (ellipsis > 0) {
    skipEllipsis(state, ellipsis)
    return
  }
  if (isIdentStart(c) || isDigit(c) || c === MINUS) {
    state.pendingKey = readUnquotedKey(state)
    state.mode = EXPECT_COLON
    return
  }
  state.log.add(state.pos, "skipped-character")
  state.pos++
}

/** After a key: a colon should follow. */
const onColon = (state: ParserState, c: number): void => {
  if (c === COLON) {
    state.pos++
    state.mode = EXPECT_VALUE
    return
  }
  if (c === FULLWIDTH_COLON) {
    state.log.add(state.pos, "fullwidth-punctuation")
    state.pos++
    state.mode = EXPECT_VALUE
    return
  }
  if (c === COMMA || c === FULLWIDTH_COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET) {
    // `{"a", ...}` or `{"a"}`: a key without a value.
    state.log.add(state.pos, "missing-value")
    state.emit(null)
    return
  }
  if (isQuote(c) || c === OPEN_BRACE || c === OPEN_BRACKET || isDigit(c) || c === MINUS || isIdentStart(c)) {
    // `{"a" 1}`: the colon is missing.
    state.log.add(state.pos, "missing-colon")
    state.mode = EXPECT_VALUE
    return
  }
  state.log.add(state.pos, "skipped-character")
  state.pos++
}

/** The text ended (or a marker said it was cut): close what is open and keep what was read. */
const finish = (state: ParserState): TolerantOutcome => {
  if (state.failure !== undefined) return { ok: false, ...state.failure }
  if (state.depth > 0) {
    if (state.mode === EXPECT_VALUE && state.kinds[state.depth - 1] === OBJECT) {
      // `{"a":` with the value cut off.
      state.log.add(state.pos, "missing-value")
      state.emit(null)
    }
    // A key cut before its colon (`{"a"`) is dropped: the caller cannot know what it was for.
    state.log.add(state.pos, "unexpected-end")
    while (state.depth > 0) state.close()
  }
  if (state.roots.length === 0) return { ok: false, reason: "no-value", offset: state.pos }
  return { ok: true, value: state.roots.length === 1 ? state.roots[0] : state.roots }
}

/** Parses `text[start, end)` tolerantly, recording repairs in `log`. */
export const parseTolerant = (
  text: string,
  start: number,
  end: number,
  log: RepairLog,
  maxDepth: number,
  bigint: BigintMode
): TolerantOutcome => {
  const state = new ParserState(text, start, end, log, maxDepth, bigint)
  for (;;) {
    skipTrivia(state)
    if (state.pos >= end || state.stopped || state.failure !== undefined) return finish(state)
    const c = text.charCodeAt(state.pos)
    switch (state.mode) {
      case EXPECT_VALUE:
        onValue(state, c)
        break
      case AFTER_VALUE:
        if (state.depth === 0) onRootEnd(state, c)
        else onAfterValue(state, c)
        break
      case EXPECT_KEY:
        onKey(state, c)
        break
      default:
        onColon(state, c)
    }
  }
}
