/**
 * What one HTTP answer means: the decoded status, or an attempt failure carrying the error it would end the call
 * with and whether retrying may help.
 */
import { Either } from "effect"
import type * as Credentials from "../../Credentials.ts"
import * as HologresError from "../../HologresError.ts"
import * as RetryPolicy from "../../RetryPolicy.ts"
import * as UpgradeStatus from "../../UpgradeStatus.ts"
import { type AttemptError, AttemptFailure } from "./attempt.ts"
import { describe, hintFor, parseGatewayError, reasonOf } from "./gatewayError.ts"

/** One answer as received. */
export interface Answer {
  readonly attempt: number
  /** The local time the attempt was signed at. */
  readonly localTimeMs: number
  readonly host: string
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /**
   * Blanks the secret and the STS token out of text: a header a server echoes (a request id, a date) is as
   * untrusted as its body, and both end up in messages.
   */
  readonly conceal?: ((text: string) => string) | undefined
}

interface ApiFields {
  readonly reason: HologresError.ApiErrorReason
  readonly code: string | undefined
  readonly apiMessage: string | undefined
  readonly requestId: string | undefined
  readonly hostId?: string | undefined
  readonly recommend?: string | undefined
  readonly message?: string | undefined
}

/** Interprets an answer: 2xx bodies are decoded (and `Success: false` refused), anything else becomes an `ApiError`. */
export const interpret = (
  credentials: Credentials.Service,
  answer: Answer
): Either.Either<UpgradeStatus.Response, AttemptFailure> => {
  const { attempt, status, headers, body } = answer
  // Headers are read only where needed: a transport may build them lazily, and a clean success never needs them.
  const header = (name: string): string | undefined => {
    const value = headers[name]
    return value === undefined || answer.conceal === undefined ? value : answer.conceal(value)
  }
  const fail = (error: AttemptError, retryable: boolean, requestId = header("x-acs-request-id")) =>
    Either.left(
      new AttemptFailure({
        error,
        retryable,
        retryAfterMs: RetryPolicy.retryAfterMs(headers, answer.localTimeMs),
        attempt,
        status,
        requestId
      })
    )
  const apiError = (fields: ApiFields) =>
    new HologresError.ApiError({
      reason: fields.reason,
      message: fields.message ?? describe({ httpStatus: status, ...fields }),
      httpStatus: status,
      code: fields.code,
      apiMessage: fields.apiMessage,
      requestId: fields.requestId,
      hostId: fields.hostId,
      recommend: fields.recommend,
      host: answer.host,
      hint: hintFor(fields.reason, {
        credentialsSource: credentials.source,
        credentialWarnings: credentials.warnings,
        localTimeMs: answer.localTimeMs,
        serverDate: header("date")
      }),
      attempts: attempt,
      elapsedMs: 0
    })

  if (status >= 200 && status < 300) {
    const decoded = UpgradeStatus.decodeBody(body)
    if (Either.isLeft(decoded)) {
      const { reason, message, path, excerpt } = decoded.left
      // An empty or cut-off 200 is a broken transfer, worth another attempt; a wrong shape will not change.
      const retryable = reason === "Truncated" || reason === "Empty"
      return fail(new HologresError.DecodeError({ reason, message, path, excerpt, httpStatus: status }), retryable)
    }
    const response = decoded.right
    if (response.Success !== false) return Either.right(response)
    // `Success: false` in a 2xx: the call failed although the transport did not; its own status and code decide.
    const requestId = response.RequestId ?? header("x-acs-request-id")
    const code = response.ErrorCode
    const retry = RetryPolicy.classify({ _tag: "Response", status: response.HttpStatusCode ?? status, code })
    const error = apiError({ reason: "Unsuccessful", code, apiMessage: response.ErrorMessage, requestId })
    return fail(error, retry === "retry", requestId)
  }

  const gateway = parseGatewayError(body)
  const retryable = RetryPolicy.classify({ _tag: "Response", status, code: gateway?.code }) === "retry"
  if (gateway !== undefined) {
    const requestId = gateway.requestId ?? header("x-acs-request-id")
    const reason = reasonOf(gateway.code, status)
    if (reason === "NonceReused") {
      // Every attempt is signed afresh, so the gateway has seen this very request: something on the way re-sent it
      // and the answer to the first copy was lost. That is trouble in transit, and the next attempt gets through.
      const id = requestId === undefined ? "" : `, request id ${requestId}`
      const error = new HologresError.RequestError({
        reason: "Transport",
        message:
          `No usable answer: the signed request was re-sent unchanged after its first answer was lost ` +
          `(by the HTTP client on a reset connection, or by a proxy), ` +
          `and the gateway refused the copy as a replay (${gateway.code}${id})`,
        attempts: attempt,
        elapsedMs: 0
      })
      return fail(error, retryable, requestId)
    }
    const { code, hostId, recommend } = gateway
    return fail(
      apiError({ reason, code, apiMessage: gateway.message, requestId, hostId, recommend }),
      retryable,
      requestId
    )
  }

  // No error document: a proxy's or load balancer's page. Say what it was and show the start of it.
  const kind = /^\s*</.test(body) ? "an HTML page" : body.trim() === "" ? "an empty body" : "a non-JSON body"
  const excerpt = HologresError.excerpt(body)
  const message =
    `Hologres API error HTTP ${status} with ${kind} instead of the gateway's error document` +
    `${excerpt === "" ? "" : `: ${excerpt}`}`
  const error = apiError({
    reason: reasonOf(undefined, status),
    code: undefined,
    apiMessage: excerpt,
    requestId: header("x-acs-request-id"),
    message
  })
  return fail(error, retryable)
}
