/**
 * What the Promise call path (`PromiseClient`) needs from a runtime's HTTP stack: send one GET with the signed
 * headers, stop when told to, and hand back the status, the headers and the body as text, read under a size cap.
 * Adapters implement it over `node:http`, undici, `fetch` or anything else; the helpers here keep the cap the same
 * everywhere.
 */
import { headOf, textOf } from "./internal/http/bytes.ts"

/** One request to send. */
export interface Request {
  readonly url: string
  /**
   * Every header to send. `host` is the host of `url`, as signed; a stack that sets Host itself (`fetch` refuses it)
   * leaves it out.
   */
  readonly headers: Readonly<Record<string, string>>
  /** Bodies larger than this are refused with `BodyTooLarge`, never held in memory whole. */
  readonly maxBodyBytes: number
}

/** The answer as received. Header names are lower case; repeated headers are joined with `, `. */
export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * One request in flight. `answer` rejects with `BodyTooLarge` when the body passes the cap, and with whatever the HTTP
 * stack threw when no answer came (the caller reports that as a transport failure and keeps it as the cause).
 * `cancel` stops sending and reading, and `answer` then rejects; calling it after the answer came does nothing.
 *
 * A plain function rather than an `AbortSignal`: an attempt is cancelled rarely but started on every call, and
 * listening to a signal costs a measurable share of a small call.
 */
export interface Exchange {
  readonly answer: Promise<Answer>
  readonly cancel: () => void
}

/** Sends one request. */
export type Transport = (request: Request) => Exchange

/** The body passed `maxBodyBytes`; `head` is the start of what arrived, for an excerpt. */
export class BodyTooLarge extends Error {
  constructor(
    readonly status: number,
    readonly maxBytes: number,
    readonly head: string,
    /** The answer's `x-acs-request-id`, when it had one. */
    readonly requestId?: string | undefined
  ) {
    super(`The HTTP ${status} body is larger than the ${maxBytes} bytes accepted`)
    this.name = "BodyTooLarge"
  }
}

/** The `BodyTooLarge` for an answer whose parts so far (the last one included) passed the cap. */
export const tooLarge = (
  status: number,
  maxBytes: number,
  parts: ReadonlyArray<Uint8Array>,
  requestId?: string | undefined
): BodyTooLarge => new BodyTooLarge(status, maxBytes, headOf(parts), requestId)

/**
 * Whether the declared length alone bounds the body: a `Content-Length` within the cap and no content coding. HTTP/1.1
 * framing ends the body at that length, so it can be read in one piece; with a content coding the length is the
 * compressed one, and only counting decoded bytes bounds the memory.
 */
export const boundedByLength = (headers: Readonly<Record<string, string>>, maxBytes: number): boolean => {
  const declared = headers["content-length"]
  const coding = headers["content-encoding"]
  return (
    declared !== undefined &&
    /^\d{1,15}$/.test(declared) &&
    Number(declared) <= maxBytes &&
    (coding === undefined || coding === "" || coding.toLowerCase() === "identity")
  )
}

/**
 * A body read in one piece, as text. Checked against the cap again, for a runtime that decodes a content coding it
 * does not show (a browser under CORS hides `Content-Encoding`).
 */
export const wholeBody = (
  status: number,
  bytes: ArrayBuffer | Uint8Array,
  maxBytes: number,
  requestId?: string | undefined
): string => {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)
  if (view.byteLength > maxBytes) throw tooLarge(status, maxBytes, [view], requestId)
  return new TextDecoder("utf-8").decode(view)
}

/**
 * A body read chunk by chunk, as text, throwing `BodyTooLarge` as soon as more than `maxBytes` arrived. Leaving the
 * loop early returns the iterator, which cancels the rest of the transfer.
 */
export const cappedBody = async (
  status: number,
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
  requestId?: string | undefined
): Promise<string> => {
  const parts: Array<Uint8Array> = []
  let size = 0
  for await (const chunk of chunks) {
    size += chunk.byteLength
    parts.push(chunk)
    if (size > maxBytes) throw tooLarge(status, maxBytes, parts, requestId)
  }
  return textOf(parts, size)
}
/** An exchange on a transport still being loaded: the request goes out once it is ready, unless cancelled first. */
export const whenReady = (ready: Promise<Transport>, request: Request): Exchange => {
  let cancelled = false
  let inner: Exchange | undefined
  const answer = ready.then((transport) => {
    if (cancelled) throw new Error("The attempt was cancelled")
    inner = transport(request)
    return inner.answer
  })
  return {
    answer,
    cancel: () => {
      cancelled = true
      inner?.cancel()
    }
  }
}
