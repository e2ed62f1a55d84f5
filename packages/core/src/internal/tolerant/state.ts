/**
 * The state of one tolerant parse: the cursor, the explicit stack of open containers, the grammar state and the
 * repair log. An object is attached to its parent when it opens; an array collects its elements on a shared stack
 * and is made in one piece, at its exact size, when it closes (as `JSON.parse` does: arrays grown by `push` keep
 * room for a dozen more elements, which costs memory for as long as the caller keeps the value).
 */
import { BOM, COMMA, CR, isJsonSpace, isOtherSpace, LF, SLASH, STAR } from "./chars.ts"
import type { RepairLog } from "./repairs.ts"

export const OBJECT = 0
export const ARRAY = 1

/** A value may start here (after `[`, `,` in an array, `:`, or at the root). */
export const EXPECT_VALUE = 0
/** A value just ended: a separator or a closer should follow. */
export const AFTER_VALUE = 1
/** Inside an object, after `{` or `,`: a key should follow. */
export const EXPECT_KEY = 2
/** After a key: a colon should follow. */
export const EXPECT_COLON = 3

/** Stands for a key that was lost (`{:1}`): the member's value is read and dropped. */
export const DROPPED_KEY: unique symbol = Symbol("TolerantJson/droppedKey")

export type PendingKey = string | typeof DROPPED_KEY
export type BigintMode = "bigint" | "string"

export type FailureReason = "no-value" | "max-depth-exceeded"

/** Defines a member as an own data property even when its key is `__proto__`, and reports a repeated key. */
const setMember = (state: ParserState, object: Record<string, unknown>, key: PendingKey, value: unknown): void => {
  if (key === DROPPED_KEY) return
  if (Object.hasOwn(object, key)) state.log.add(state.pos, "duplicate-key")
  if (key === "__proto__") {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true })
  } else {
    object[key] = value
  }
}

export class ParserState {
  pos: number
  mode = EXPECT_VALUE
  depth = 0
  readonly kinds: Array<number> = []
  /** The open objects, by depth (`undefined` at the depth of an array). */
  readonly containers: Array<Record<string, unknown> | undefined> = []
  /** For an open array: where its elements start on `elements`, and the key it will be stored under. */
  readonly starts: Array<number> = []
  readonly arrayKeys: Array<PendingKey> = []
  /** The elements of every open array, innermost last. */
  readonly elements: Array<unknown> = []
  /** How many open frames are objects; the rest are arrays. Lets a closer know in O(1) whether it matches below. */
  openObjects = 0
  pendingKey: PendingKey = ""
  /** Offset of the separator comma that was just read, or -1: a closer right after it makes it a trailing comma. */
  pendingComma = -1
  readonly roots: Array<unknown> = []
  /** Offset of the closer that completed the last root container. */
  rootClosedAt = -1
  /** Set when parsing stops before the end: trailing garbage, or a truncation marker. */
  stopped = false
  failure: { readonly reason: FailureReason; readonly offset: number } | undefined = undefined

  constructor(
    readonly text: string,
    start: number,
    readonly end: number,
    readonly log: RepairLog,
    readonly maxDepth: number,
    readonly bigint: BigintMode
  ) {
    this.pos = start
  }

  /** Whether the value being read is an array element (or a root value, which follows the same rules). */
  inArray(): boolean {
    return this.depth === 0 || this.kinds[this.depth - 1] === ARRAY
  }

  /** Attaches a finished value where the grammar expects it and moves on to what follows a value. */
  emit(value: unknown): void {
    this.attach(value, this.pendingKey)
    this.mode = AFTER_VALUE
    this.pendingComma = -1
  }

  /** Opens an object or array at the cursor, attached to its parent right away. */
  open(kind: number): void {
    if (this.depth >= this.maxDepth) {
      this.failure = { reason: "max-depth-exceeded", offset: this.pos }
      return
    }
    if (kind === OBJECT) {
      const container: Record<string, unknown> = {}
      this.attach(container, this.pendingKey)
      this.containers[this.depth] = container
      this.openObjects++
    } else {
      this.containers[this.depth] = undefined
      this.starts[this.depth] = this.elements.length
      this.arrayKeys[this.depth] = this.pendingKey
    }
    this.kinds[this.depth] = kind
    this.depth++
    this.mode = kind === OBJECT ? EXPECT_KEY : EXPECT_VALUE
    this.pendingComma = -1
    this.pos++
  }

  /** Closes the innermost container. */
  close(): void {
    this.depth--
    if (this.kinds[this.depth] === OBJECT) {
      this.openObjects--
      this.containers[this.depth] = undefined
    } else {
      const start = this.starts[this.depth]!
      const array = this.elements.slice(start)
      this.elements.length = start
      this.attach(array, this.arrayKeys[this.depth]!)
    }
    if (this.depth === 0) this.rootClosedAt = this.pos
    this.mode = AFTER_VALUE
    this.pendingComma = -1
  }

  /** Puts the last root object back on the stack, for a member that follows an early closer. */
  reopenRoot(): void {
    const root = this.roots[this.roots.length - 1] as Record<string, unknown>
    this.kinds[0] = OBJECT
    this.containers[0] = root
    this.depth = 1
    this.openObjects = 1
  }

  private attach(value: unknown, key: PendingKey): void {
    if (this.depth === 0) this.roots.push(value)
    else if (this.kinds[this.depth - 1] === ARRAY) this.elements.push(value)
    else setMember(this, this.containers[this.depth - 1]!, key, value)
  }
}

/**
 * Skips whitespace and comments before the next token. Spaces JSON does not allow (no-break space, a BOM inside
 * the text) are skipped too, and reported.
 */
export const skipTrivia = (state: ParserState): void => {
  const text = state.text
  const end = state.end
  let i = state.pos
  while (i < end) {
    const c = text.charCodeAt(i)
    if (isJsonSpace(c)) {
      i++
    } else if (c === SLASH) {
      const next = text.charCodeAt(i + 1)
      if (next === SLASH) {
        // A line comment runs to the end of the line.
        state.log.add(i, "comment")
        i += 2
        while (i < end) {
          const d = text.charCodeAt(i)
          if (d === LF || d === CR) break
          i++
        }
      } else if (next === STAR) {
        // A block comment runs to `*/`, or to the end of a truncated text.
        state.log.add(i, "comment")
        const close = text.indexOf("*/", i + 2)
        i = close < 0 || close + 2 > end ? end : close + 2
      } else {
        break
      }
    } else if (c > 0x7f && isOtherSpace(c)) {
      state.log.add(i, c === BOM ? "bom" : "skipped-character", "syntax")
      i++
    } else {
      break
    }
  }
  state.pos = i
}

/** Index of the next character that is not JSON whitespace, looking at most `limit` characters ahead. */
export const skipSpacesAhead = (text: string, from: number, end: number, limit: number): number => {
  const stop = Math.min(end, from + limit)
  let i = from
  while (i < stop && isJsonSpace(text.charCodeAt(i))) i++
  return i
}

/**
 * Index of the next token after `from`, skipping whitespace and comments within a bounded window; returns `end`
 * when the text ends first, and `-1` when the window is exhausted (the caller then cannot tell).
 */
export const nextTokenAhead = (text: string, from: number, end: number, limit: number): number => {
  const stop = Math.min(end, from + limit)
  let i = from
  while (i < stop) {
    const c = text.charCodeAt(i)
    if (isJsonSpace(c) || (c > 0x7f && isOtherSpace(c))) {
      i++
    } else if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      while (i < stop && text.charCodeAt(i) !== LF) i++
    } else if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      i += 2
      while (i < stop && !(text.charCodeAt(i) === STAR && text.charCodeAt(i + 1) === SLASH)) i++
      i += 2
    } else {
      return i
    }
  }
  return stop === end ? end : -1
}

/** Whether the character at `i` is a separator comma, straight or fullwidth. */
export const isCommaAt = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i)
  return c === COMMA || c === 0xff0c
}
