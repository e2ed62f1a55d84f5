/**
 * The Promise client's transport on Node: `node:http` and `node:https` with keep-alive agents for every origin that
 * goes direct, and undici's proxy agents, loaded on first need, for origins the proxy variables send through a proxy.
 * Node's own client costs no more CPU per call than undici's and leaves undici (tens of megabytes once its parser is
 * compiled) out of a process that never uses a proxy.
 */
import { Agent as HttpAgent, request as httpRequest } from "node:http"
import { Agent as HttpsAgent, request as httpsRequest } from "node:https"
import { Transport } from "@holo-upgrade/core"
import { type ProxySettings, proxyFor } from "./proxy.ts"

type Connection = { readonly transport: Transport.Transport; readonly release: () => Promise<void> }

/**
 * An answer whose headers are built from the raw list on first read: Node's own `headers` object goes through a
 * slower path, and a clean success is decoded without reading a header at all. A class rather than a getter in a
 * closure, so the answer holds the raw list and nothing else of the response.
 */
class NodeAnswer implements Transport.Answer {
  #headers: Record<string, string> | undefined
  constructor(
    readonly status: number,
    readonly rawHeaders: ReadonlyArray<string>,
    readonly body: string
  ) {}

  get headers(): Record<string, string> {
    if (this.#headers !== undefined) return this.#headers
    const out: Record<string, string> = {}
    for (let at = 0; at + 1 < this.rawHeaders.length; at += 2) {
      const name = this.rawHeaders[at]!.toLowerCase()
      const known = out[name]
      out[name] = known === undefined ? this.rawHeaders[at + 1]! : `${known}, ${this.rawHeaders[at + 1]!}`
    }
    this.#headers = out
    return out
  }
}

/** Sends one GET through `agent` and reads the answer under the cap, ending the transfer once the cap is passed. */
const exchange = (
  send: typeof httpRequest,
  agent: HttpAgent,
  { url, headers, maxBodyBytes }: Transport.Request
): Transport.Exchange => {
  let cancel = () => {}
  const answer = new Promise<Transport.Answer>((resolve, reject) => {
    const outgoing = send(url, { method: "GET", headers, agent }, (response) => {
      const status = response.statusCode ?? 0
      const chunks: Array<Buffer> = []
      let size = 0
      response.on("data", (chunk: Buffer) => {
        size += chunk.byteLength
        chunks.push(chunk)
        if (size > maxBodyBytes) {
          const requestId = new NodeAnswer(status, response.rawHeaders, "").headers["x-acs-request-id"]
          reject(Transport.tooLarge(status, maxBodyBytes, chunks, requestId))
          response.destroy()
        }
      })
      response.on("end", () => {
        const body = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString("utf8")
        resolve(new NodeAnswer(status, response.rawHeaders, body))
      })
      // A connection closed before the declared length arrived is destroyed with an "aborted" error here.
      response.on("error", reject)
    })
    outgoing.on("error", reject)
    outgoing.end()
    cancel = () => outgoing.destroy(new Error("The attempt was cancelled"))
  })
  return { answer, cancel: () => cancel() }
}

/** A `Transport` routing each origin directly or through its proxy, as `settings` say; `release` closes both. */
export const httpTransport = (settings: ProxySettings): Connection => {
  const http = new HttpAgent({ keepAlive: true })
  const https = new HttpsAgent({ keepAlive: true })
  // Requests go to a handful of origins (one per region), so the route of each is worked out once.
  const direct = new Map<string, boolean>()
  let proxied: Promise<Connection> | undefined

  const viaProxy = () => {
    proxied ??= import("./undici.ts").then((undici) => undici.undiciTransport(settings))
    return proxied
  }

  const transport: Transport.Transport = (request) => {
    const url = request.url
    const slash = url.indexOf("/", url.indexOf("//") + 2)
    const origin = url.slice(0, slash)
    let goesDirect = direct.get(origin)
    if (goesDirect === undefined) {
      goesDirect = proxyFor(new URL(origin), settings) === undefined
      direct.set(origin, goesDirect)
    }
    if (goesDirect) {
      return url.startsWith("https:") ? exchange(httpsRequest, https, request) : exchange(httpRequest, http, request)
    }
    return Transport.whenReady(
      viaProxy().then((connection) => connection.transport),
      request
    )
  }

  const release = async () => {
    http.destroy()
    https.destroy()
    if (proxied !== undefined) await (await proxied).release()
  }
  return { transport, release }
}
