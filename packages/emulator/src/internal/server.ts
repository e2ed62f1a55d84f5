/**
 * The emulator's HTTP server: routes, the gateway's checks, flow control, faults and the scripted answers, on a real
 * `node:http` server. Everything it holds (sockets, timers, streams) is released by `close`.
 */
import { randomUUID } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { Signature } from "@holo-upgrade/core"
import type { AccessKey } from "../AccessKey.ts"
import type * as Fault from "../Fault.ts"
import * as RequestLog from "../RequestLog.ts"
import { faultPlanner } from "./faults.ts"
import { gatekeeper, type Outcome, type Rejection } from "./gatekeeper.ts"
import { fork, type Random } from "./random.ts"
import { throttle } from "./throttle.ts"
import { frameAt, type Plan } from "./timeline.ts"
import { badGatewayPage, gatewayErrorBody, upgradeStatusBody } from "./wire.ts"

/** Everything the server needs, already validated. */
export interface Config {
  readonly host: string
  readonly port: number
  readonly keys: ReadonlyArray<AccessKey>
  readonly plans: ReadonlyArray<Plan>
  readonly timeScale: number
  readonly now: () => number
  readonly random: Random
  readonly qps: number | undefined
  readonly latencyMs: number
  readonly randomFaults: Fault.Random | undefined
  readonly logCapacity: number
  readonly onRequest: ((entry: RequestLog.Entry) => void) | undefined
}

/** A listening server. */
export interface Running {
  readonly url: string
  readonly host: string
  readonly port: number
  readonly requests: () => ReadonlyArray<RequestLog.Entry>
  readonly clearRequests: () => void
  readonly instances: () => ReadonlyArray<string>
  readonly openRequests: () => number
  readonly close: () => Promise<void>
}

/** The only API route: one path segment, the instance id, as sent (percent-encoded). */
const apiRoute = /^\/api\/v1\/instances\/([^/]+)\/upgrade\/status$/
const action = "GetUpgradeStatus"
const version = "2022-06-01"
const maxRequestBody = 1024 * 1024
const jsonType = "application/json;charset=utf-8"

const flattenHeaders = (request: IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return headers
}

const readBody = (request: IncomingMessage): Promise<Uint8Array | undefined> =>
  new Promise((resolve) => {
    const chunks: Array<Buffer> = []
    let size = 0
    request.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxRequestBody) chunks.push(chunk)
    })
    request.on("end", () => resolve(size > maxRequestBody ? undefined : Buffer.concat(chunks)))
    request.on("error", () => resolve(undefined))
  })

/** Starts the server; resolves once it listens. */
export const listen = (config: Config): Promise<Running> => {
  const startedAt = config.now()
  const plans = new Map(config.plans.map((plan) => [plan.id, plan]))
  const log = RequestLog.ring(config.logCapacity)
  const gate = gatekeeper(config.keys, config.now)
  const quota = config.qps === undefined ? undefined : throttle(config.qps, config.now)
  const faults = faultPlanner(config.randomFaults, fork(config.random))
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const sockets = new Set<Socket>()
  let closed = false
  // API requests whose answer is neither complete nor abandoned by the client: a client that gives up on a slow or
  // silent answer without closing its connection keeps one open here.
  let open = 0

  const sleep = (ms: number) =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer)
            resolve()
          }, ms)
          timers.add(timer)
        })

  // Scenario time runs `timeScale` times faster than the clock, from the moment the emulator started.
  const scenarioSeconds = (plan: Plan) => ((config.now() - startedAt) * config.timeScale) / 1000 - plan.startAfter
  const wallOf = (plan: Plan) => (seconds: number) =>
    startedAt + ((plan.startAfter + seconds) * 1000) / config.timeScale

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const arrival = config.now()
    const rawUrl = request.url ?? "/"
    const mark = rawUrl.indexOf("?")
    const path = mark === -1 ? rawUrl : rawUrl.slice(0, mark)
    const search = mark === -1 ? "" : rawUrl.slice(mark + 1)
    const method = request.method ?? "GET"
    // The gateway's Date is its own clock's, which is what a client compares its clock with after a skew error.
    response.setHeader("date", new Date(arrival).toUTCString())

    if (method === "GET" && path === "/_emulator/instances") {
      return sendJson(response, 200, {}, JSON.stringify([...plans.keys()]))
    }
    if (method === "GET" && path === "/_emulator/requests") {
      return sendJson(response, 200, {}, JSON.stringify(log.entries()))
    }

    open += 1
    response.once("close", () => {
      open -= 1
    })
    const body = await readBody(request)
    const headers = flattenHeaders(request)
    const requestId = randomUUID().toUpperCase()
    let outcome: Outcome = { verdict: "not-checked" }
    let instanceId: string | undefined
    const record = (status: number | undefined, code?: string, fault?: string) => {
      const entry = log.add({
        time: new Date(arrival).toISOString(),
        method,
        path,
        query: search,
        accessKeyId: outcome.accessKeyId,
        nonce: outcome.nonce ?? headers["x-acs-signature-nonce"],
        signatureVersion: outcome.version,
        verdict: outcome.verdict,
        instanceId,
        status,
        code,
        fault,
        requestId
      })
      config.onRequest?.(entry)
    }
    const reject = (rejection: Rejection, extraHeaders: Record<string, string> = {}, fault?: string) => {
      record(rejection.status, rejection.code, fault)
      const document = gatewayErrorBody({ requestId, hostId: headers.host ?? config.host, ...rejection })
      sendJson(response, rejection.status, { "x-acs-request-id": requestId, ...extraHeaders }, document)
    }

    await sleep(config.latencyMs)
    const route = apiRoute.exec(path)
    if (method !== "GET" || route === null) {
      return reject({
        status: 404,
        code: "InvalidAction.NotFound",
        message: "Specified api is not found, please check your url and method."
      })
    }
    if (body === undefined) {
      return reject({ status: 400, code: "InvalidParameter", message: "The request body is larger than 1 MiB." })
    }
    for (const [header, expected] of [
      ["x-acs-action", action],
      ["x-acs-version", version]
    ] as const) {
      const sent = headers[header]
      if (sent === undefined) {
        return reject({ status: 400, code: "MissingParameter", message: `The input parameter ${header} is missing.` })
      }
      if (sent !== expected) {
        return reject({
          status: 400,
          code: "InvalidParameter",
          message:
            `The specified parameter Action or Version is not valid: ` +
            `${header} is "${sent}", this path serves ${action} ${version}.`
        })
      }
    }

    outcome = await gate.check({ method, path, query: Signature.parseQuery(search), headers, body })
    if (outcome.rejection !== undefined) return reject(outcome.rejection)
    if (quota !== undefined) {
      const admission = quota.admit(outcome.accessKeyId!)
      if (!admission.admitted) {
        return reject(
          { status: 400, code: "Throttling.User", message: "Request was denied due to user flow control." },
          { "x-acs-retry-after": String(admission.retryAfterMs) }
        )
      }
    }

    instanceId = safeDecode(route[1]!)
    const plan = instanceId === undefined ? undefined : plans.get(instanceId)
    if (plan === undefined) {
      return reject({
        status: 404,
        code: "InvalidInstanceId.NotFound",
        message: `The specified instance ${instanceId ?? route[1]} does not exist.`
      })
    }

    const fault = faults.next(plan)
    const answer = () =>
      upgradeStatusBody(plan, frameAt(plan, scenarioSeconds(plan)), {
        requestId,
        wallOf: wallOf(plan),
        timeScale: config.timeScale
      })
    const ok = { "x-acs-request-id": requestId }
    switch (fault?.kind) {
      case "replay": {
        // The first copy was answered to the proxy, which dropped that answer and sent the request again.
        record(200, undefined, fault.kind)
        outcome = await gate.check({ method, path, query: Signature.parseQuery(search), headers, body })
        if (outcome.rejection !== undefined) return reject(outcome.rejection, {}, fault.kind)
        record(200, undefined, fault.kind)
        return sendJson(response, 200, ok, answer())
      }
      case undefined:
        record(200)
        return sendJson(response, 200, ok, answer())
      case "throttle":
        return reject(
          { status: 400, code: "Throttling.User", message: "Request was denied due to user flow control." },
          { "x-acs-retry-after": String(fault.retryAfterMs ?? 1000) },
          fault.kind
        )
      case "server-error": {
        const status = fault.status ?? 503
        const [code, message] =
          status === 503
            ? ["ServiceUnavailable", "The request has failed due to a temporary failure of the server."]
            : status === 504
              ? ["GatewayTimeout", "The request has timed out at the gateway."]
              : ["InternalError", "The request processing has failed due to some unknown error, exception or failure."]
        return reject({ status, code, message }, {}, fault.kind)
      }
      case "html-502":
        record(502, undefined, fault.kind)
        return send(response, 502, { "content-type": "text/html" }, badGatewayPage)
      case "empty-body":
        record(200, undefined, fault.kind)
        return sendJson(response, 200, ok, "")
      case "truncated-body": {
        record(200, undefined, fault.kind)
        const full = answer()
        return sendJson(response, 200, ok, full.slice(0, Math.floor(full.length / 2)))
      }
      case "slow":
        record(200, undefined, fault.kind)
        await sleep(fault.delayMs ?? 10_000)
        return sendJson(response, 200, ok, answer())
      case "hang":
        // Never answered: the socket stays open until the client gives up or the emulator closes.
        record(undefined, undefined, fault.kind)
        return
      case "reset":
        record(undefined, undefined, fault.kind)
        request.socket.resetAndDestroy()
        return
      case "huge-body": {
        const status = fault.status ?? 200
        record(status, undefined, fault.kind)
        const bytes = fault.bytes ?? 20 * 1024 * 1024
        return status === 200
          ? streamHuge(
              response,
              status,
              { "content-type": jsonType, ...ok },
              ['{"Padding":"', `",${answer().slice(1)}`],
              bytes
            )
          : streamHuge(response, status, { "content-type": "text/html" }, hugePageEnds(status), bytes)
      }
      case "forbidden":
        return reject(
          {
            status: 403,
            code: "Forbidden.RAM",
            message: `User not authorized to operate on the specified resource, or this API does not support RAM.`,
            accessDeniedDetail: {
              AuthAction: "hologram:GetUpgradeStatus",
              AuthPrincipalDisplayName: outcome.accessKeyId ?? "",
              PolicyType: "AccountLevelIdentityBasedPolicy",
              NoPermissionType: "ImplicitDeny"
            }
          },
          {},
          fault.kind
        )
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent || response.destroyed) return
      // A bug of the emulator's own still answers in the gateway's shape, naming itself.
      const requestId = randomUUID().toUpperCase()
      const document = gatewayErrorBody({
        requestId,
        hostId: request.headers.host ?? config.host,
        code: "InternalError",
        message: `The emulator failed: ${String(error)}`
      })
      sendJson(response, 500, { "x-acs-request-id": requestId }, document)
    })
  })
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })

  return new Promise<Running>((resolve, reject) => {
    server.once("error", reject)
    server.listen(config.port, config.host, () => {
      server.off("error", reject)
      const address = server.address() as AddressInfo
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address
      resolve({
        url: `http://${host}:${address.port}`,
        host: address.address,
        port: address.port,
        requests: () => log.entries(),
        clearRequests: () => log.clear(),
        instances: () => [...plans.keys()],
        openRequests: () => open,
        close: () => {
          if (closed) return Promise.resolve()
          closed = true
          for (const timer of timers) clearTimeout(timer)
          timers.clear()
          return new Promise<void>((done) => {
            server.close(() => done())
            // Idle keep-alive sockets, hung requests and half-sent bodies would otherwise hold the server open.
            server.closeAllConnections()
            for (const socket of sockets) socket.destroy()
          })
        }
      })
    })
  })
}

const safeDecode = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

const send = (response: ServerResponse, status: number, headers: Record<string, string>, body: string) => {
  if (response.destroyed) return
  response.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(body)) })
  response.end(body)
}

const sendJson = (response: ServerResponse, status: number, headers: Record<string, string>, body: string) =>
  send(response, status, { "content-type": jsonType, ...headers }, body)

/** The two ends of a huge HTML error page, as a proxy that dumps a stack trace writes one. */
const hugePageEnds = (status: number): readonly [string, string] => [
  `<html><head><title>${status} Error</title></head><body><h1>${status} Error</h1><pre>`,
  "</pre></body></html>"
]

/**
 * A body padded to about `bytes` between its two ends (for 200, a valid answer with a `Padding` field first), streamed
 * in chunks with no Content-Length, as a runaway server sends it.
 */
const streamHuge = (
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  [prefix, suffix]: readonly [string, string],
  bytes: number
) => {
  if (response.destroyed) return
  let remaining = Math.max(0, bytes - prefix.length - suffix.length)
  const chunk = Buffer.alloc(64 * 1024, "x")
  response.writeHead(status, headers)
  response.write(prefix)
  const pump = () => {
    while (remaining > 0) {
      if (response.destroyed) return
      const size = Math.min(remaining, chunk.length)
      remaining -= size
      if (!response.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
        response.once("drain", pump)
        return
      }
    }
    response.end(suffix)
  }
  pump()
}
