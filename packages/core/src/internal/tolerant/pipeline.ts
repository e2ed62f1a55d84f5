/**
 * The whole parse: guards, the fast path, framing, the tolerant parser, and the unwrapping of documents that arrive
 * inside a string or another wrapping. Wrappings are taken off in a loop of layers, never by recursion; each layer
 * keeps an offset map so repairs found inside point into the caller's text.
 */
import { BOM, CLOSE_BRACE, CLOSE_BRACKET, isSpace, OPEN_BRACE, OPEN_BRACKET, QUOTE } from "./chars.ts"
import { type OffsetMap, unescapeBody } from "./decoders.ts"
import { holdsUnsafeNumber, parseStrict } from "./fastPath.ts"
import { frame } from "./framing.ts"
import { parseTolerant } from "./parser.ts"
import { RepairLog } from "./repairs.ts"
import type { BigintMode } from "./state.ts"

export interface PipelineOptions {
  readonly maxLength: number
  readonly maxDepth: number
  readonly maxRepairs: number
  readonly assumeMalformed: boolean
  readonly bigint: BigintMode
}

export type PipelineErrorReason = "empty-input" | "no-value" | "max-depth-exceeded" | "input-too-large"

export type PipelineResult =
  | { readonly ok: true; readonly value: unknown; readonly log: RepairLog }
  | { readonly ok: false; readonly reason: PipelineErrorReason; readonly offset: number; readonly log: RepairLog }

/** How many wrappings (a document in a string, escaped, doubled quotes, entities) are taken off at most. */
const MAX_LAYERS = 3

type Layer =
  | { readonly tag: "value"; readonly value: unknown }
  | { readonly tag: "decoded"; readonly text: string; readonly map: OffsetMap }
  | { readonly tag: "error"; readonly reason: PipelineErrorReason; readonly offset: number }

/** First and last non-blank index of `text` (the last is exclusive). */
const trimmedBounds = (text: string): readonly [number, number] => {
  let start = 0
  let end = text.length
  while (start < end && isSpace(text.charCodeAt(start))) start++
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--
  return [start, end]
}

/** Whether a string value is itself a document: `{...}`, `[...]`, or once more a quoted one. */
const holdsDocument = (value: string): boolean => {
  const [start, end] = trimmedBounds(value)
  if (end - start < 2) return false
  const first = value.charCodeAt(start)
  const last = value.charCodeAt(end - 1)
  if (first === OPEN_BRACE) return last === CLOSE_BRACE
  if (first === OPEN_BRACKET) return last === CLOSE_BRACKET
  const second = value.charCodeAt(start + 1)
  return first === QUOTE && last === QUOTE && (second === OPEN_BRACE || second === OPEN_BRACKET)
}

const isContainer = (value: unknown): boolean => typeof value === "object" && value !== null

const tolerant = (text: string, start: number, end: number, options: PipelineOptions, log: RepairLog): Layer => {
  const outcome = parseTolerant(text, start, end, log, options.maxDepth, options.bigint)
  return outcome.ok
    ? { tag: "value", value: outcome.value }
    : { tag: "error", reason: outcome.reason, offset: outcome.offset }
}

/** `JSON.parse` on `text[start, end)`; a valid text with integers past 2^53 is read again exactly. */
const strict = (text: string, start: number, end: number, options: PipelineOptions, log: RepairLog) => {
  const parsed = parseStrict(start === 0 && end === text.length ? text : text.slice(start, end))
  if (parsed === undefined) return undefined
  if (!holdsUnsafeNumber(parsed.value)) return { tag: "value", value: parsed.value } as const
  return tolerant(text, start, end, options, log)
}

/**
 * One layer: the fast path (unless `strictTried` says it already failed on this text), then framing, then the
 * tolerant parser.
 */
const parseLayer = (
  text: string,
  options: PipelineOptions,
  log: RepairLog,
  allowDecoding: boolean,
  strictTried: boolean
): Layer => {
  let start = 0
  if (text.charCodeAt(0) === BOM) {
    log.add(0, "bom")
    start = 1
  }
  if (!options.assumeMalformed && !strictTried) {
    const layer = strict(text, start, text.length, options, log)
    if (layer !== undefined) return layer
  }
  const before = log.total
  const framing = frame(text, start, log, allowDecoding)
  if (framing.tag === "empty") return { tag: "error", reason: "empty-input", offset: framing.offset }
  if (framing.tag === "decoded") {
    log.add(framing.offset, framing.kind)
    return { tag: "decoded", text: framing.decoded.text, map: framing.decoded.map }
  }
  if (!options.assumeMalformed && log.total > before) {
    // A fence or a prefix was taken off: what is left may well be valid.
    const layer = strict(text, framing.start, framing.end, options, log)
    if (layer !== undefined) return layer
  }
  return tolerant(text, framing.start, framing.end, options, log)
}

/** The log of a parse that needed no repair: shared, and never written to. */
const noRepairs = new RepairLog(0)

/** Parses `input` as tolerantly as the options allow. */
export const run = (input: string, options: PipelineOptions): PipelineResult => {
  if (input.length > options.maxLength) {
    return { ok: false, reason: "input-too-large", offset: options.maxLength, log: noRepairs }
  }
  let strictFailed = false
  if (!options.assumeMalformed && input.charCodeAt(0) !== BOM) {
    // The common case first, with nothing allocated: valid JSON that needs no second look.
    const parsed = parseStrict(input)
    if (parsed === undefined) strictFailed = true
    else if (typeof parsed.value !== "string" && !holdsUnsafeNumber(parsed.value)) {
      return { ok: true, value: parsed.value, log: noRepairs }
    }
  }
  const log = new RepairLog(options.maxRepairs)
  let text = input
  // Offsets in the current layer's text go back to the input through these maps, innermost first.
  const maps: Array<OffsetMap> = []
  const toInput = (offset: number): number => {
    let result = offset
    for (const map of maps) result = map.translate(result)
    return result
  }
  // Set while a string that looks like a document is being unwrapped: what to return if it is not one.
  let fallback: { readonly value: string; readonly log: RepairLog } | undefined
  for (let layer = 0; ; layer++) {
    const canUnwrap = layer < MAX_LAYERS
    const layerLog = new RepairLog(options.maxRepairs)
    const result = parseLayer(text, options, layerLog, canUnwrap, layer === 0 && strictFailed)
    const unwrapsAgain = result.tag === "value" && typeof result.value === "string" && canUnwrap
    if (
      fallback !== undefined &&
      (result.tag !== "value" ||
        layerLog.has("loss") ||
        !(isContainer(result.value) || (unwrapsAgain && holdsDocument(result.value as string))))
    ) {
      // The string only looked like a document: it stays the string it is.
      return { ok: true, value: fallback.value, log: fallback.log }
    }
    log.absorb(layerLog, toInput)
    if (result.tag === "error") return { ok: false, reason: result.reason, offset: toInput(result.offset), log }
    if (result.tag === "decoded") {
      maps.unshift(result.map)
      text = result.text
      continue
    }
    if (unwrapsAgain && holdsDocument(result.value as string)) {
      // A JSON document encoded once more as a JSON string: decode the inner document too.
      fallback = { value: result.value as string, log: log.clone() }
      const [start, end] = trimmedBounds(text)
      const quoted = text.charCodeAt(start) === QUOTE && text.charCodeAt(end - 1) === QUOTE && end - start >= 2
      log.add(toInput(start), "unwrapped-double-encoded")
      maps.unshift(quoted ? unescapeBody(text, start + 1, end - 1).map : unescapeBody(text, 0, 0).map)
      text = result.value as string
      continue
    }
    return { ok: true, value: result.value, log }
  }
}
