/**
 * Benchmark of TolerantJson.parse: against JSON.parse on valid documents, against jsonrepair + JSON.parse on
 * malformed ones, and its own time against input size (1 KB to 8 MB) on normal and adversarial inputs, where the
 * time ratios between doubled sizes show whether it stays linear. Every figure is the median of several runs.
 *
 * Prints a readable table on stderr and one JSON object on stdout:
 * `{ "name": "tolerant-json", "rows": [...], "scaling": [...], "linearity": [...], "notes": [...] }`.
 */
import { isDeepStrictEqual } from "node:util"
import { TolerantJson } from "@holo-upgrade/core"
import { jsonrepair } from "jsonrepair"
import vendorResponse from "../fixtures/vendor-example-response.json" with { type: "json" }

interface Row {
  readonly case: string
  readonly ours_ms: number
  readonly alt: string
  readonly alt_ms: number
  /** ours / alt (the median of per-run ratios where the two were timed in alternation): below 1 is faster. */
  readonly ratio: number
  readonly target: string
  readonly met: boolean
}

interface ScalingRow {
  readonly input: string
  readonly kb: number
  readonly ms: number
  /** Time at this size over time at half the size; about 2 when linear. */
  readonly doubling_ratio: number | null
  readonly outcome: string
}

const KB = 1024
const MB = 1024 * KB

/** Milliseconds per call of `fn`, timed over enough calls to last about `batchMs`. */
const timeBatch = (fn: () => unknown, calls: number): number => {
  const start = performance.now()
  for (let i = 0; i < calls; i++) fn()
  return (performance.now() - start) / calls
}

/** How many calls make one timed batch of about `batchMs` milliseconds. */
const calibrate = (fn: () => unknown, batchMs: number): number => {
  let calls = 1
  for (;;) {
    const start = performance.now()
    for (let i = 0; i < calls; i++) fn()
    const elapsed = performance.now() - start
    if (elapsed >= batchMs / 4 || calls >= 1 << 20) return Math.max(1, Math.round((calls * batchMs) / elapsed))
    calls *= 4
  }
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]!
}

/**
 * Times two functions in alternation, so that load from other processes hits both alike, after a warm-up that lets
 * the JIT settle. Returns the median time of each and the median of the per-run ratios (ours / alt), which is
 * steadier on a shared machine than the ratio of the medians.
 */
const compare = (ours: () => unknown, alt: () => unknown, runs: number): readonly [number, number, number] => {
  const oursCalls = calibrate(ours, 15)
  const altCalls = calibrate(alt, 15)
  for (let warm = 0; warm < 5; warm++) {
    timeBatch(ours, oursCalls)
    timeBatch(alt, altCalls)
  }
  const oursTimes: Array<number> = []
  const altTimes: Array<number> = []
  const ratios: Array<number> = []
  for (let run = 0; run < runs; run++) {
    const oursTime = timeBatch(ours, oursCalls)
    const altTime = timeBatch(alt, altCalls)
    oursTimes.push(oursTime)
    altTimes.push(altTime)
    ratios.push(oursTime / altTime)
  }
  return [median(oursTimes), median(altTimes), median(ratios)]
}

const measure = (fn: () => unknown, runs: number): number => {
  const calls = calibrate(fn, 40)
  return median(Array.from({ length: runs }, () => timeBatch(fn, calls)))
}

const must = (text: string, options?: TolerantJson.ParseOptions): TolerantJson.Parsed => {
  const result = TolerantJson.parse(text, options)
  if (result._tag === "Left") throw new Error(`benchmark input refused: ${result.left.message}`)
  return result.right
}

// Inputs ------------------------------------------------------------------------------------------------------------

const details: string = vendorResponse.Data[0]!.Details
const validDetails = JSON.stringify(must(details).value)

/** A valid document of about `size` characters made of Details records. */
const validOfSize = (size: number): string => {
  const count = Math.max(1, Math.round(size / (validDetails.length + 1)))
  return `{"Reports":[${Array.from({ length: count }, () => validDetails).join(",")}]}`
}

/**
 * A malformed document of about `size` characters in the vendor's style: Details records (each with the vendor's
 * three missing commas and one trailing comma), every third one also missing the comma before it.
 */
const vendorStyleOfSize = (size: number): string => {
  const count = Math.max(1, Math.round(size / (details.length + 1)))
  const parts = Array.from({ length: count }, (_, i) => (i === 0 || i % 3 === 0 ? details : `,${details}`))
  return `{"Reports":[${parts.join("")}]}`
}

const repeatTo = (size: number, unit: string, head = "", tail = ""): string =>
  head + unit.repeat(Math.max(1, Math.floor((size - head.length - tail.length) / unit.length))) + tail

/** Input families for the size sweep: normal ones first, then adversarial shapes that trip naive repairers. */
const families: ReadonlyArray<readonly [string, (size: number) => string, TolerantJson.ParseOptions?]> = [
  ["vendor-style malformed", vendorStyleOfSize],
  ["valid (fast path)", validOfSize],
  ["valid, assumeMalformed (repair path)", validOfSize, { assumeMalformed: true }],
  ["[1 2 3 ...] missing commas", (size) => repeatTo(size, "1 ", "[", "]")],
  ["[[1,],...] trailing commas", (size) => repeatTo(size, "[1,],", "[", "]")],
  ['"x", y runs', (size) => repeatTo(size, '"x", y, ', "[", "]")],
  ['unterminated string of ", "', (size) => repeatTo(size, '", ', '{"a":"')],
  ["raw newlines in a string", (size) => repeatTo(size, "line\n", '{"a":"', '"}')],
  ['""""... quotes', (size) => repeatTo(size, '"', "[")],
  ["}]}]... stray closers", (size) => repeatTo(size, "}]", '{"a":1')],
  ["deep [ (refused past maxDepth)", (size) => repeatTo(size, "[")],
  ['deep {"a": (refused past maxDepth)', (size) => repeatTo(size, '{"a":')]
]

// Comparisons -------------------------------------------------------------------------------------------------------

const rows: Array<Row> = []
const addRow = (
  name: string,
  alt: string,
  times: readonly [number, number, number?],
  target: number,
  targetText: string
) => {
  const ratio = times[2] ?? times[0] / times[1]
  rows.push({ case: name, ours_ms: times[0], alt, alt_ms: times[1], ratio, target: targetText, met: ratio <= target })
}

// The small malformed example first: the 1 MB rows leave a large heap behind, whose collection would land on it.
const repaired = (text: string) => JSON.parse(jsonrepair(text))
addRow(
  "vendor example (1.3 KB malformed)",
  "jsonrepair + JSON.parse",
  compare(
    () => TolerantJson.parse(details),
    () => repaired(details),
    41
  ),
  1 / 1.5,
  "<= 0.667 (>= 1.5x faster)"
)
addRow(
  "vendor example, assumeMalformed",
  "jsonrepair + JSON.parse",
  compare(
    () => TolerantJson.parse(details, { assumeMalformed: true }),
    () => repaired(details),
    41
  ),
  1 / 1.5,
  "<= 0.667 (>= 1.5x faster)"
)
for (const [name, size] of [
  ["valid ~1 KB", KB],
  ["valid ~1 MB", MB]
] as const) {
  const text = size === KB ? validDetails : validOfSize(size)
  const runs = size === KB ? 41 : 21
  addRow(
    name,
    "JSON.parse",
    compare(
      () => TolerantJson.parse(text),
      () => JSON.parse(text),
      runs
    ),
    1.25,
    "<= 1.25"
  )
}

const vendorStyle = vendorStyleOfSize(MB)
addRow(
  `vendor-style malformed ~1 MB (${must(vendorStyle).repairTotal} repairs)`,
  "jsonrepair + JSON.parse",
  [measure(() => TolerantJson.parse(vendorStyle), 7), measure(() => repaired(vendorStyle), 3)],
  1 / 50,
  "<= 0.02 (>= 50x faster)"
)

const theirs = repaired(details).FlightingReport.SQLResultStat.TotalExecuted
const ours = (must(details).value as { FlightingReport: { SQLResultStat: { TotalExecuted: unknown } } }).FlightingReport
  .SQLResultStat.TotalExecuted
const notes = [
  `Values differ on malformed input: jsonrepair reads the vendor's 9000"Exceptions" as TotalExecuted = ${JSON.stringify(theirs)} (${typeof theirs}), TolerantJson as ${JSON.stringify(ours)} (${typeof ours}).`,
  "ratio = ours / alt (median of per-run ratios when timed in alternation); below 1 means TolerantJson is faster.",
  "Scaling: doubling_ratio near 2 means linear time; near 4 would mean quadratic."
]

// Exact values ------------------------------------------------------------------------------------------------------

/**
 * The vendor's example with its four defects mended by hand (three missing commas, one trailing comma): what the
 * document was meant to say, parsed by `JSON.parse`. A repairer is exact when its value equals this.
 */
const mended = details
  .replace('9000"Exceptions"', '9000,"Exceptions"')
  .replace('}"SegmentFormatStat"', '},"SegmentFormatStat"')
  .replace('"},]}', '"}]}')
  .replace('"hxxx""InstanceName"', '"hxxx","InstanceName"')
const intended = JSON.parse(mended) as unknown
const vendorStyleRecords = Math.max(1, Math.round(MB / (details.length + 1)))
const valid1mb = validOfSize(MB)
const exactness = [
  { input: "valid ~1 MB", text: valid1mb, expected: JSON.parse(valid1mb) as unknown },
  { input: "vendor example (malformed)", text: details, expected: intended },
  {
    input: `vendor-style malformed ~1 MB (${vendorStyleRecords} records)`,
    text: vendorStyle,
    expected: { Reports: Array.from({ length: vendorStyleRecords }, () => intended) }
  }
].map(({ input, text, expected }) => {
  let theirs: boolean | string
  try {
    theirs = isDeepStrictEqual(repaired(text), expected)
  } catch (error) {
    theirs = `error: ${error instanceof Error ? error.message : String(error)}`
  }
  return { input, tolerant_json_exact: isDeepStrictEqual(must(text).value, expected), jsonrepair_exact: theirs }
})

// Size sweep --------------------------------------------------------------------------------------------------------

const scaling: Array<ScalingRow> = []
for (const [name, generate, options] of families) {
  let previous: number | undefined
  for (let size = KB; size <= 8 * MB; size *= 2) {
    const text = generate(size)
    const result = TolerantJson.parse(text, options)
    const outcome = result._tag === "Right" ? `value, ${result.right.repairTotal} repairs` : result.left.reason
    const ms = measure(() => TolerantJson.parse(text, options), size >= MB ? 3 : 5)
    scaling.push({
      input: name,
      kb: size / KB,
      ms,
      doubling_ratio: previous === undefined ? null : ms / previous,
      outcome
    })
    previous = ms
  }
}

/**
 * Growth exponent of each family from 256 KB to 8 MB: time grows as size^exponent, so about 1 is linear and 2 is
 * quadratic. Sizes below 256 KB are left out: there, fixed costs and the JIT dominate.
 */
const linearity = families.map(([name]) => {
  const small = scaling.find((row) => row.input === name && row.kb === 256)!
  const large = scaling.find((row) => row.input === name && row.kb === 8192)!
  const exponent = Math.log(large.ms / small.ms) / Math.log(large.kb / small.kb)
  return { input: name, exponent, linear: exponent < 1.3 }
})

// Report ------------------------------------------------------------------------------------------------------------

const fixed = (n: number, digits = 3) => n.toFixed(digits)
const lines = [
  "TolerantJson benchmark (medians)",
  "",
  `${"case".padEnd(52)} ${"ours ms".padStart(10)} ${"alt ms".padStart(10)}  ${"ratio".padStart(7)}  target                     met  alt`,
  ...rows.map(
    (row) =>
      `${row.case.padEnd(52)} ${fixed(row.ours_ms).padStart(10)} ${fixed(row.alt_ms).padStart(10)}  ${fixed(row.ratio).padStart(7)}  ${row.target.padEnd(26)} ${row.met ? "yes" : "NO "}  ${row.alt}`
  ),
  "",
  `${"input".padEnd(40)} ${"KB".padStart(6)} ${"ms".padStart(10)} ${"x2 ratio".padStart(9)}  outcome`,
  ...scaling.map(
    (row) =>
      `${row.input.padEnd(40)} ${String(row.kb).padStart(6)} ${fixed(row.ms).padStart(10)} ${(row.doubling_ratio === null ? "" : fixed(row.doubling_ratio, 2)).padStart(9)}  ${row.outcome}`
  ),
  "",
  `${"input".padEnd(40)} growth exponent 256 KB..8 MB (1 = linear, 2 = quadratic)`,
  ...linearity.map(
    (row) => `${row.input.padEnd(40)} ${fixed(row.exponent, 2)}  ${row.linear ? "linear" : "NOT LINEAR"}`
  ),
  "",
  ...notes
]
process.stderr.write(`${lines.join("\n")}\n`)
process.stdout.write(
  `${JSON.stringify({
    name: "tolerant-json",
    title: "Decoding Details: TolerantJson against JSON.parse and jsonrepair",
    rows,
    exactness,
    scaling,
    linearity,
    notes: [
      ...notes,
      "exactness: the value equals what the document means (for malformed input, the vendor's example mended by hand, then JSON.parse)."
    ]
  })}\n`
)
