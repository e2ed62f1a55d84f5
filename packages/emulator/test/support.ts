/** Test helpers: a signed call to a running emulator over a real socket, and a raw request for odd cases. */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http"
import { Signature } from "@holo-upgrade/core"
import { Effect, Redacted } from "effect"
import type { AccessKey } from "../src/index.ts"

/** What came back over the socket, or the transport error when no answer did. */
export type Reply =
  | { readonly kind: "answer"; readonly status: number; readonly headers: IncomingHttpHeaders; readonly body: string }
  | { readonly kind: "error"; readonly code: string; readonly bodySoFar: string }

/** A raw GET to the emulator, without keep-alive so every call has its own connection. */
export const rawGet = (
  url: string,
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 5_000
): Promise<Reply> =>
  new Promise((resolve) => {
    let bodySoFar = ""
    const outgoing = httpRequest(`${url}${path}`, { method: "GET", headers, agent: false }, (incoming) => {
      incoming.setEncoding("utf8")
      incoming.on("data", (chunk: string) => {
        bodySoFar += chunk
      })
      incoming.on("end", () =>
        resolve({ kind: "answer", status: incoming.statusCode ?? 0, headers: incoming.headers, body: bodySoFar })
      )
      incoming.on("error", (error: NodeJS.ErrnoException) =>
        resolve({ kind: "error", code: error.code ?? error.message, bodySoFar })
      )
    })
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })))
    outgoing.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ kind: "error", code: error.code ?? error.message, bodySoFar })
    )
    outgoing.end()
  })

/** Options of a signed call; anything not given is what a correct client sends. */
export interface CallOptions {
  readonly version?: Signature.Version
  readonly key?: AccessKey.AccessKey
  readonly secret?: string
  readonly date?: Date
  readonly nonce?: string
  readonly query?: Record<string, string>
  /** A query to send instead of the signed one (to tamper with a request). */
  readonly sendQuery?: Record<string, string>
  readonly headers?: Record<string, string>
  /** Changes applied to the signed headers after signing (to tamper with a request). */
  readonly tamper?: (headers: Record<string, string>) => Record<string, string>
  readonly timeoutMs?: number
}

/** The path of the API for an instance id, encoded as a client must send it. */
export const apiPath = (instanceId: string) => `/api/v1/instances/${Signature.pathSegment(instanceId)}/upgrade/status`

/** Signs a GetUpgradeStatus request with core's signer and sends it to the emulator at `url`. */
export const signedGet = async (url: string, instanceId: string, options: CallOptions = {}): Promise<Reply> => {
  const host = new URL(url).host
  const key = options.key!
  const request: Signature.Request = {
    method: "GET",
    host,
    path: apiPath(instanceId),
    query: options.query ?? { RegionId: "cn-hangzhou" },
    headers: {
      "x-acs-action": "GetUpgradeStatus",
      "x-acs-version": "2022-06-01",
      accept: "application/json",
      ...options.headers
    }
  }
  const credentials: Signature.SigningCredentials = {
    accessKeyId: key.accessKeyId,
    accessKeySecret: options.secret === undefined ? key.accessKeySecret : Redacted.make(options.secret),
    securityToken: key.securityToken
  }
  const instant = { date: options.date ?? new Date(), nonce: options.nonce ?? Signature.newNonce() }
  const signed = await Effect.runPromise(Signature.sign(options.version ?? "v3", request, credentials, instant))
  const headers = options.tamper === undefined ? signed : options.tamper(signed)
  const wire = Signature.wireUrl(
    "",
    options.sendQuery === undefined ? request : { ...request, query: options.sendQuery }
  )
  return rawGet(url, wire, headers, options.timeoutMs)
}

/** The answer of a reply, failing the test when the transport failed instead. */
export const answer = (reply: Reply) => {
  if (reply.kind !== "answer") throw new Error(`expected an HTTP answer, got transport error ${reply.code}`)
  return reply
}

/** The JSON body of an answer. */
export const json = (reply: Reply): any => JSON.parse(answer(reply).body)

/** A clock a test moves by hand. */
export const manualClock = (start = Date.parse("2026-03-01T08:00:00Z")) => {
  let now = start
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms
    },
    date: () => new Date(now)
  }
}
