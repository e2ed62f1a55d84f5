/**
 * A scripted HTTP server on 127.0.0.1 for the adapter's tests: each request gets the next scripted answer (the last
 * repeats), and every request is recorded with its signature checked the way the gateway would check it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { Signature } from "@holo-upgrade/core"
import { Effect } from "effect"

/** What one scripted answer does. */
export type Answer =
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  | "stall"

/** A request as received, with the result of checking its V3 signature against `secret`. */
export interface Received {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly signatureValid: boolean
}

/** A running server. */
export interface Loopback {
  readonly url: string
  readonly received: Array<Received>
  readonly close: () => Promise<void>
}

const flatHeaders = (request: IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(",") : value
  }
  return out
}

/** Checks a received request's V3 signature with the given key pair, as a verifying gateway would. */
export const verify = (
  request: { readonly method: string; readonly url: string; readonly headers: Readonly<Record<string, string>> },
  accessKeyId: string,
  secret: string
): Promise<boolean> => {
  const parsed = Signature.parseAuthorization(request.headers.authorization ?? "")
  if (parsed === undefined || parsed.accessKeyId !== accessKeyId) return Promise.resolve(false)
  const [path = "", search = ""] = request.url.split("?")
  const { authorization: _, ...headers } = request.headers
  const signable: Signature.Request = {
    method: request.method,
    host: headers.host ?? "",
    path,
    query: Signature.parseQuery(search),
    headers
  }
  return Effect.runPromise(
    Signature.authorizationV3(signable, { accessKeyId, accessKeySecret: secret }, parsed.signedHeaders)
  ).then((expected) => expected === request.headers.authorization)
}

/** Starts a scripted server; `secret` is the key the signatures are checked against. */
export const startLoopback = async (
  answers: ReadonlyArray<Answer>,
  key: { readonly accessKeyId: string; readonly secret: string },
  host = "127.0.0.1"
): Promise<Loopback> => {
  const received: Array<Received> = []
  const sockets = new Set<Socket>()
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const headers = flatHeaders(request)
    const entry = { method: request.method ?? "", url: request.url ?? "", headers }
    const signatureValid = await verify(entry, key.accessKeyId, key.secret)
    received.push({ ...entry, signatureValid })
    const answer = answers[Math.min(received.length - 1, answers.length - 1)]!
    if (answer === "stall") return
    response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers })
    response.end(answer.body ?? "")
  }
  const server: Server = createServer((request, response) => void handle(request, response))
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
