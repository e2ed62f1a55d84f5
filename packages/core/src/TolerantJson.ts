/**
 * A JSON parser for text that may be malformed, such as the `Details` field of `GetUpgradeStatus`, whose documented
 * example is not valid JSON. Valid JSON comes back exactly as `JSON.parse` returns it (integers past 2^53 as
 * `bigint`); damaged JSON comes back repaired, with a list of what was mended and where. The parser runs in one pass
 * with an explicit stack: no input can make it recurse, throw, or take more than linear time.
 */
import { Data, Either } from "effect"
import { type PipelineOptions, run } from "./internal/tolerant/pipeline.ts"
import type * as Repairs from "./internal/tolerant/repairs.ts"

/** What was wrong with the text at one place (and so what the parser did), e.g. `missing-comma`. */
export type RepairKind = Repairs.RepairKind

/**
 * How much a repair should lower trust in the value: `syntax` (certainly what was meant), `structure` (structure
 * added or removed, very likely right), `guess` (an ambiguous decision), `loss` (something is known to be missing).
 */
export type Severity = Repairs.Severity

/** One repair: its UTF-16 offset in the input, its kind and its severity. */
export interface Repair {
  readonly offset: number
  readonly kind: RepairKind
  readonly severity: Severity
}

/** A successful parse: the value and the repairs that were needed to read it. */
export interface Parsed {
  readonly value: unknown
  /** The first `maxRepairs` repairs, in offset order. */
  readonly repairs: ReadonlyArray<Repair>
  /** Every repair, counted by kind. */
  readonly repairCounts: Readonly<Partial<Record<RepairKind, number>>>
  readonly repairTotal: number
}

/** Why no value could be recovered. */
export type TolerantJsonErrorReason = "empty-input" | "no-value" | "max-depth-exceeded" | "input-too-large"

const reasonText: Record<TolerantJsonErrorReason, string> = {
  "empty-input": "the text is empty",
  "no-value": "no JSON value was found",
  "max-depth-exceeded": "the document nests deeper than allowed",
  "input-too-large": "the text is longer than allowed"
}

/** No value could be recovered: carries the offset where recovery stopped and the repairs made up to there. */
export class TolerantJsonError extends Data.TaggedError("TolerantJsonError")<{
  readonly reason: TolerantJsonErrorReason
  readonly offset: number
  readonly repairs: ReadonlyArray<Repair>
}> {
  override get message(): string {
    return `Unreadable JSON: ${reasonText[this.reason]} (at offset ${this.offset})`
  }
}

/** Limits and choices for `parse`. */
export interface ParseOptions {
  /** Longest accepted input in UTF-16 code units; default 64 MiB. Longer input fails with `input-too-large`. */
  readonly maxLength?: number
  /** Deepest nesting the repair path builds; default 100,000. Valid JSON is not limited (see `exceedsDepth`). */
  readonly maxDepth?: number
  /** How many repairs are listed in full; default 100. All of them are counted. */
  readonly maxRepairs?: number
  /** Skip the `JSON.parse` attempt, for sources that are usually broken: saves the cost of the thrown error. */
  readonly assumeMalformed?: boolean
  /**
   * How integers past 2^53 come back: as `bigint` (default) or as their decimal digits. Integers of more than 4,096
   * digits always come back as digits: converting them would cost more than linear time.
   */
  readonly bigint?: "bigint" | "string"
}

const defaults: PipelineOptions = {
  maxLength: 64 * 1024 * 1024,
  maxDepth: 100_000,
  maxRepairs: 100,
  assumeMalformed: false,
  bigint: "bigint"
}

const resolve = (options: ParseOptions): PipelineOptions => ({
  maxLength: options.maxLength ?? defaults.maxLength,
  maxDepth: Math.max(1, options.maxDepth ?? defaults.maxDepth),
  maxRepairs: Math.max(0, options.maxRepairs ?? defaults.maxRepairs),
  assumeMalformed: options.assumeMalformed ?? defaults.assumeMalformed,
  bigint: options.bigint ?? defaults.bigint
})

/**
 * Parses text that should be JSON. Returns `Right` with the value and its repairs (none for valid JSON), or `Left`
 * with the reason when nothing could be recovered. Never throws.
 */
export const parse = (text: string, options?: ParseOptions): Either.Either<Parsed, TolerantJsonError> => {
  const result = run(typeof text === "string" ? text : String(text), options ? resolve(options) : defaults)
  const clean = result.log.total === 0
  const repairs = clean ? noRepairs : result.log.sorted()
  if (!result.ok) {
    return Either.left(new TolerantJsonError({ reason: result.reason, offset: result.offset, repairs }))
  }
  return Either.right({
    value: result.value,
    repairs,
    repairCounts: clean ? noCounts : result.log.counts(),
    repairTotal: result.log.total
  })
}

const noRepairs: ReadonlyArray<Repair> = Object.freeze([])
const noCounts: Readonly<Partial<Record<RepairKind, number>>> = Object.freeze({})

/**
 * Whether `value` nests deeper than `limit` containers (a scalar has depth 0, `[]` depth 1). Iterative, so it can
 * guard recursive consumers (`JSON.stringify`, schema decoding, rendering) against values they would overflow on.
 */
export const exceedsDepth = (value: unknown, limit: number): boolean => {
  const values: Array<unknown> = [value]
  const depths: Array<number> = [0]
  while (values.length > 0) {
    const current = values.pop()
    const depth = depths.pop()!
    if (typeof current !== "object" || current === null) continue
    if (depth + 1 > limit) return true
    const children = Array.isArray(current) ? current : Object.values(current)
    for (const child of children) {
      if (typeof child === "object" && child !== null) {
        values.push(child)
        depths.push(depth + 1)
      }
    }
  }
  return false
}

/** The 1-based line and column of a UTF-16 offset, for messages; computed on demand with one scan. */
export const lineColumn = (text: string, offset: number): { readonly line: number; readonly column: number } => {
  const stop = Math.max(0, Math.min(offset, text.length))
  let line = 1
  let lineStart = 0
  for (let i = 0; i < stop; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: stop - lineStart + 1 }
}
