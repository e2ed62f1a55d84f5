/**
 * Reading a response body with a size cap enforced while it streams, so a huge or endless body never sits in memory.
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Effect, Stream } from "effect"
import * as HologresError from "../../HologresError.ts"

const tooLarge = (status: number, maxBytes: number, seen: string) =>
  new HologresError.DecodeError({
    reason: "TooLarge",
    message: `The HTTP ${status} body is larger than the ${maxBytes} bytes accepted`,
    path: [],
    excerpt: HologresError.excerpt(seen),
    httpStatus: status
  })

const utf8 = (chunks: ReadonlyArray<Uint8Array>, size: number): string => {
  const all = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.length
  }
  return new TextDecoder("utf-8").decode(all)
}

const head = (chunk: Uint8Array): string => new TextDecoder("utf-8").decode(chunk.subarray(0, 512))

/**
 * The body as UTF-8 text, failing with `DecodeError` reason `TooLarge` as soon as more than `maxBytes` arrive. Stopping the stream cancels the rest of the transfer.
 */
export const readCapped = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number
): Effect.Effect<string, HologresError.DecodeError | HttpClientError.ResponseError> => {
  // The cap is checked on the bytes as they arrive (a content-length could lie); failing the fold cancels the stream,
  // which aborts the transfer.
  return response.stream.pipe(
    Stream.runFoldEffect({ chunks: [] as Array<Uint8Array>, size: 0 }, (state, chunk) => {
      const size = state.size + chunk.length
      if (size > maxBytes) return Effect.fail(tooLarge(response.status, maxBytes, head(state.chunks[0] ?? chunk)))
      state.chunks.push(chunk)
      return Effect.succeed({ chunks: state.chunks, size })
    }),
    Effect.map((state) => utf8(state.chunks, state.size))
  )
}
