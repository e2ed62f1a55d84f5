/**
 * Both adapters' `createClient` under faults that only a scripted server (or a misbehaving `fetch`) can produce: a
 * transport that ignores cancellation, a proxy that never opens its tunnel, a client closed mid-call, a server
 * echoing the STS token in a header, a redirect, and input from callers without types. The Effect layers share the
 * last two concerns and are checked for them too.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { HologresClient, type HologresError, type PromiseClient, RetryPolicy } from "@holo-upgrade/core"
import { Effect, Layer } from "effect"
import { createClient as createFetchClient, FetchHologresClient } from "../../fetch/src/index.ts"
import { createClient as createNodeClient, NodeHologresClient } from "../src/index.ts"
import { type Answer, startLoopback } from "./support/LoopbackServer.ts"

const key = { accessKeyId: "LTAIfaults", secret: "CANARY-faults-secret-19cc" }
const token = "CANARY-faults-token-20dd"
const okBody = JSON.stringify({ RequestId: "req-ok", Success: true, Data: [] })
// Generous per-attempt time: these cases are about what an answer does, not how fast it comes, and a busy machine
// must not turn them into timeouts. The cases about timeouts set their own.
const quick = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, attemptTimeoutMs: 10_000, deadlineMs: 20_000 }
const shortAttempts = { ...quick, maxAttempts: 2, attemptTimeoutMs: 300 }

interface Options {
  readonly endpoint: string
  readonly retry?: Record<string, number>
  readonly credentials?: { accessKeyId: string; accessKeySecret: string; securityToken?: string }
  readonly fetch?: typeof globalThis.fetch
  readonly env?: Record<string, string>
}

const adapters: ReadonlyArray<{ readonly name: string; readonly create: (options: Options) => PromiseClient.Client }> =
  [
    {
      name: "@holo-upgrade/node",
      create: ({ fetch: _fetch, ...options }) =>
        createNodeClient({
          regionId: "cn-hangzhou",
          credentials: { accessKeyId: key.accessKeyId, accessKeySecret: key.secret },
          env: {},
          ...options
        })
    },
    {
      name: "@holo-upgrade/fetch on Node",
      create: ({ env: _env, ...options }) =>
        createFetchClient({
          regionId: "cn-hangzhou",
          credentials: { accessKeyId: key.accessKeyId, accessKeySecret: key.secret },
          ...options
        })
    }
  ]

const rejection = async (promise: Promise<unknown>): Promise<Record<string, unknown> & Error> => {
  try {
    await promise
  } catch (error) {
    return error as Record<string, unknown> & Error
  }
  return assert.fail("the call succeeded")
}

const withServer = async <A>(
  answers: ReadonlyArray<Answer>,
  body: (url: string, count: () => number) => Promise<A>
) => {
  const server = await startLoopback(answers, key)
  try {
    return await body(server.url, () => server.received.length)
  } finally {
    await server.close()
  }
}

for (const adapter of adapters) {
  describe(`createClient under faults: ${adapter.name}`, () => {
    it("a client closed while its call waits to retry rejects that call at once and sends nothing more", async () => {
      await withServer([{ status: 503, body: "" }], async (url, count) => {
        const client = adapter.create({ endpoint: url, retry: { ...quick, baseDelayMs: 5_000, maxDelayMs: 5_000 } })
        const call = rejection(client.getUpgradeStatus("hg-closing"))
        while (count() === 0) await new Promise((resolve) => setTimeout(resolve, 5))
        const started = Date.now()
        await client.close()
        const error = await call
        assert.match(error.message, /closed/)
        // Well under the 5 s backoff the call was waiting out.
        assert.isBelow(Date.now() - started, 4_000)
        await new Promise((resolve) => setTimeout(resolve, 50))
        assert.strictEqual(count(), 1)
      })
    })

    it("a client closed during an attempt ends that call at once, without retrying", async () => {
      await withServer(["stall"], async (url, count) => {
        const client = adapter.create({ endpoint: url, retry: quick })
        const call = rejection(client.getUpgradeStatus("hg-closing"))
        while (count() === 0) await new Promise((resolve) => setTimeout(resolve, 5))
        await client.close()
        assert.match((await call).message, /closed/)
        await new Promise((resolve) => setTimeout(resolve, 50))
        assert.strictEqual(count(), 1)
      })
    })

    it("an STS token echoed in the request id header reaches no message, request id or field", async () => {
      await withServer([{ status: 503, body: "busy", headers: { "x-acs-request-id": `id-${token}` } }], async (url) => {
        const client = adapter.create({
          endpoint: url,
          retry: { ...quick, maxAttempts: 1 },
          credentials: { accessKeyId: key.accessKeyId, accessKeySecret: key.secret, securityToken: token }
        })
        try {
          const error = await rejection(client.getUpgradeStatus("hg-echo"))
          const shown = JSON.stringify({ ...error, message: error.message })
          assert.notInclude(shown, token)
          assert.include(String(error.requestId), "id-")
        } finally {
          await client.close()
        }
      })
    })

    it("a redirect is not followed: the signed request never reaches the other host", async () => {
      await withServer([{ status: 200, body: okBody }], async (elsewhere, reached) => {
        await withServer([{ status: 302, body: "", headers: { location: `${elsewhere}/moved` } }], async (url) => {
          const client = adapter.create({ endpoint: url, retry: quick })
          try {
            const error = await rejection(client.getUpgradeStatus("hg-redirect"))
            assert.strictEqual(error._tag, "HologresApiError")
            assert.strictEqual(reached(), 0)
          } finally {
            await client.close()
          }
        })
      })
    })

    it("input without types is refused before anything is sent", async () => {
      await withServer([{ status: 200, body: okBody }], async (url, count) => {
        const client = adapter.create({ endpoint: url, retry: quick })
        const untyped = client.getUpgradeStatus as (...args: ReadonlyArray<unknown>) => Promise<unknown>
        try {
          for (const args of [
            [undefined],
            [null],
            [{}],
            [{ instanceid: "hg-1" }],
            [{ instanceId: "hg-1", regionId: 7 }]
          ]) {
            const error = await rejection(untyped(...args))
            assert.strictEqual(error._tag, "HologresRequestError")
            assert.strictEqual(error.reason, "InvalidInput")
          }
          assert.strictEqual(count(), 0)
        } finally {
          await client.close()
        }
      })
    })
  })
}

describe("createClient when the transport ignores cancellation", () => {
  it("the fetch adapter still times out an attempt whose fetch never honours the abort signal", async () => {
    await withServer(["stall"], async (url, count) => {
      // Forwards everything but the signal, so aborting never reaches the request.
      const deaf: typeof globalThis.fetch = (input, init) => globalThis.fetch(input, { ...init, signal: null })
      const client = createFetchClient({
        endpoint: url,
        regionId: "cn-hangzhou",
        credentials: { accessKeyId: key.accessKeyId, accessKeySecret: key.secret },
        fetch: deaf,
        retry: shortAttempts
      })
      const started = Date.now()
      const error = await rejection(client.getUpgradeStatus("hg-deaf"))
      assert.strictEqual(error.reason, "Timeout")
      assert.strictEqual(count(), 2)
      // Two attempts of 300 ms; a hang would last until the test's own timeout.
      assert.isBelow(Date.now() - started, 10_000)
      await client.close()
    })
  })

  it("the Node adapter times out an attempt stuck in a proxy that never opens its tunnel", async () => {
    const sockets = new Set<Socket>()
    // Accepts CONNECT and then says nothing, like a proxy whose upstream hangs.
    const proxy: Server = createServer()
    proxy.on("connect", (_request, socket: Socket) => {
      sockets.add(socket)
    })
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve))
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    // A reserved, never-resolving name: the only way out is the proxy.
    const client = createNodeClient({
      endpoint: "http://hologram.proxy-test.invalid",
      regionId: "cn-hangzhou",
      credentials: { accessKeyId: key.accessKeyId, accessKeySecret: key.secret },
      env: { HTTP_PROXY: proxyUrl },
      retry: shortAttempts
    })
    try {
      const started = Date.now()
      const error = await rejection(client.getUpgradeStatus("hg-tunnel"))
      assert.strictEqual(error.reason, "Timeout")
      assert.isBelow(Date.now() - started, 10_000)
    } finally {
      await client.close()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
    }
  })
})

describe("the Effect layers under the same faults", () => {
  const viaLayer = (
    layer: Layer.Layer<HologresClient.HologresClient, HologresError.ConfigError>,
    instanceId: string
  ): Promise<unknown> =>
    Effect.runPromise(
      Effect.flip(
        Effect.flatMap(HologresClient.HologresClient, (client) =>
          client.getUpgradeStatus({ instanceId, regionId: "cn-hangzhou" })
        ).pipe(Effect.provide(Layer.merge(layer, RetryPolicy.layer({ ...quick, maxAttempts: 1 }))))
      )
    )

  it("an STS token echoed in the request id header reaches no message or field (Node layer)", async () => {
    await withServer([{ status: 503, body: "busy", headers: { "x-acs-request-id": `id-${token}` } }], async (url) => {
      const credentials = { accessKeyId: key.accessKeyId, accessKeySecret: key.secret, securityToken: token }
      const error = (await viaLayer(
        NodeHologresClient.layer({ endpoint: url, env: {}, credentials: { explicit: credentials } }),
        "hg-echo"
      )) as Error
      assert.notInclude(JSON.stringify({ ...error, message: error.message }), token)
    })
  })

  it("a redirect is not followed by the fetch layer", async () => {
    await withServer([{ status: 200, body: okBody }], async (elsewhere, reached) => {
      await withServer([{ status: 302, body: "", headers: { location: `${elsewhere}/moved` } }], async (url) => {
        const credentials = { accessKeyId: key.accessKeyId, accessKeySecret: key.secret }
        const error = (await viaLayer(FetchHologresClient.layer({ endpoint: url, credentials }), "hg-redirect")) as {
          _tag: string
        }
        assert.strictEqual(error._tag, "HologresApiError")
        assert.strictEqual(reached(), 0)
      })
    })
  })
})
