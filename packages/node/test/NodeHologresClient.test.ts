import { createServer, type Server } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { HologresClient as Client, type HologresClient, type HologresError } from "@holo-upgrade/core"
import { Cause, Effect, Exit, Fiber, Option, TestClock } from "effect"
import { createClient, NodeHologresClient } from "../src/index.ts"
import { nodeHashing } from "../src/internal/nodeHashing.ts"
import { describeProxy, proxyFor, proxySettings } from "../src/internal/proxy.ts"
import { type Answer, type Loopback, startLoopback } from "./support/LoopbackServer.ts"

const key = { accessKeyId: "LTAIloopback", secret: "CANARY-node-secret-77aa" }
const token = "CANARY-node-token-88bb"

const okBody = JSON.stringify({
  RequestId: "req-ok",
  Success: true,
  Data: [{ FromVersion: "r3.0.1", ToVersion: "r3.1.0", Status: "archived", Details: "{}" }]
})

const gateway = (status: number, code: string, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { "x-acs-request-id": `req-${code}`, ...headers },
  body: JSON.stringify({
    RequestId: `req-${code}`,
    HostId: "hologram.cn-hangzhou.aliyuncs.com",
    Code: code,
    Message: `${code} message`,
    Recommend: "https://api.aliyun.com/troubleshoot"
  })
})

const realTurn = Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))

/** Runs a call under TestClock, letting real I/O progress between small clock steps. */
const drive = <A, E>(fiber: Fiber.RuntimeFiber<A, E>, stepMs = 20) =>
  Effect.gen(function* () {
    for (let step = 0; step < 200_000; step++) {
      const done = yield* Fiber.poll(fiber)
      if (Option.isSome(done)) return done.value
      yield* realTurn
      if (step % 4 === 3) yield* TestClock.adjust(stepMs)
    }
    return yield* Effect.die("the call never finished")
  })

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) return assert.fail("expected the call to fail")
  const failure = Cause.failureOption(exit.cause)
  if (Option.isNone(failure)) return assert.fail(Cause.pretty(exit.cause))
  return failure.value
}

const assertNoCanary = (value: unknown) => {
  for (const text of [String(value), JSON.stringify(value), (value as Error)?.message ?? ""]) {
    assert.notInclude(text, key.secret)
    assert.notInclude(text, token)
  }
}

interface Run {
  readonly server: Loopback
  readonly events: Array<HologresClient.AttemptEvent>
  readonly fiber: Fiber.RuntimeFiber<unknown, HologresError.HologresError>
}

const start = (server: Loopback, options: NodeHologresClient.Options = {}, instanceId = "hgprecn-cn-node") =>
  Effect.gen(function* () {
    const events: Array<HologresClient.AttemptEvent> = []
    const layer = NodeHologresClient.layer({
      endpoint: server.url,
      credentials: { explicit: { accessKeyId: key.accessKeyId, accessKeySecret: key.secret, securityToken: token } },
      env: {},
      onAttempt: (event) => Effect.sync(() => events.push(event)),
      // Signing on the calling thread keeps real time out of the clock-driven steps; Web Crypto's thread-pool round
      // trips can outlast a step on a busy machine. Both are held to the vendor's vectors elsewhere.
      hashing: nodeHashing,
      ...options
    })
    const call = Effect.flatMap(Client.HologresClient, (client) =>
      client.getUpgradeStatus({ instanceId, regionId: "cn-hangzhou" })
    ).pipe(Effect.provide(layer))
    const fiber = yield* Effect.fork(call)
    return { server, events, fiber } satisfies Run
  })

const withServer = <A, E>(answers: ReadonlyArray<Answer>, body: (server: Loopback) => Effect.Effect<A, E>) =>
  Effect.acquireUseRelease(
    Effect.promise(() => startLoopback(answers, key)),
    body,
    (server) => Effect.promise(() => server.close())
  )

describe("NodeHologresClient against a loopback server", () => {
  it.effect("503, 503, 200 succeeds in 3 attempts with 3 nonces and 3 valid signatures", () =>
    withServer(
      [gateway(503, "ServiceUnavailable"), { status: 503, body: "" }, { status: 200, body: okBody }],
      (server) =>
        Effect.gen(function* () {
          const run = yield* start(server, {}, "a/b c%é")
          const exit = yield* drive(run.fiber)
          assert.isTrue(Exit.isSuccess(exit))
          assert.strictEqual(server.received.length, 3)
          assert.strictEqual(new Set(server.received.map((r) => r.headers["x-acs-signature-nonce"])).size, 3)
          assert.strictEqual(new Set(server.received.map((r) => r.headers.authorization)).size, 3)
          for (const request of server.received) {
            assert.isTrue(request.signatureValid)
            assert.strictEqual(request.url, "/api/v1/instances/a%2Fb%20c%25%C3%A9/upgrade/status?RegionId=cn-hangzhou")
            assert.strictEqual(request.headers.host, new URL(server.url).host)
          }
          assert.deepStrictEqual(
            run.events.map((event) => [event.attempt, event.outcome, event.status]),
            [
              [1, "retry", 503],
              [2, "retry", 503],
              [3, "success", 200]
            ]
          )
        })
    )
  )

  it.effect("400 Throttling.User with x-acs-retry-after waits exactly that long, then succeeds", () =>
    withServer(
      [gateway(400, "Throttling.User", { "x-acs-retry-after": "2500" }), { status: 200, body: okBody }],
      (server) =>
        Effect.gen(function* () {
          const run = yield* start(server)
          while (run.events.length === 0) yield* realTurn
          assert.strictEqual(run.events[0]!.delayMs, 2500)
          yield* TestClock.adjust(2499)
          for (let i = 0; i < 50; i++) yield* realTurn
          assert.strictEqual(server.received.length, 1)
          yield* TestClock.adjust(1)
          const exit = yield* drive(run.fiber)
          assert.isTrue(Exit.isSuccess(exit))
          assert.strictEqual(server.received.length, 2)
        })
    )
  )

  it.effect("403 Forbidden.RAM is not retried; RequestId, Code and a hint are in the error", () =>
    withServer([gateway(403, "Forbidden.RAM")], (server) =>
      Effect.gen(function* () {
        const error = failureOf(yield* drive((yield* start(server)).fiber)) as HologresError.ApiError
        assert.strictEqual(server.received.length, 1)
        assert.strictEqual(error._tag, "HologresApiError")
        assert.strictEqual(error.code, "Forbidden.RAM")
        assert.strictEqual(error.requestId, "req-Forbidden.RAM")
        assert.strictEqual(error.reason, "Permission")
        assert.include(error.hint, "RAM")
        assertNoCanary(error)
      })
    )
  )

  it.effect("a server stalling past the attempt timeout is retried; the error names attempts and elapsed", () =>
    withServer(["stall"], (server) =>
      Effect.gen(function* () {
        const run = yield* start(server, { retry: { attemptTimeoutMs: 1_000, maxAttempts: 3 } })
        const error = failureOf(yield* drive(run.fiber, 50)) as HologresError.RequestError
        assert.strictEqual(server.received.length, 3)
        assert.strictEqual(error._tag, "HologresRequestError")
        assert.strictEqual(error.reason, "Timeout")
        assert.strictEqual(error.attempts, 3)
        assert.isAtLeast(error.elapsedMs, 3_000)
        assert.match(error.message, /3 attempts in \d+(\.\d)? s/)
        assertNoCanary(error)
      })
    )
  )

  it.effect("an HTML 502 is retried, then reported with an excerpt of the page", () =>
    withServer(
      [
        {
          status: 502,
          headers: { "content-type": "text/html" },
          body: "<html><title>502 Bad Gateway</title><body>nginx</body></html>"
        }
      ],
      (server) =>
        Effect.gen(function* () {
          const error = failureOf(yield* drive((yield* start(server)).fiber)) as HologresError.ApiError
          assert.strictEqual(server.received.length, 4)
          assert.strictEqual(error.reason, "Unavailable")
          assert.strictEqual(error.httpStatus, 502)
          assert.include(error.message, "<title>502 Bad Gateway</title>")
          assert.include(error.message, "4 attempts")
        })
    )
  )

  it.effect("200 with Success: false is an ApiError", () =>
    withServer(
      [
        {
          status: 200,
          body: JSON.stringify({
            RequestId: "r-1",
            Success: "false",
            ErrorCode: "InvalidInstance",
            ErrorMessage: "bad id",
            Data: []
          })
        }
      ],
      (server) =>
        Effect.gen(function* () {
          const error = failureOf(yield* drive((yield* start(server)).fiber)) as HologresError.ApiError
          assert.strictEqual(error._tag, "HologresApiError")
          assert.strictEqual(error.reason, "Unsuccessful")
          assert.strictEqual(error.requestId, "r-1")
          assert.strictEqual(server.received.length, 1)
        })
    )
  )

  it.effect("a body over the cap is refused while streaming", () =>
    withServer([{ status: 200, body: `{"Data":[],"Pad":"${"x".repeat(300_000)}"}` }], (server) =>
      Effect.gen(function* () {
        const error = failureOf(
          yield* drive((yield* start(server, { maxBodyBytes: 64 * 1024 })).fiber)
        ) as HologresError.DecodeError
        assert.strictEqual(error._tag, "HologresDecodeError")
        assert.strictEqual(error.reason, "TooLarge")
        assert.strictEqual(error.httpStatus, 200)
      })
    )
  )

  it.effect("a closed port is a retried transport error without secrets", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => startLoopback([], key))
      yield* Effect.promise(() => server.close())
      const run = yield* start(server, { retry: { maxAttempts: 2 } })
      const error = failureOf(yield* drive(run.fiber)) as HologresError.RequestError
      assert.strictEqual(error.reason, "Transport")
      assert.strictEqual(error.attempts, 2)
      assertNoCanary(error)
    })
  )
})

describe("NodeHologresClient proxy variables", () => {
  // A forward proxy on loopback that answers CONNECT by speaking HTTP itself on the tunnel, so nothing ever leaves
  // this machine; it records the targets it was asked for.
  const startProxy = async () => {
    const targets: Array<string> = []
    const sockets = new Set<Socket>()
    const inner = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" })
      response.end(JSON.stringify({ RequestId: "via-proxy", Success: true, Data: [] }))
    })
    const proxy: Server = createServer((_request, response) => {
      response.writeHead(501)
      response.end()
    })
    proxy.on("connect", (request, socket: Socket) => {
      targets.push(request.url ?? "")
      sockets.add(socket)
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n")
      inner.emit("connection", socket)
    })
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve))
    return {
      url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      targets,
      close: () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy()
          proxy.close(() => resolve())
        })
    }
  }

  const viaLayer = (endpoint: string, env: Record<string, string>) =>
    Effect.flatMap(Client.HologresClient, (client) =>
      client.getUpgradeStatus({ instanceId: "hgproxy", regionId: "cn-hangzhou" })
    ).pipe(
      Effect.provide(
        NodeHologresClient.layer({
          endpoint,
          env,
          credentials: { explicit: { accessKeyId: key.accessKeyId, accessKeySecret: key.secret } }
        })
      )
    )

  it.live("HTTP_PROXY carries requests for other hosts through the proxy", () =>
    Effect.acquireUseRelease(
      Effect.promise(startProxy),
      (proxy) =>
        Effect.gen(function* () {
          // A reserved, never-resolving name: if the proxy were bypassed, the call could only fail, never leave.
          const response = yield* viaLayer("http://hologram.proxy-test.invalid", { HTTP_PROXY: proxy.url })
          assert.strictEqual(response.RequestId, "via-proxy")
          assert.deepStrictEqual(proxy.targets, ["hologram.proxy-test.invalid:80"])
        }),
      (proxy) => Effect.promise(proxy.close)
    )
  )

  it.live("loopback endpoints go direct even with a proxy set", () =>
    Effect.acquireUseRelease(
      Effect.all([
        Effect.promise(startProxy),
        Effect.promise(() => startLoopback([{ status: 200, body: okBody }], key))
      ]),
      ([proxy, server]) =>
        Effect.gen(function* () {
          const response = yield* viaLayer(server.url, { http_proxy: proxy.url, HTTPS_PROXY: proxy.url })
          assert.strictEqual(response.RequestId, "req-ok")
          assert.deepStrictEqual(proxy.targets, [])
          assert.strictEqual(server.received.length, 1)
          assert.isTrue(server.received[0]!.signatureValid)
        }),
      ([proxy, server]) => Effect.promise(() => Promise.all([proxy.close(), server.close()]))
    )
  )
  const viaPromiseClient = async (endpoint: string, env: Record<string, string>) => {
    const client = createClient({
      endpoint,
      env,
      regionId: "cn-hangzhou",
      credentials: { accessKeyId: key.accessKeyId, accessKeySecret: key.secret }
    })
    try {
      return await client.getUpgradeStatus("hgproxy")
    } finally {
      await client.close()
    }
  }

  it("the Promise client goes through the proxy for other hosts and direct to loopback", async () => {
    const [proxy, server] = await Promise.all([startProxy(), startLoopback([{ status: 200, body: okBody }], key)])
    try {
      const proxied = await viaPromiseClient("http://hologram.proxy-test.invalid", { HTTP_PROXY: proxy.url })
      assert.strictEqual(proxied.RequestId, "via-proxy")
      assert.deepStrictEqual(proxy.targets, ["hologram.proxy-test.invalid:80"])
      const direct = await viaPromiseClient(server.url, { http_proxy: proxy.url, HTTPS_PROXY: proxy.url })
      assert.strictEqual(direct.RequestId, "req-ok")
      assert.deepStrictEqual(proxy.targets, ["hologram.proxy-test.invalid:80"])
      assert.isTrue(server.received[0]!.signatureValid)
    } finally {
      await Promise.all([proxy.close(), server.close()])
    }
  })
})

describe("proxy selection", () => {
  const settings = (env: Record<string, string>) => proxySettings(env)
  const route = (url: string, env: Record<string, string>) => proxyFor(new URL(url), settings(env))

  it("picks HTTPS_PROXY for https, HTTP_PROXY for http, lower case first", () => {
    const env = { HTTPS_PROXY: "http://upper:1", https_proxy: "http://lower:1", HTTP_PROXY: "http://plain:2" }
    assert.strictEqual(route("https://hologram.cn-hangzhou.aliyuncs.com", env), "http://lower:1")
    assert.strictEqual(route("http://hologram.cn-hangzhou.aliyuncs.com", env), "http://plain:2")
    assert.strictEqual(route("https://x.example", { HTTP_PROXY: "http://plain:2" }), "http://plain:2")
    assert.strictEqual(route("https://x.example", {}), undefined)
  })

  it("sends loopback hosts direct", () => {
    const env = { HTTP_PROXY: "http://p:1", HTTPS_PROXY: "http://p:1" }
    for (const url of ["http://127.0.0.1:8080", "http://127.4.5.6", "http://localhost:3000", "http://[::1]:80"]) {
      assert.strictEqual(route(url, env), undefined, url)
    }
  })

  it("honours NO_PROXY entries: exact, domain suffix, leading dot or star, port, wildcard", () => {
    const env = {
      HTTPS_PROXY: "http://p:1",
      NO_PROXY: "internal.example, .corp.example,*.svc.example hologram.cn-beijing.aliyuncs.com:443"
    }
    assert.strictEqual(route("https://internal.example", env), undefined)
    assert.strictEqual(route("https://api.internal.example", env), undefined)
    assert.strictEqual(route("https://a.corp.example", env), undefined)
    assert.strictEqual(route("https://b.svc.example", env), undefined)
    assert.strictEqual(route("https://hologram.cn-beijing.aliyuncs.com", env), undefined)
    assert.strictEqual(route("https://hologram.cn-beijing.aliyuncs.com:8443", env), "http://p:1")
    assert.strictEqual(route("https://notinternal.example", env), "http://p:1")
    assert.strictEqual(route("https://x.example", { ...env, no_proxy: "*" }), undefined)
  })

  it("never shows proxy credentials in a description", () => {
    assert.strictEqual(describeProxy("http://user:pa55@proxy.example:3128"), "http://proxy.example:3128")
  })
})
