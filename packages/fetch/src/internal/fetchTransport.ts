/**
 * The plain `Transport` the Promise client sends through: one `fetch` per attempt, with the caller's `RequestInit`
 * fields merged in and no Effect runtime in the way.
 */
import { Transport } from "@holo-upgrade/core"

/** Which `fetch` to call (looked up per request when not given) and what to add to every request. */
export interface Settings {
  readonly fetch?: typeof globalThis.fetch | undefined
  readonly requestInit?: RequestInit | undefined
}

/** A fetch body as an async iterable of chunks, read through its reader so every runtime supports it. */
const chunksOf = (stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> => ({
  [Symbol.asyncIterator]: () => {
    const reader = stream.getReader()
    return {
      next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
      return: async () => {
        await reader.cancel()
        return { done: true, value: undefined }
      }
    }
  }
})

/**
 * An answer whose headers are copied out of the `Headers` object on first read: a clean success is decoded without
 * reading one, and iterating `Headers` is a measurable share of a small call.
 */
class FetchAnswer implements Transport.Answer {
  #headers: Record<string, string> | undefined
  constructor(
    readonly status: number,
    readonly received: Headers,
    readonly body: string
  ) {}

  get headers(): Record<string, string> {
    if (this.#headers !== undefined) return this.#headers
    const out: Record<string, string> = {}
    this.received.forEach((value, name) => {
      out[name] = value
    })
    this.#headers = out
    return out
  }
}

/** A `Transport` over `fetch`. A signed header replaces a `requestInit` header of the same name. */
export const fetchTransport = (settings: Settings): Transport.Transport => {
  // Headers of the caller's own go first, so a signed header of the same name replaces one; without any, the signed
  // record is sent as it is.
  const extraHeaders =
    settings.requestInit?.headers === undefined ? undefined : new Headers(settings.requestInit.headers)
  return ({ url, headers, maxBodyBytes }) => {
    const controller = new AbortController()
    const send = async (): Promise<Transport.Answer> => {
      // fetch sets Host from the URL itself (the host that was signed) and refuses one given to it.
      let sent: Record<string, string> | Headers
      if (extraHeaders === undefined) {
        sent = {}
        for (const name in headers) if (name !== "host") sent[name] = headers[name]!
      } else {
        sent = new Headers(extraHeaders)
        for (const name in headers) if (name !== "host") sent.set(name, headers[name]!)
      }
      const fetch = settings.fetch ?? globalThis.fetch
      const response = await fetch(url, {
        ...settings.requestInit,
        method: "GET",
        // A signed request is never followed elsewhere: fetch would carry the STS token header to any host.
        redirect: "manual",
        headers: sent,
        body: null,
        signal: controller.signal
      })
      const received = response.headers
      const requestId = received.get("x-acs-request-id") ?? undefined
      const framing: Record<string, string> = {}
      for (const name of ["content-length", "content-encoding"]) {
        const value = received.get(name)
        if (value !== null) framing[name] = value
      }
      const body =
        response.body === null
          ? ""
          : Transport.boundedByLength(framing, maxBodyBytes)
            ? Transport.wholeBody(response.status, await response.arrayBuffer(), maxBodyBytes, requestId)
            : await Transport.cappedBody(response.status, chunksOf(response.body), maxBodyBytes, requestId)
      return new FetchAnswer(response.status, received, body)
    }
    return { answer: send(), cancel: () => controller.abort() }
  }
}
