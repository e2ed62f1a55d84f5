/**
 * Bare words: the literals of JSON and of its cousins (Python's `None`, JavaScript's `undefined`, `NaN`), unquoted
 * strings in value position, and unquoted keys.
 */
import { COLON, CR, endsBareWord, FULLWIDTH_COLON, isJsonSpace, isQuote, isSpace, LF, SLASH, STAR } from "./chars.ts"
import { identKeyAt, literalAt } from "./lookahead.ts"
import type { ParserState } from "./state.ts"

/** Reads the literal at the cursor, if there is one standing alone, and emits its value. */
export const readLiteral = (state: ParserState): boolean => {
  const start = state.pos
  const length = literalAt(state.text, start, state.end)
  if (length === 0) return false
  const word = state.text.slice(start, start + length)
  state.pos = start + length
  switch (word) {
    case "true":
      state.emit(true)
      break
    case "false":
      state.emit(false)
      break
    case "null":
      state.emit(null)
      break
    case "True":
    case "False":
      // Python's booleans.
      state.log.add(start, "non-json-literal")
      state.emit(word === "True")
      break
    case "None":
    case "undefined":
      // Python's None and JavaScript's undefined both mean "no value".
      state.log.add(start, "non-json-literal")
      state.emit(null)
      break
    default:
      // NaN and Infinity have no JSON form; null is what JSON.stringify writes for them.
      state.log.add(start, "non-finite-number")
      state.emit(null)
  }
  return true
}

/**
 * At the end of a cut text, a prefix of `true`, `false` or `null` is taken as that literal (the caller reports the
 * cut).
 */
export const readCutLiteral = (state: ParserState): boolean => {
  if (state.end - state.pos > 4) return false
  const rest = state.text.slice(state.pos, state.end)
  if (rest.length === 0) return false
  for (const [word, value] of [
    ["true", true],
    ["false", false],
    ["null", null]
  ] as const) {
    if (word.startsWith(rest)) {
      state.pos = state.end
      state.emit(value)
      return true
    }
  }
  return false
}

/**
 * Reads an unquoted string from `start`: up to a separator, a closer, a quote or a line break. Inside an object it
 * also stops before ` key:` (a missing comma), and it never swallows a comment that follows a space.
 */
export const readUnquotedString = (state: ParserState, start: number): void => {
  if (state.depth === 0) {
    // Prose where a document should be.
    state.failure = { reason: "no-value", offset: start }
    return
  }
  const text = state.text
  const end = state.end
  const inObject = !state.inArray()
  let i = start
  for (; i < end; i++) {
    const c = text.charCodeAt(i)
    if (endsBareWord(c)) break
    if (isJsonSpace(c) && i + 1 < end) {
      const next = text.charCodeAt(i + 1)
      if (next === SLASH && (text.charCodeAt(i + 2) === SLASH || text.charCodeAt(i + 2) === STAR)) break
      if (inObject && !isSpace(next) && identKeyAt(text, i + 1, end)) break
    }
  }
  let last = i
  while (last > start && isSpace(text.charCodeAt(last - 1))) last--
  state.log.add(start, "unquoted-string")
  state.pos = i
  state.emit(text.slice(start, last))
}

/** Reads an unquoted key: up to a colon, a separator, a closer, a quote or a line break. */
export const readUnquotedKey = (state: ParserState): string => {
  const text = state.text
  const end = state.end
  const start = state.pos
  let i = start
  for (; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c === COLON || c === FULLWIDTH_COLON || endsBareWord(c) || isQuote(c) || c === LF || c === CR) break
  }
  let last = i
  while (last > start && isSpace(text.charCodeAt(last - 1))) last--
  state.log.add(start, "unquoted-key")
  state.pos = i
  return text.slice(start, last)
}
