/**
 * The Hologres `GetUpgradeStatus` client as an Effect service: validates its input, signs every attempt afresh,
 * retries what is transient, bounds time and memory, and maps every failure to a `HologresError`.
 */

// Submodule imports: the package index also loads msgpackr, which reads the environment as soon as it is imported
// (a permission prompt under Deno's least-privilege flags).
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Clock, Config, Context, Duration, Effect, Either, Layer, Ref, Schedule } from "effect"
import * as Credentials from "./Credentials.ts"
import * as HologresError from "./HologresError.ts"
import { formatSeconds } from "./internal/assessment/spans.ts"
import { AttemptFailure, finalError, requestFailure } from "./internal/http/attempt.ts"
import { readCapped } from "./internal/http/body.ts"
import { concealer } from "./internal/http/conceal.ts"
import { interpret } from "./internal/http/interpret.ts"
import * as RetryPolicy from "./RetryPolicy.ts"
import * as Signature from "./Signature.ts"
import type * as UpgradeStatus from "./UpgradeStatus.ts"

/** The API version this client speaks. */
export const apiVersion = "2022-06-01"

/** The endpoint when none is given; `{regionId}` is replaced by the call's region. */
export const defaultEndpoint = "https://hologram.{regionId}.aliyuncs.com"

/** Bodies larger than this are refused (8 MiB; real answers are a few kilobytes). */
export const defaultMaxBodyBytes = 8 * 1024 * 1024

/** What a region id may contain; anything else must never reach a host name. */
export const regionPattern = /^[a-z0-9-]+$/

/** What one call asks for. */
export interface GetUpgradeStatusInput {
  readonly instanceId: string
  readonly regionId: string
}

/**
 * One attempt, reported to `onAttempt` once its outcome is known: `success`, `retry` (with the wait before the next
 * attempt) or `final`. Carries no header values, so it is safe to print.
 */
export interface AttemptEvent {
  readonly attempt: number
  readonly method: string
  readonly url: string
  readonly outcome: "success" | "retry" | "final"
  readonly status: number | undefined
  readonly requestId: string | undefined
  readonly delayMs: number | undefined
  readonly error: string | undefined
}

/** How a client is built. Every field is optional. */
export interface Options {
  /**
   * Where requests go, as a URL with no path (`http://127.0.0.1:8080` for an emulator or a proxy); `{regionId}` is
   * replaced by the call's region. Default `defaultEndpoint`.
   */
  readonly endpoint?: string | undefined
  /** `v3` (ACS3-HMAC-SHA256, default) or `v1` (ROA, HMAC-SHA1). */
  readonly signatureVersion?: Signature.Version | undefined
  /** Overrides of the `RetryPolicy` in context. */
  readonly retry?: Partial<RetryPolicy.Policy> | undefined
  /** Default `defaultMaxBodyBytes`. */
  readonly maxBodyBytes?: number | undefined
  /** The hash primitives to sign with; default `Signature.webCrypto`. */
  readonly hashing?: Signature.Hashing | undefined
  /** Called once per attempt; this is how a command shows `--debug` output, since the library never logs. */
  readonly onAttempt?: ((event: AttemptEvent) => Effect.Effect<void>) | undefined
}

/** The client. */
export interface Service {
  /** Reads the upgrade status of one instance. */
  readonly getUpgradeStatus: (
    input: GetUpgradeStatusInput
  ) => Effect.Effect<
    UpgradeStatus.Response,
    HologresError.RequestError | HologresError.ApiError | HologresError.DecodeError
  >
}

/** The `GetUpgradeStatus` client service. */
export class HologresClient extends Context.Tag("@holo-upgrade/core/HologresClient")<HologresClient, Service>() {}

const invalidOption = (message: string) => new HologresError.ConfigError({ reason: "InvalidOption", message })

/** Checks an endpoint template: an absolute http(s) URL with no path, query, fragment or user info. */
export const validateEndpoint = (template: string): Either.Either<string, HologresError.ConfigError> => {
  let url: URL
  try {
    url = new URL(template.replaceAll("{regionId}", "cn-hangzhou"))
  } catch {
    return Either.left(invalidOption(`The endpoint ${JSON.stringify(template)} is not a URL`))
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Either.left(invalidOption(`The endpoint ${url.origin} must use http or https`))
  }
  if (url.username !== "" || url.password !== "") {
    // Said without the user info: it may hold a password.
    return Either.left(invalidOption(`The endpoint ${url.protocol}//…@${url.host} must not carry a user or password`))
  }
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    return Either.left(invalidOption(`The endpoint ${JSON.stringify(template)} must be an origin only, with no path`))
  }
  return Either.right(template)
}

/** Whether a URL host names this machine: `localhost`, 127.0.0.0/8 or ::1. */
export const isLoopbackHost = (hostname: string): boolean =>
  hostname === "localhost" ||
  hostname.endsWith(".localhost") ||
  /^127(\.\d{1,3}){3}$/.test(hostname) ||
  hostname === "[::1]" ||
  hostname === "::1"

/**
 * Why an endpoint template exposes requests in transit: plain `http` to a host that is not this machine sends the
 * signed request, and an STS token, across the network unencrypted. `undefined` for https, loopback, or a template
 * that is not a URL (which `validateEndpoint` refuses).
 */
export const insecureEndpoint = (template: string): string | undefined => {
  let url: URL
  try {
    url = new URL(template.replaceAll("{regionId}", "cn-hangzhou"))
  } catch {
    return undefined
  }
  if (url.protocol !== "http:" || isLoopbackHost(url.hostname)) return undefined
  const shown = url.username === "" && url.password === "" ? template : `${url.protocol}//…@${url.host}`
  return (
    `The endpoint ${shown} is plain http to a host other than this machine: ` +
    `requests, and an STS token, would cross the network unencrypted (use https)`
  )
}

/**
 * The first problem with a client's options and the policy in effect: an endpoint `validateEndpoint` refuses, or a
 * size or time that is not a positive number. Both clients check the same way before anything is sent.
 */
export const checkOptions = (
  options: Pick<Options, "endpoint" | "maxBodyBytes">,
  policy: RetryPolicy.Policy
): HologresError.ConfigError | undefined => {
  const endpoint = validateEndpoint(options.endpoint ?? defaultEndpoint)
  if (Either.isLeft(endpoint)) return endpoint.left
  const numbers: ReadonlyArray<readonly [string, number | undefined]> = [
    ["maxBodyBytes", options.maxBodyBytes],
    ["maxAttempts", policy.maxAttempts],
    ["attemptTimeoutMs", policy.attemptTimeoutMs],
    ["deadlineMs", policy.deadlineMs]
  ]
  for (const [name, value] of numbers) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      return invalidOption(`${name} must be a positive number, got ${value}`)
    }
  }
  return undefined
}

/** The request a call sends, before signing: method, host, encoded path, query and the API's fixed headers. */
export const describeRequest = (input: GetUpgradeStatusInput, host: string): Signature.Request => ({
  method: "GET",
  host,
  path: `/api/v1/instances/${Signature.pathSegment(input.instanceId)}/upgrade/status`,
  query: { RegionId: input.regionId },
  headers: { "x-acs-action": "GetUpgradeStatus", "x-acs-version": apiVersion, accept: "application/json" }
})

/** Refuses input that must not be sent: a malformed region, an empty or dot-only instance id. */
export const validateInput = (input: GetUpgradeStatusInput): HologresError.RequestError | undefined => {
  const refuse = (message: string) =>
    new HologresError.RequestError({ reason: "InvalidInput", message, attempts: 0, elapsedMs: 0 })
  if (!regionPattern.test(input.regionId)) {
    return refuse(
      `The region id ${JSON.stringify(HologresError.excerpt(input.regionId, 40))} is not valid: ` +
        `use lower-case letters, digits and dashes (cn-hangzhou)`
    )
  }
  if (input.instanceId === "") return refuse("The instance id is empty")
  // URL parsers resolve "." and ".." segments (even percent-encoded), so such an id would reach another route.
  if (input.instanceId === "." || input.instanceId === "..") {
    return refuse(`The instance id ${JSON.stringify(input.instanceId)} cannot be sent as a path segment`)
  }
  return undefined
}

// The platform error holds the request with its headers (security token included); only its cause is kept.
const transportError = (error: HttpClientError.HttpClientError, attempt: number) =>
  requestFailure("Transport", `No answer: ${error.message}`, attempt, error.cause)

/** Builds the service from the `HttpClient`, `Credentials` and `RetryPolicy` in context. */
export const make = (
  options: Options = {}
): Effect.Effect<Service, HologresError.ConfigError, HttpClient.HttpClient | Credentials.Credentials> =>
  Effect.gen(function* () {
    // Trace headers would only leak span ids to the vendor; the span itself stays local.
    const httpClient = HttpClient.withTracerPropagation(yield* HttpClient.HttpClient, false)
    const credentials = yield* Credentials.Credentials
    const conceal = concealer(credentials)
    const policy: RetryPolicy.Policy = { ...(yield* RetryPolicy.RetryPolicy), ...options.retry }
    const invalid = checkOptions(options, policy)
    if (invalid !== undefined) return yield* invalid
    const endpoint = options.endpoint ?? defaultEndpoint
    const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes
    const version = options.signatureVersion ?? "v3"
    const observe = options.onAttempt ?? (() => Effect.void)
    const hashing = options.hashing ?? Signature.webCrypto

    const getUpgradeStatus = Effect.fn("HologresClient.getUpgradeStatus")(function* (input: GetUpgradeStatusInput) {
      const refused = validateInput(input)
      if (refused !== undefined) return yield* refused

      const origin = new URL(endpoint.replaceAll("{regionId}", input.regionId))
      const request = describeRequest(input, origin.host)
      const url = Signature.wireUrl(origin.origin, request)
      const attempts = yield* Ref.make(0)
      const startedAt = yield* Clock.currentTimeMillis
      const event = (fields: Omit<AttemptEvent, "method" | "url">): AttemptEvent => ({ method: "GET", url, ...fields })

      const attemptBody = (attempt: number) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const instant = { date: new Date(now), nonce: Signature.newNonce() }
          const signed = yield* Effect.promise(() =>
            Signature.signPromise(version, request, credentials, instant, hashing)
          )
          // The HTTP client derives Host from the URL, which is exactly the host that was signed.
          const { host: _host, ...headers } = signed

          const response = yield* httpClient
            .execute(HttpClientRequest.get(url, { headers }))
            .pipe(Effect.mapError((error) => transportError(error, attempt)))
          const echoedId = response.headers["x-acs-request-id"]
          const requestId = echoedId === undefined ? undefined : conceal(echoedId)
          const raw = yield* readCapped(response, maxBodyBytes, conceal).pipe(
            Effect.mapError((error) =>
              error._tag === "HologresDecodeError"
                ? new AttemptFailure({
                    error,
                    retryable: RetryPolicy.classify({ _tag: "Response", status: response.status }) === "retry",
                    retryAfterMs: undefined,
                    attempt,
                    status: response.status,
                    requestId
                  })
                : transportError(error, attempt)
            )
          )

          const decoded = yield* interpret(credentials, {
            attempt,
            localTimeMs: now,
            host: origin.host,
            status: response.status,
            headers: response.headers,
            // A server may echo the token back (a signature mismatch quotes what it signed); nothing reads it there.
            body: conceal(raw),
            conceal
          })
          yield* observe(
            event({
              attempt,
              outcome: "success",
              status: response.status,
              requestId: decoded.RequestId ?? requestId,
              delayMs: undefined,
              error: undefined
            })
          )
          return decoded
        }).pipe(
          Effect.timeoutFail({
            duration: Duration.millis(policy.attemptTimeoutMs),
            onTimeout: () =>
              requestFailure("Timeout", `No complete answer within ${policy.attemptTimeoutMs} ms`, attempt)
          })
        )
      const attemptOnce = Effect.flatMap(
        Ref.updateAndGet(attempts, (n) => n + 1),
        attemptBody
      )

      const schedule = RetryPolicy.schedule<AttemptFailure>(policy, startedAt).pipe(
        Schedule.tapOutput((step) =>
          observe(
            event({
              attempt: step.attempt,
              outcome: step.delayMs === undefined ? "final" : "retry",
              status: step.failure.status,
              requestId: step.failure.requestId,
              delayMs: step.delayMs,
              error: step.failure.error.message
            })
          )
        )
      )

      // Most calls succeed at the first attempt, so the retry schedule and the deadline race (each a fiber and a
      // timer, a large share of a call's CPU time) start only after a failure. That failure is replayed into the
      // schedule first, so the schedule judges exactly the attempts it would have judged from the start.
      const retryAfter = (first: AttemptFailure) => {
        let pending: AttemptFailure | undefined = first
        const replayed = Effect.suspend(() => {
          if (pending === undefined) return attemptOnce
          const failure = pending
          pending = undefined
          return Effect.fail(failure)
        })
        return Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.timeout(Effect.retry(replayed, schedule), Duration.millis(policy.deadlineMs - (now - startedAt)))
        )
      }
      // The first attempt is already bounded by its own timeout, unless that is longer than the deadline.
      const firstAttempt =
        policy.attemptTimeoutMs <= policy.deadlineMs
          ? attemptOnce
          : Effect.timeout(attemptOnce, Duration.millis(policy.deadlineMs))

      const outcome = yield* Effect.either(
        Effect.catchIf(firstAttempt, (error) => error._tag === "HologresAttemptFailure", retryAfter)
      )
      if (Either.isRight(outcome)) return outcome.right
      const elapsedMs = (yield* Clock.currentTimeMillis) - startedAt
      const made = yield* Ref.get(attempts)
      if (outcome.left._tag === "HologresAttemptFailure") return yield* finalError(outcome.left.error, made, elapsedMs)
      return yield* new HologresError.RequestError({
        reason: "Deadline",
        message:
          `No answer within the ${policy.deadlineMs} ms deadline; ` +
          `gave up after ${made} attempts in ${formatSeconds(elapsedMs / 1000)}`,
        attempts: made,
        elapsedMs
      })
    })

    return HologresClient.of({ getUpgradeStatus })
  })

/** A layer building the client from the `HttpClient` and `Credentials` it is given. */
export const layer = (
  options: Options = {}
): Layer.Layer<HologresClient, HologresError.ConfigError, HttpClient.HttpClient | Credentials.Credentials> =>
  Layer.effect(HologresClient, make(options))

/** The options `layerConfig` can read from effect `Config`. */
export interface ConfigOptions {
  readonly endpoint: string | undefined
  readonly signatureVersion: Signature.Version | undefined
  readonly maxBodyBytes: number | undefined
}

/**
 * A layer whose options come from effect `Config` (for example
 * `Config.option(Config.string("HOLOGRES_ENDPOINT"))`).
 */
export const layerConfig = (
  options: Config.Config.Wrap<ConfigOptions>
): Layer.Layer<HologresClient, HologresError.ConfigError, HttpClient.HttpClient | Credentials.Credentials> =>
  Layer.unwrapEffect(
    Config.unwrap(options).pipe(
      Effect.mapError((error) => invalidOption(`Invalid client configuration: ${String(error)}`)),
      Effect.map((resolved) => layer(resolved))
    )
  )
