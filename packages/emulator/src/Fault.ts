/**
 * Faults the emulator injects between a request that passed the gateway's checks and its answer: the trouble a
 * client meets on a real network (throttling, 5xx bursts, proxy pages, cut or empty bodies, slow and silent servers,
 * resets, oversized answers). They are scheduled per instance by request number, or drawn at random with the seed.
 */
import { Schema } from "effect"

/** Every kind of fault, as named in scenario files. */
export const kinds = [
  "throttle",
  "server-error",
  "html-502",
  "empty-body",
  "truncated-body",
  "slow",
  "hang",
  "reset",
  "huge-body",
  "forbidden",
  "replay"
] as const

/** A kind of fault. */
export type Kind = (typeof kinds)[number]

/**
 * One scheduled fault of an instance. Requests that reach an instance are numbered from 1; the fault hits numbers
 * `start` (default 1) to `start + count - 1` (default: every later one), each with `probability` (default 1).
 * `status` picks the 5xx of `server-error` (default 503) and the status of `huge-body` (default 200: a padded answer;
 * any other: a padded HTML error page, as a proxy's stack trace), `delayMs` the wait of `slow` (default 10 s), `bytes`
 * the size of `huge-body` (default 20 MiB), `retryAfterMs` the `x-acs-retry-after` of `throttle` (default 1000).
 * `forbidden` answers 403 `Forbidden.RAM`, as the gateway does when the caller's RAM policy lacks the action.
 * `replay` plays a proxy that sends the request to the gateway a second time (as one retrying an upstream does) and
 * relays the answer to that copy: the gateway has seen the nonce, so it is 400 `SignatureNonceUsed`.
 */
export const Spec = Schema.Struct({
  kind: Schema.Literal(...kinds),
  start: Schema.optional(Schema.Int.pipe(Schema.positive())),
  count: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  probability: Schema.optional(Schema.Number.pipe(Schema.between(0, 1))),
  status: Schema.optional(Schema.Int.pipe(Schema.between(200, 599))),
  delayMs: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  bytes: Schema.optional(Schema.Int.pipe(Schema.positive())),
  retryAfterMs: Schema.optional(Schema.Int.pipe(Schema.nonNegative()))
}).pipe(
  Schema.filter((spec) =>
    spec.kind === "server-error" && spec.status !== undefined && spec.status < 500
      ? `server-error answers a 5xx, not ${spec.status}`
      : undefined
  )
)

/** One scheduled fault of an instance. */
export type Spec = typeof Spec.Type

/** Kinds drawn by random faults unless told otherwise: the ones a client can recover from without waiting long. */
export const defaultRandomKinds: ReadonlyArray<Kind> = [
  "throttle",
  "server-error",
  "html-502",
  "empty-body",
  "truncated-body",
  "reset"
]

/**
 * Faults drawn at random for any instance: each request that passed the checks gets one with probability `rate`, its
 * kind picked uniformly from `kinds` (default `defaultRandomKinds`), using the emulator's seed.
 */
export const Random = Schema.Struct({
  rate: Schema.Number.pipe(Schema.between(0, 1)),
  kinds: Schema.optional(Schema.Array(Schema.Literal(...kinds)))
})

/** Random fault settings. */
export type Random = typeof Random.Type
