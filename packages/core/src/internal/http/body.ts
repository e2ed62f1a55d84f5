/**
 * Reading a response body with a size cap enforced while it streams, so a huge or endless body never sits in memory.
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Effect, Stream } from "effect"
import * as HologresError from "../../HologresError.ts"
import { boundedByLength } from "../../Transport.ts"
import { headOf, textOf } from "./bytes.ts"

const tooLarge = (status: number, maxBytes: number, seen: string) =>
  new HologresError.DecodeError({
    reason: "TooLarge",
    message: `The HTTP ${status} body is larger than the ${maxBytes} bytes accepted`,
    path: [],
    excerpt: HologresError.excerpt(seen),
    httpStatus: status
  })

/**
 * The body as UTF-8 text, failing with `DecodeError` reason `TooLarge` as soon as more than `maxBytes` arrive, with an
 * excerpt of its start passed through `conceal`. Stopping the stream cancels the rest of the transfer.
 */
export const readCapped = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number,
  conceal: (text: string) => string = (text) => text
): Effect.Effect<string, HologresError.DecodeError | HttpClientError.ResponseError> => {
  // The common answer declares a small length: one read, without the per-chunk stream machinery (several times
  // the cost of the rest of the call on a small answer).
  if (boundedByLength(response.headers, maxBytes)) {
    // Checked again after the read, for a runtime that decodes a content coding it does not show (a browser under
    // CORS hides Content-Encoding).
    return Effect.flatMap(response.arrayBuffer, (buffer) =>
      buffer.byteLength > maxBytes
        ? Effect.fail(tooLarge(response.status, maxBytes, conceal(headOf([new Uint8Array(buffer)]))))
        : Effect.succeed(new TextDecoder("utf-8").decode(buffer))
    )
  }
  // Otherwise the cap is checked on the bytes as they arrive (no length, or a coded one); failing the fold cancels
  // the stream, which aborts the transfer.
  return response.stream.pipe(
    Stream.runFoldEffect({ chunks: [] as Array<Uint8Array>, size: 0 }, (state, chunk) => {
      const size = state.size + chunk.length
      if (size > maxBytes) {
        return Effect.fail(tooLarge(response.status, maxBytes, conceal(headOf([...state.chunks, chunk]))))
      }
      state.chunks.push(chunk)
      return Effect.succeed({ chunks: state.chunks, size })
    }),
    Effect.map((state) => textOf(state.chunks, state.size))
  )
}
