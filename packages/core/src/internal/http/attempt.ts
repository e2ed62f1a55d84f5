/**
 * The failure of one attempt, as the retry schedule sees it, and the final error a caller sees once retrying stops.
 */
import { Data } from "effect"
import * as HologresError from "../../HologresError.ts"
import { formatSeconds } from "../assessment/spans.ts"

/** The error of one attempt, before retry totals are known. */
export type AttemptError = HologresError.RequestError | HologresError.ApiError | HologresError.DecodeError

/** One failed attempt: the error it would end the call with, whether another attempt may help, and what was seen. */
export class AttemptFailure extends Data.TaggedError("HologresAttemptFailure")<{
  readonly error: AttemptError
  readonly retryable: boolean
  readonly retryAfterMs: number | undefined
  readonly attempt: number
  readonly status: number | undefined
  readonly requestId: string | undefined
}> {}

const seconds = (ms: number): string => formatSeconds(ms / 1000)

/** The sentence appended to a final error: how many attempts, how long. */
export const totals = (attempts: number, elapsedMs: number): string =>
  `${attempts === 1 ? "1 attempt" : `${attempts} attempts`} in ${seconds(elapsedMs)}`

/** The error a call ends with: the last attempt's error, with the attempt count and elapsed time filled in. */
export const finalError = (error: AttemptError, attempts: number, elapsedMs: number): AttemptError => {
  // One sentence: a hint a caller adds after it then stands on its own instead of stacking parentheses.
  const message = `${error.message.replace(/[.\s]+$/, "")}; gave up after ${totals(attempts, elapsedMs)}`
  switch (error._tag) {
    case "HologresRequestError":
      return new HologresError.RequestError({
        reason: error.reason,
        message,
        attempts,
        elapsedMs,
        cause: error.cause
      })
    case "HologresApiError":
      return new HologresError.ApiError({
        reason: error.reason,
        message,
        httpStatus: error.httpStatus,
        code: error.code,
        apiMessage: error.apiMessage,
        requestId: error.requestId,
        hostId: error.hostId,
        recommend: error.recommend,
        host: error.host,
        hint: error.hint,
        attempts,
        elapsedMs
      })
    case "HologresDecodeError":
      return new HologresError.DecodeError({
        reason: error.reason,
        message,
        path: error.path,
        excerpt: error.excerpt,
        ...(error.httpStatus === undefined ? {} : { httpStatus: error.httpStatus }),
        attempts,
        elapsedMs
      })
  }
}

/** A failed attempt that got no answer: nothing came back, or not in time. Always worth another attempt. */
export const requestFailure = (
  reason: "Transport" | "Timeout",
  message: string,
  attempt: number,
  cause?: unknown
): AttemptFailure =>
  new AttemptFailure({
    error: new HologresError.RequestError({ reason, message, attempts: attempt, elapsedMs: 0, cause }),
    retryable: true,
    retryAfterMs: undefined,
    attempt,
    status: undefined,
    requestId: undefined
  })
