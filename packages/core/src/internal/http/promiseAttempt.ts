/**
 * The parts of the Promise call path that are about one attempt and its failures: ending an attempt early, and the
 * errors a call rejects with before or without an answer.
 */
import * as HologresError from "../../HologresError.ts"
import type * as Transport from "../../Transport.ts"

/**
 * How one attempt ends early: its timer expires or the client closes. It holds only the exchange in flight, not the
 * attempt's scope, so keeping it in the client's registry of attempts keeps nothing else of a call alive.
 */
export class AttemptControl {
  ended: "expired" | "closed" | undefined
  #exchange: Transport.Exchange | undefined
  #abandon: ((reason: unknown) => void) | undefined

  /** Waits for the exchange's answer, or until the attempt ends early, whatever the transport does with `cancel`. */
  send(exchange: Transport.Exchange): Promise<Transport.Answer> {
    this.#exchange = exchange
    return new Promise((resolve, reject) => {
      this.#abandon = reject
      exchange.answer.then(resolve, reject)
    })
  }

  end(why: "expired" | "closed"): void {
    this.ended ??= why
    this.#exchange?.cancel()
    this.#abandon?.(undefined)
  }
}

/** What a call rejects with once the client is closed (a programming error, not a `HologresError`). */
export const closedError = () => new Error("This holo-upgrade client is closed")

/** A call refused before anything was sent, for what it was given. */
export const invalidInput = (message: string) =>
  new HologresError.RequestError({ reason: "InvalidInput", message, attempts: 0, elapsedMs: 0 })

/** The kind of a value, for a message: "null", "an array", "an object", or its `typeof`. */
export const describeType = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : typeof value

/** Why the HTTP stack gave no answer, in words: its message and, when it wraps one, its cause's. */
export const describeCause = (cause: unknown): string => {
  const message = cause instanceof Error ? cause.message : String(cause)
  const inner = cause instanceof Error ? cause.cause : undefined
  const innerMessage = inner instanceof Error ? inner.message : undefined
  return innerMessage === undefined || innerMessage === message ? message : `${message} (${innerMessage})`
}
