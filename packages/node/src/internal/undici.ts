/**
 * The plain `Transport` the Promise client sends through: undici's proxy-aware dispatcher, with no Effect runtime in
 * the way. Imported on first use, like the `HttpClient` layer, since undici is slow to load.
 */
import { Transport } from "@holo-upgrade/core"
import type { Dispatcher } from "undici"
import type { ProxySettings } from "./proxy.ts"
import { ProxyRouter } from "./router.ts"

/** Undici's headers as the transport reports them: one string per name, repeated values joined with `, `. */
const flatHeaders = (headers: Record<string, string | Array<string> | undefined>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const name in headers) {
    const value = headers[name]
    if (value !== undefined) out[name] = typeof value === "string" ? value : value.join(", ")
  }
  return out
}

/**
 * A `Transport` over undici's dispatcher applying `settings`, with `release` destroying it. Requests are dispatched
 * with a handler of our own rather than through `request`: the answer is a few kilobytes, so collecting its chunks
 * directly skips the stream undici would build for the body, and the body cap aborts the transfer the moment it is
 * passed.
 */
export const undiciTransport = (
  settings: ProxySettings
): { readonly transport: Transport.Transport; readonly release: () => Promise<void> } => {
  const dispatcher = new ProxyRouter(settings)
  const transport: Transport.Transport = ({ url, headers, signal, maxBodyBytes }) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason)
      const slash = url.indexOf("/", url.indexOf("//") + 2)
      let control: Dispatcher.DispatchController | undefined
      let status = 0
      let answerHeaders: Record<string, string> = {}
      const chunks: Array<Buffer> = []
      let size = 0
      const onAbort = () => control?.abort(signal.reason)
      signal.addEventListener("abort", onAbort)
      const settle = () => signal.removeEventListener("abort", onAbort)
      dispatcher.dispatch(
        { origin: url.slice(0, slash), path: url.slice(slash), method: "GET", headers },
        {
          onRequestStart: (controller) => {
            control = controller
          },
          onResponseStart: (_controller, statusCode, received) => {
            status = statusCode
            answerHeaders = flatHeaders(received)
          },
          onResponseData: (controller, chunk) => {
            size += chunk.byteLength
            chunks.push(chunk)
            if (size > maxBodyBytes) {
              const head = Buffer.concat(chunks)
                .subarray(0, 16 * 1024)
                .toString("utf8")
              controller.abort(new Transport.BodyTooLarge(status, maxBodyBytes, head))
            }
          },
          onResponseEnd: () => {
            settle()
            resolve({ status, headers: answerHeaders, body: Buffer.concat(chunks, size).toString("utf8") })
          },
          onResponseError: (_controller, error) => {
            settle()
            reject(error)
          }
        }
      )
    })
  return { transport, release: () => dispatcher.destroy() }
}
