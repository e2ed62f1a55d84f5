/**
 * Closers. A closer of the right kind closes the innermost container; one of the wrong kind is read in the light of
 * the closers around it (a reordered run, a typo before a comma, a forgotten closer further in, or a stray one).
 */
import { CLOSE_BRACE, CLOSE_BRACKET, COMMA, FULLWIDTH_COMMA, isJsonSpace } from "./chars.ts"
import { LOOKAHEAD } from "./lookahead.ts"
import { nextTokenAhead, OBJECT, type ParserState } from "./state.ts"

/** The longest run of closers that is checked for a reordering. */
const CLOSER_RUN = 32

const closerOf = (kind: number): number => (kind === OBJECT ? CLOSE_BRACE : CLOSE_BRACKET)

/**
 * If the run of closers at the cursor holds, within its first few, exactly the closers the innermost containers
 * need but in another order (`}]` where `]}` is due), the number of containers it closes; else 0.
 */
const reorderedRun = (state: ParserState): number => {
  const text = state.text
  const limit = Math.min(CLOSER_RUN, state.depth)
  let braces = 0
  let objects = 0
  let count = 0
  let i = state.pos
  while (count < limit && i < state.end) {
    const c = text.charCodeAt(i)
    if (isJsonSpace(c)) {
      i++
      continue
    }
    if (c !== CLOSE_BRACE && c !== CLOSE_BRACKET) break
    if (c === CLOSE_BRACE) braces++
    if (state.kinds[state.depth - 1 - count] === OBJECT) objects++
    count++
    i++
    if (count >= 2 && braces === objects) return count
  }
  return 0
}

/** Handles the closer at the cursor: closes what it closes, reports what it mends, and moves past it. */
export const readCloser = (state: ParserState): void => {
  const text = state.text
  const c = text.charCodeAt(state.pos)
  if (state.depth === 0) {
    // Nothing is open: a stray closer.
    state.log.add(state.pos, "extra-closer")
    state.pos++
    return
  }
  if (closerOf(state.kinds[state.depth - 1]!) === c) {
    state.close()
    state.pos++
    return
  }

  const reordered = reorderedRun(state)
  if (reordered > 0) {
    // `}]` for `]}`: the closers are all there, in the wrong order.
    state.log.add(state.pos, "closers-reordered")
    for (let n = 0; n < reordered; n++) {
      while (!(text.charCodeAt(state.pos) === CLOSE_BRACE || text.charCodeAt(state.pos) === CLOSE_BRACKET)) state.pos++
      state.close()
      state.pos++
    }
    return
  }

  const next = nextTokenAhead(text, state.pos + 1, state.end, LOOKAHEAD)
  if (next >= 0 && next < state.end && (text.charCodeAt(next) === COMMA || text.charCodeAt(next) === FULLWIDTH_COMMA)) {
    // `[1, 2}, ...`: a typo for the closer the innermost container needs.
    state.log.add(state.pos, "wrong-closer")
    state.close()
    state.pos++
    return
  }

  const arrays = state.depth - state.openObjects
  if ((c === CLOSE_BRACE ? state.openObjects : arrays) > 0) {
    // It closes a container further out: the ones inside it were never closed.
    while (closerOf(state.kinds[state.depth - 1]!) !== c) {
      state.log.add(state.pos, "missing-closer")
      state.close()
    }
    state.close()
    state.pos++
    return
  }

  // It matches nothing that is open.
  state.log.add(state.pos, "extra-closer")
  state.pos++
}
