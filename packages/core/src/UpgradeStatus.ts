/**
 * The wire model of a `GetUpgradeStatus` answer, with the API's own PascalCase names, and the decoding of a raw body
 * into it. The schemas accept the drift the vendor is known for (numbers as strings, `"null"` for nothing, `Data` as
 * an object, two time formats) and keep `Details` as it came: `UpgradeDetails` decodes it, tolerantly, later.
 */
import { Either, Option, ParseResult, Schema } from "effect"
import * as HologresError from "./HologresError.ts"
import { isAbsent } from "./internal/absent.ts"
import { decodeCleanAnswer } from "./internal/response/cleanAnswer.ts"
import { TimestampFromWire } from "./internal/timestamp.ts"
import * as JsonWriter from "./JsonWriter.ts"
import * as TolerantJson from "./TolerantJson.ts"

export { isAbsent } from "./internal/absent.ts"

/**
 * An optional property whose absent-like values (see `isAbsent`) are treated as a missing key, and whose remaining
 * values are decoded by `schema`.
 */
export const optionalField = <A, I, R>(schema: Schema.Schema<A, I, R>) =>
  Schema.optionalToOptional(Schema.Unknown, schema, {
    // `schema` validates whatever is passed on, so handing it the unchecked value is safe.
    decode: (value) => Option.filter(value, (v) => !isAbsent(v)) as Option.Option<I>,
    encode: (value) => value
  })

/**
 * A text field that some responses send as a number (`ErrorCode: 404`, or an id too long for a double, which the
 * tolerant parser keeps as a bigint); decoded to a string either way.
 */
export const Text = Schema.Union(
  Schema.String,
  Schema.transform(Schema.Union(Schema.Number, Schema.BigIntFromSelf), Schema.String, {
    strict: true,
    decode: (n) => String(n),
    encode: Number
  })
)

/** `HttpStatusCode`: documented as a string ("200"), sometimes a number; decoded to an integer. */
export const HttpStatusCode = Schema.transformOrFail(Schema.Union(Schema.Number, Schema.String), Schema.Int, {
  strict: true,
  decode: (raw, _, ast) => {
    const text = typeof raw === "number" ? String(raw) : raw.trim()
    return /^\d{1,3}$/.test(text)
      ? ParseResult.succeed(Number(text))
      : ParseResult.fail(new ParseResult.Type(ast, raw, `Expected an HTTP status code, got ${JSON.stringify(raw)}`))
  },
  encode: (code) => ParseResult.succeed(String(code))
})

/** `Success`: a boolean, or the strings "true"/"false" (any case). It is about the call, not the upgrade. */
export const Success = Schema.Union(
  Schema.Boolean,
  Schema.transformOrFail(Schema.String, Schema.Boolean, {
    strict: true,
    decode: (raw, _, ast) => {
      const text = raw.trim().toLowerCase()
      return text === "true" || text === "false"
        ? ParseResult.succeed(text === "true")
        : ParseResult.fail(new ParseResult.Type(ast, raw, `Expected true or false, got ${JSON.stringify(raw)}`))
    },
    encode: (flag) => ParseResult.succeed(String(flag))
  })
)

/** The workflow states the API documents. `archived` means the workflow ended, not that the upgrade succeeded. */
export const knownStatuses = ["preparing", "upgrading", "archived"] as const

/** One of the documented workflow states. */
export type KnownStatus = (typeof knownStatuses)[number]

/**
 * The workflow state of a record: the documented values plus any other string, kept verbatim (case included) so an
 * undocumented value is shown as it came rather than guessed at.
 */
export const Status = Text.annotations({
  identifier: "Status",
  description: `one of ${knownStatuses.join(", ")}, or any other string kept as given`
})

/** Whether a status is exactly one of the documented values (case-sensitive: `Upgrading` is not `upgrading`). */
export const isKnownStatus = (status: string): status is KnownStatus =>
  (knownStatuses as ReadonlyArray<string>).includes(status)

export { assumedZone, parseTimestamp, Timestamp, TimestampFromWire } from "./internal/timestamp.ts"

/**
 * One upgrade record of `Data`. `Details` stays as received (a JSON document in a string, an object, or absent);
 * decode it with `UpgradeDetails.decode`.
 */
export const UpgradeRecord = Schema.Struct({
  FromVersion: optionalField(Text),
  ToVersion: optionalField(Text),
  Status: optionalField(Status),
  Details: optionalField(Schema.Unknown),
  PrepareFinishTime: optionalField(TimestampFromWire)
})

/** One upgrade record; see `UpgradeRecord`. */
export interface UpgradeRecord extends Schema.Schema.Type<typeof UpgradeRecord> {}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** `Data`: an array of records, a single record object, an empty object, or absent; always decoded to an array. */
export const Data = Schema.transform(Schema.Unknown, Schema.Array(UpgradeRecord), {
  strict: true,
  decode: (value) => {
    if (isAbsent(value)) return []
    if (isPlainObject(value)) return Object.keys(value).length === 0 ? [] : [value]
    // An array passes as is; anything else fails the array schema with a message naming what was found.
    return value as ReadonlyArray<{}>
  },
  encode: (records) => records
})

/**
 * A `GetUpgradeStatus` answer. `Success` and `HttpStatusCode` describe the call; when the call succeeded the error
 * fields are informational (the vendor's own example pairs `Success: true` with `ErrorCode: "404"`).
 */
export const Response = Schema.Struct({
  RequestId: optionalField(Text),
  Data: Schema.optionalWith(Data, { default: () => [] }),
  Success: optionalField(Success),
  ErrorCode: optionalField(Text),
  ErrorMessage: optionalField(Text),
  HttpStatusCode: optionalField(HttpStatusCode)
})

/** A decoded `GetUpgradeStatus` answer; see `Response`. */
export interface Response extends Schema.Schema.Type<typeof Response> {}

/** Bodies above this many characters are refused before parsing; real answers are a few kilobytes. */
export const maxBodyLength = 16 * 1024 * 1024

/** How deep an answer may nest (`Details` sent as an object included); the documented shape needs about eight. */
export const maxDepth = 64

const decodeResponse = Schema.decodeUnknownEither(Response, { errors: "all" })

const describeValue = (value: unknown): string =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "an array"
      : typeof value === "object"
        ? "an object"
        : `a ${typeof value}`

/**
 * Decodes an already-parsed body. It must be an object carrying `Data` or `Success` (a gateway error document, for
 * one, has neither); absent-like values are treated as missing; other drift beyond what the schemas accept is a
 * `DecodeError` with reason `Schema`, naming the path of the first failing part.
 */
export const decodeUnknown = (value: unknown): Either.Either<Response, HologresError.DecodeError> => {
  if (!isPlainObject(value)) {
    return Either.left(
      new HologresError.DecodeError({
        reason: "Schema",
        message: `Expected a GetUpgradeStatus answer (a JSON object), found ${describeValue(value)}`,
        path: [],
        excerpt: HologresError.excerpt(safeText(value))
      })
    )
  }
  // Schema errors print the values they reject, recursively: a hostile depth must not get that far.
  if (TolerantJson.exceedsDepth(value, maxDepth)) {
    return Either.left(
      new HologresError.DecodeError({
        reason: "Schema",
        message: `The answer nests deeper than ${maxDepth} levels; no GetUpgradeStatus answer does`,
        path: [],
        excerpt: ""
      })
    )
  }
  if (!("Data" in value) && !("Success" in value)) {
    const keys = Object.keys(value).slice(0, 8).join(", ")
    return Either.left(
      new HologresError.DecodeError({
        reason: "Schema",
        message: `Not a GetUpgradeStatus answer: it has neither Data nor Success (keys: ${keys || "none"})`,
        path: [],
        excerpt: HologresError.excerpt(keys)
      })
    )
  }
  const clean = decodeCleanAnswer(value)
  if (clean !== undefined) return Either.right(clean as Response)
  return Either.mapLeft(decodeResponse(value), (error) => {
    // A union reports one issue per alternative; one line per path is enough to read.
    const seen = new Set<string>()
    const issues = ParseResult.ArrayFormatter.formatErrorSync(error).filter((issue) => {
      const key = issue.path.join(".")
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
    const first = issues[0]
    const listed = issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
      .join("; ")
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : ""
    return new HologresError.DecodeError({
      reason: "Schema",
      message: `The answer does not have the GetUpgradeStatus shape: ${listed}${more}`,
      path: (first?.path ?? []).map((key) => (typeof key === "symbol" ? String(key) : key)),
      excerpt: HologresError.excerpt(first?.message ?? "")
    })
  })
}

// Text of a value for an excerpt, for any value a caller may pass: `JSON.stringify` throws on a bigint and overflows on
// deep nesting, and `String` throws on an object without a prototype. The writer handles all of them but a cycle.
const safeText = (value: unknown): string => {
  if (typeof value === "string") return value
  try {
    return JsonWriter.stringify(value)
  } catch {
    return describeValue(value)
  }
}

const htmlTitle = /<title[^>]{0,100}>([^<]{0,200})/i

/**
 * Classifies a body that cannot be an answer before any parsing: too large, empty, or an HTML page (a gateway's 502
 * page, a captive portal). Returns `undefined` when the body deserves a parse.
 */
const refuseEarly = (text: string): HologresError.DecodeError | undefined => {
  if (text.length > maxBodyLength) {
    return new HologresError.DecodeError({
      reason: "TooLarge",
      message: `The body has ${text.length} characters, more than the ${maxBodyLength} accepted`,
      path: [],
      excerpt: HologresError.excerpt(text)
    })
  }
  const trimmed = text.replace(/^\uFEFF/, "").trim()
  if (trimmed === "") {
    return new HologresError.DecodeError({
      reason: "Empty",
      message: "The body is empty",
      path: [],
      excerpt: ""
    })
  }
  if (trimmed.startsWith("<")) {
    const title = htmlTitle.exec(trimmed)?.[1]?.trim()
    return new HologresError.DecodeError({
      reason: "Html",
      message: `The body is an HTML page, not JSON${title ? ` (title: ${HologresError.excerpt(title, 80)})` : ""}`,
      path: [],
      excerpt: HologresError.excerpt(trimmed)
    })
  }
  return undefined
}

// Repairs that mean the envelope itself was cut short.
const truncationKinds: ReadonlyArray<TolerantJson.RepairKind> = [
  "unexpected-end",
  "unterminated-string",
  "truncated-escape",
  "truncation-marker"
]

/** A decoded body and the repairs its outer document needed (none for valid JSON). */
export interface DecodedBody {
  readonly response: Response
  readonly repairs: ReadonlyArray<TolerantJson.Repair>
}

/**
 * Decodes a raw 2xx body, reporting the repairs the outer document needed. The document is read with
 * `TolerantJson`, so a damaged envelope is repaired rather than refused; an empty body, an HTML page or text that
 * holds no JSON object becomes a `DecodeError` (reason `Empty`, `Html`, `NotJson` or `TooLarge`) with a bounded
 * excerpt; a document cut short is reason `Truncated`; a JSON object of the wrong shape becomes reason `Schema`.
 */
export const decodeBodyWithRepairs = (text: string): Either.Either<DecodedBody, HologresError.DecodeError> => {
  const refused = refuseEarly(text)
  if (refused !== undefined) return Either.left(refused)
  const parsed = TolerantJson.parse(text, { maxLength: maxBodyLength })
  if (Either.isLeft(parsed)) {
    return Either.left(
      new HologresError.DecodeError({
        reason: parsed.left.reason === "input-too-large" ? "TooLarge" : "NotJson",
        message: `The body is not JSON: ${parsed.left.message}`,
        path: [],
        excerpt: HologresError.excerpt(text)
      })
    )
  }
  const { repairCounts, repairs, value } = parsed.right
  // A cut-off envelope is not a quirk of the vendor's: the transfer broke. Mending it would invent a partial
  // answer, so it is refused (and the client tries again).
  const cutAt = truncationKinds.find((kind) => (repairCounts[kind] ?? 0) > 0)
  if (cutAt !== undefined) {
    const offset = repairs.find((repair) => repair.kind === cutAt)?.offset ?? text.length
    return Either.left(
      new HologresError.DecodeError({
        reason: "Truncated",
        message: `The body ends before its JSON document does (${cutAt} at offset ${offset} of ${text.length})`,
        path: [],
        excerpt: HologresError.excerpt(text.slice(Math.max(0, text.length - 120)))
      })
    )
  }
  if (!isPlainObject(value)) {
    return Either.left(
      new HologresError.DecodeError({
        reason: "NotJson",
        message: `The body is ${describeValue(value)}, not a JSON object`,
        path: [],
        excerpt: HologresError.excerpt(text)
      })
    )
  }
  return Either.map(decodeUnknown(value), (response) => ({ response, repairs }))
}

/**
 * Decodes a raw 2xx body: the function the HTTP client applies to every successful answer. See
 * `decodeBodyWithRepairs` for the rules; this drops the list of repairs.
 */
export const decodeBody = (text: string): Either.Either<Response, HologresError.DecodeError> =>
  Either.map(decodeBodyWithRepairs(text), (decoded) => decoded.response)
