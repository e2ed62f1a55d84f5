/**
 * The few errors a Hologres call can end in. Each is tagged, carries a `reason` a program can branch on and a
 * message a person can act on; none ever holds a secret.
 */
import { Data } from "effect"

/** Why a request never produced a usable HTTP answer, or was refused before it was sent. */
export type RequestErrorReason = "InvalidInput" | "Transport" | "Timeout" | "Deadline"

/**
 * The request was not sent (invalid region or instance id: `InvalidInput`) or no answer came back in time
 * (`Transport`, `Timeout` for one attempt, `Deadline` for the whole retried call).
 */
export class RequestError extends Data.TaggedError("HologresRequestError")<{
  readonly reason: RequestErrorReason
  readonly message: string
  /** Attempts made before giving up (0 when the request was refused before sending). */
  readonly attempts: number
  /** Milliseconds from the first attempt to giving up. */
  readonly elapsedMs: number
  readonly cause?: unknown
}> {}

/**
 * How an API error is classified, so callers can react without parsing codes. `NonceReused` names the code
 * `SignatureNonceUsed`; the client itself reports it as a `Transport` failure, since it answers a copy of a request
 * that something on the way re-sent (see `RetryPolicy.replayedRequestCodes`).
 */
export type ApiErrorReason =
  | "Throttled"
  | "Unavailable"
  | "Authentication"
  | "ClockSkew"
  | "NonceReused"
  | "Permission"
  | "NotFound"
  | "Unsuccessful"
  | "Other"

/**
 * The gateway or the service answered with an error: HTTP 4xx/5xx with the gateway's error document, or a 2xx whose
 * body says `Success: false`. `hint` names the usual cause when one is known (wrong key, clock skew, RAM policy).
 */
export class ApiError extends Data.TaggedError("HologresApiError")<{
  readonly reason: ApiErrorReason
  readonly message: string
  readonly httpStatus: number
  readonly code: string | undefined
  readonly apiMessage: string | undefined
  readonly requestId: string | undefined
  readonly hostId: string | undefined
  readonly recommend: string | undefined
  readonly host: string
  readonly hint: string | undefined
  readonly attempts: number
  readonly elapsedMs: number
}> {}

/** What kind of body could not be decoded. */
export type DecodeErrorReason = "Empty" | "Html" | "NotJson" | "Schema" | "TooLarge" | "Truncated"

/**
 * A body that is not a `GetUpgradeStatus` answer at all: empty, an HTML page, not JSON, the wrong shape, cut short,
 * or larger than the configured cap. Carries the path of the failing part and a bounded excerpt of what was found.
 */
export class DecodeError extends Data.TaggedError("HologresDecodeError")<{
  readonly reason: DecodeErrorReason
  readonly message: string
  readonly path: ReadonlyArray<string | number>
  readonly excerpt: string
  readonly httpStatus?: number
  /** Attempts made, when the body came from a (possibly retried) call rather than from a caller's text. */
  readonly attempts?: number
  /** Milliseconds from the first attempt to giving up, when `attempts` is set. */
  readonly elapsedMs?: number
}> {}

/** Why configuration could not be turned into a working client. */
export type ConfigErrorReason =
  | "MissingCredentials"
  | "InvalidCredentials"
  | "MissingProfile"
  | "UnsupportedProfileMode"
  | "BrokenCredentialsFile"
  | "MissingRegion"
  | "InvalidOption"

/** Credentials, profile or option problems found before any call: the fix is in the user's set-up. */
export class ConfigError extends Data.TaggedError("HologresConfigError")<{
  readonly reason: ConfigErrorReason
  readonly message: string
  /** The file involved, when there is one (never its contents). */
  readonly path?: string
}> {}

/** Every error a `GetUpgradeStatus` call can fail with. */
export type HologresError = RequestError | ApiError | DecodeError | ConfigError

const excerptLimit = 200

/** A bounded, single-line excerpt of untrusted text for error messages. */
export const excerpt = (text: string, limit = excerptLimit): string => {
  const flat = text.replace(/\s+/g, " ").trim()
  return flat.length <= limit ? flat : `${flat.slice(0, limit)}…`
}
