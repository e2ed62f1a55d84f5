/**
 * The Promise client's route through a proxy: undici's proxy-aware dispatcher, with no Effect runtime in the way.
 * Imported only when a request needs a proxy, since undici is slow to load and large in memory.
 */
import { Transport } from "@holo-upgrade/core"
import type { Dispatcher } from "undici"
import { flatHeaders } from "./headers.ts"
import type { ProxySettings } from "./proxy.ts"
import { ProxyRouter } from "./router.ts"

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
  const transport: Transport.Transport = ({ url, headers, maxBodyBytes }) => {
    let control: Dispatcher.DispatchController | undefined
    let cancelled = false
    const answer = new Promise<Transport.Answer>((resolve, reject) => {
      const slash = url.indexOf("/", url.indexOf("//") + 2)
      let status = 0
      let answerHeaders: Record<string, string> = {}
      const chunks: Array<Buffer> = []
      let size = 0
      dispatcher.dispatch(
        { origin: url.slice(0, slash), path: url.slice(slash), method: "GET", headers },
        {
          onRequestStart: (controller) => {
            control = controller
            if (cancelled) controller.abort(new Error("The attempt was cancelled"))
          },
          onResponseStart: (_controller, statusCode, received) => {
            status = statusCode
            answerHeaders = flatHeaders(received)
          },
          onResponseData: (controller, chunk) => {
            size += chunk.byteLength
            chunks.push(chunk)
            if (size > maxBodyBytes) {
              const requestId = answerHeaders["x-acs-request-id"]
              controller.abort(Transport.tooLarge(status, maxBodyBytes, chunks, requestId))
            }
          },
          onResponseEnd: () =>
            resolve({ status, headers: answerHeaders, body: Buffer.concat(chunks, size).toString("utf8") }),
          onResponseError: (_controller, error) => reject(error)
        }
      )
    })
    const cancel = () => {
      cancelled = true
      control?.abort(new Error("The attempt was cancelled"))
    }
    return { answer, cancel }
  }
  return { transport, release: () => dispatcher.destroy() }
}
