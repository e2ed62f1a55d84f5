/**
 * The `Details` document of an upgrade record and its tolerant decoding. The vendor serialises it into a string and
 * its own documented example is not valid JSON, so decoding never fails: the text is repaired by `TolerantJson`, the
 * schema is tried as a whole, and when that fails each part is decoded on its own. What cannot be read is reported
 * as an issue with its path; everything else is kept.
 */
import { Either, Option, ParseResult, Schema } from "effect"
import * as TolerantJson from "./TolerantJson.ts"
import { isAbsent, optionalField, Text, TimestampFromWire } from "./UpgradeStatus.ts"

/** A path into `Details`, with the API's field names and array indexes. */
export type Path = ReadonlyArray<string | number>

/** A part of `Details` that could not be decoded, and why. */
export interface Issue {
  readonly path: Path
  readonly message: string
}

/**
 * An integer count. Accepts a number, a bigint (what `TolerantJson` returns beyond 2^53) or a string of digits; a
 * value a double holds exactly (a safe integer) comes back as a number, any larger one as an exact bigint, so that
 * sums of counts never round or overflow to `Infinity` (a count sent as `1e308` is an integer too).
 */
export const Count = Schema.transformOrFail(
  Schema.Union(Schema.Number, Schema.BigIntFromSelf, Schema.String),
  Schema.Union(Schema.Number, Schema.BigIntFromSelf),
  {
    strict: true,
    decode: (raw, _, ast) => {
      if (typeof raw === "number") {
        return Number.isSafeInteger(raw)
          ? ParseResult.succeed(raw)
          : Number.isInteger(raw)
            ? ParseResult.succeed(BigInt(raw))
            : ParseResult.fail(new ParseResult.Type(ast, raw, `Expected an integer, got ${raw}`))
      }
      const text = typeof raw === "bigint" ? String(raw) : raw.trim()
      if (!/^-?\d{1,400}$/.test(text)) {
        return ParseResult.fail(new ParseResult.Type(ast, raw, `Expected an integer, got ${JSON.stringify(raw)}`))
      }
      const exact = BigInt(text)
      return ParseResult.succeed(Number.isSafeInteger(Number(exact)) ? Number(exact) : exact)
    },
    encode: (count) => ParseResult.succeed(count)
  }
)

/** A measure such as a duration or a speed-up factor: a finite number, a bigint or a numeric string. */
export const Measure = Schema.transformOrFail(
  Schema.Union(Schema.Number, Schema.BigIntFromSelf, Schema.String),
  Schema.Number,
  {
    strict: true,
    decode: (raw, _, ast) => {
      const value = typeof raw === "string" ? (raw.trim() === "" ? Number.NaN : Number(raw)) : Number(raw)
      return Number.isFinite(value)
        ? ParseResult.succeed(value)
        : ParseResult.fail(new ParseResult.Type(ast, raw, `Expected a number, got ${JSON.stringify(String(raw))}`))
    },
    encode: (value) => ParseResult.succeed(value)
  }
)

/**
 * A duration in (assumed) seconds: a `Measure` from zero to 2^53 − 1 (some 285 million years). The bound keeps sums
 * of estimates finite and exact; a larger "duration" is not one.
 */
export const Seconds = Measure.pipe(
  Schema.nonNegative({ message: () => "Expected a duration of zero or more" }),
  Schema.lessThanOrEqualTo(Number.MAX_SAFE_INTEGER, {
    message: () => `Expected a duration of at most ${Number.MAX_SAFE_INTEGER} seconds`
  })
)

// A part of the document: its schema (decoding the whole part at once) and a salvage that, when the whole fails,
// decodes what it can below it. The two are built together so the fallback always mirrors the schema.
interface Part<A> {
  readonly schema: Schema.Schema<A, any>
  readonly salvage: (input: unknown, path: Path, issues: Array<Issue>) => Option.Option<A>
}

type PartType<P> = P extends Part<infer A> ? A : never

const parseOptions = { errors: "all", onExcessProperty: "preserve" } as const

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const collectIssues = (error: ParseResult.ParseError, path: Path, issues: Array<Issue>): void => {
  // A union reports once per alternative; the first message per path is the one worth reading.
  const seen = new Set<string>()
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const key = issue.path.join(".")
    if (seen.has(key)) continue
    seen.add(key)
    const rest = issue.path.map((segment) => (typeof segment === "symbol" ? String(segment) : segment))
    issues.push({ path: [...path, ...rest], message: issue.message })
  }
}

const leaf = <A, I>(schema: Schema.Schema<A, I>): Part<A> => {
  const decode = Schema.decodeUnknownEither(schema, parseOptions)
  return {
    schema,
    salvage: (input, path, issues) =>
      Either.match(decode(input), {
        onLeft: (error) => {
          collectIssues(error, path, issues)
          return Option.none()
        },
        onRight: Option.some
      })
  }
}

const struct = <F extends Record<string, Part<any>>>(
  fields: F
): Part<{ readonly [K in keyof F]?: PartType<F[K]> } & { readonly [key: string]: unknown }> => {
  const propertySignatures: Record<string, ReturnType<typeof optionalField>> = {}
  for (const [key, part] of Object.entries(fields)) propertySignatures[key] = optionalField(part.schema)
  // The mapped field types are spelled out in the signature; Schema.Struct cannot infer them from a generic record.
  const schema = Schema.Struct(propertySignatures) as unknown as Schema.Schema<any, any>
  const decode = Schema.decodeUnknownEither(schema, parseOptions)
  return {
    schema,
    salvage: (input, path, issues) => {
      const whole = decode(input)
      if (Either.isRight(whole)) return Option.some(whole.right)
      if (!isPlainObject(input)) {
        collectIssues(whole.left, path, issues)
        return Option.none()
      }
      const kept: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(input)) {
        const part = fields[key]
        if (part === undefined) {
          // Fields the schema does not know are kept verbatim, as the whole-decode path keeps them.
          kept[key] = value
          continue
        }
        if (isAbsent(value)) continue
        const decoded = part.salvage(value, [...path, key], issues)
        if (Option.isSome(decoded)) kept[key] = decoded.value
      }
      return Option.some(kept as any)
    }
  }
}

const array = <A>(element: Part<A>): Part<ReadonlyArray<A>> => {
  const schema = Schema.Array(element.schema)
  const decode = Schema.decodeUnknownEither(schema, parseOptions)
  return {
    schema,
    salvage: (input, path, issues) => {
      const whole = decode(input)
      if (Either.isRight(whole)) return Option.some(whole.right)
      if (!Array.isArray(input)) {
        collectIssues(whole.left, path, issues)
        return Option.none()
      }
      // Element by element: a bad element is reported by index and left out, the good ones stay.
      const kept: Array<A> = []
      input.forEach((item, index) => {
        const decoded = element.salvage(item, [...path, index], issues)
        if (Option.isSome(decoded)) kept.push(decoded.value)
      })
      return Option.some(kept)
    }
  }
}

const record = <A>(value: Part<A>): Part<{ readonly [key: string]: A }> => {
  const schema = Schema.Record({ key: Schema.String, value: value.schema })
  const decode = Schema.decodeUnknownEither(schema, parseOptions)
  return {
    schema,
    salvage: (input, path, issues) => {
      const whole = decode(input)
      if (Either.isRight(whole)) return Option.some(whole.right)
      if (!isPlainObject(input)) {
        collectIssues(whole.left, path, issues)
        return Option.none()
      }
      const kept: Record<string, A> = {}
      for (const [key, item] of Object.entries(input)) {
        if (isAbsent(item)) continue
        const decoded = value.salvage(item, [...path, key], issues)
        if (Option.isSome(decoded)) kept[key] = decoded.value
      }
      return Option.some(kept)
    }
  }
}

const text = leaf(Text)
const count = leaf(Count)
const time = leaf(TimestampFromWire)

const step = struct({ Status: text, StartTime: time, StopTime: time })

const sqlResultStat = struct({
  TotalExecuted: count,
  Exceptions: count,
  Incorrect: count,
  Slow: count,
  DQLSpeedup: leaf(Measure)
})

const segmentFormat = struct({ Database: text, TableUsingSegmentCount: count })

const readPermission = struct({ db: text, user: text, schema: text, table: text })

const flightingReport = struct({
  SQLResultStat: sqlResultStat,
  SegmentFormatStat: array(segmentFormat),
  EstimatedUpgradeTime: record(leaf(Seconds)),
  ReadPermissionCheckStat: array(readPermission)
})

const upgradingSteps = struct({ Stop: step, Backup: step, DoUpgrade: step, Rollback: step })

const follower = struct({ InstanceId: text, InstanceName: text, Status: text })

const instances = struct({
  LeaderInstanceId: text,
  LeaderInstanceName: text,
  LeaderInstanceStatus: text,
  FollowerInstances: array(follower)
})

const details = struct({
  UpgradePhase: text,
  StatusCode: text,
  FlightingReport: flightingReport,
  UpgradingSteps: upgradingSteps,
  Instances: instances
})

/**
 * The schema of `Details`, every field optional (the vendor documents none as required). Fields it does not know are
 * kept as they came. Times decode to `UpgradeStatus.Timestamp`, counts to number or exact bigint.
 */
export const Details = details.schema as Schema.Schema<Details, unknown>

/** A decoded `Details` document (possibly partial). */
export type Details = PartType<typeof details>

/** One step of `UpgradingSteps`: its status verbatim and its start and stop times. */
export type Step = PartType<typeof step>

/** The names of the steps `UpgradingSteps` documents, in the order they run. */
export const stepNames = ["Stop", "Backup", "DoUpgrade", "Rollback"] as const

/** The replay of the workload on the target version. */
export type SqlResultStat = PartType<typeof sqlResultStat>

/** The tables of one database still on the segment storage format. */
export type SegmentFormat = PartType<typeof segmentFormat>

/** An object where the read-permission check flagged a user. */
export type ReadPermission = PartType<typeof readPermission>

/** A read-only follower of the upgraded instance. */
export type Follower = PartType<typeof follower>

/** The result of decoding `Details`: the (possibly partial) document, the repairs its text needed, the issues. */
export interface Decoded {
  /** `undefined` when `Details` was absent or unreadable. */
  readonly details: Details | undefined
  /** What `TolerantJson` mended in the text, first ones first (capped by the parser). */
  readonly repairs: ReadonlyArray<TolerantJson.Repair>
  /** Every repair, counted by kind (beyond the cap on `repairs`). */
  readonly repairCounts: Readonly<Partial<Record<TolerantJson.RepairKind, number>>>
  /** How many repairs were made in all. */
  readonly repairTotal: number
  readonly issues: ReadonlyArray<Issue>
}

/** How deep a `Details` value may nest before it is refused; the documented shape needs five levels. */
export const maxDepth = 64

const nothing: Decoded = { details: undefined, repairs: [], repairCounts: {}, repairTotal: 0, issues: [] }

const describe = (value: unknown): string => (Array.isArray(value) ? "an array" : `a ${typeof value}`)

/**
 * Decodes `Details` as it came in a record: a JSON document in a string (repaired when malformed), an object, or
 * absent. Never fails: what cannot be read becomes an issue and the rest is kept.
 */
export const decode = (input: unknown): Decoded => {
  if (isAbsent(input)) return nothing
  let value: unknown = input
  let repairs: ReadonlyArray<TolerantJson.Repair> = []
  let repairCounts: Decoded["repairCounts"] = {}
  let repairTotal = 0
  if (typeof input === "string") {
    const parsed = TolerantJson.parse(input)
    if (Either.isLeft(parsed)) {
      const error = parsed.left
      const counts: Partial<Record<TolerantJson.RepairKind, number>> = {}
      for (const repair of error.repairs) counts[repair.kind] = (counts[repair.kind] ?? 0) + 1
      return {
        ...nothing,
        repairs: error.repairs,
        repairCounts: counts,
        repairTotal: error.repairs.length,
        issues: [{ path: [], message: `Details is unreadable: ${error.message}` }]
      }
    }
    value = parsed.right.value
    repairs = parsed.right.repairs
    repairCounts = parsed.right.repairCounts
    repairTotal = parsed.right.repairTotal
  }
  if (isAbsent(value)) return { ...nothing, repairs, repairCounts, repairTotal }
  if (!isPlainObject(value)) {
    return {
      ...nothing,
      repairs,
      repairCounts,
      repairTotal,
      issues: [{ path: [], message: `Details is ${describe(value)}, not an object` }]
    }
  }
  // Schema decoding walks the value recursively; refuse a hostile depth before it gets the chance to overflow.
  if (TolerantJson.exceedsDepth(value, maxDepth)) {
    return {
      ...nothing,
      repairs,
      repairCounts,
      repairTotal,
      issues: [{ path: [], message: `Details nests deeper than ${maxDepth} levels and was not decoded` }]
    }
  }
  const issues: Array<Issue> = []
  const decoded = details.salvage(value, [], issues)
  return { details: Option.getOrUndefined(decoded), repairs, repairCounts, repairTotal, issues }
}

const encodeDetails = Schema.encodeEither(Details, parseOptions)

/**
 * The document in the API's wire form (times as sent, counts as numbers or bigints), for JSON output. A decoded
 * document always encodes; should one not, it is returned as decoded rather than failing the output.
 */
export const encode = (value: Details): unknown => Either.getOrElse(encodeDetails(value), () => value)
