import { createServer } from "node:net"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Signature } from "@holo-upgrade/core"
import { Cause, Effect, Exit, Option, TestClock } from "effect"
import { AccessKey, Emulator, startEmulator } from "../src/index.ts"
import { maxSkewMs, nonceMemory } from "../src/internal/gatekeeper.ts"
import { answer, json, manualClock, rawGet, signedGet } from "./support.ts"

const sts = AccessKey.make("STS.holo-test", "sts-secret", "CAIS+sts/token=")
const instanceId = "hgemu-hot-upgrade-1"

describe("the gateway's checks", () => {
  const clock = manualClock()
  let emulator: Emulator.Handle
  beforeAll(async () => {
    emulator = await startEmulator({ keys: [AccessKey.demo, sts], scenario: "hot-upgrade", now: clock.now })
  })
  afterAll(() => emulator.close())

  const call = (options: Parameters<typeof signedGet>[2] = {}, id = instanceId) =>
    signedGet(emulator.url, id, { key: AccessKey.demo, date: clock.date(), ...options })

  const assertGatewayError = (
    reply: Awaited<ReturnType<typeof call>>,
    status: number,
    code: string,
    hostId = new URL(emulator.url).host
  ) => {
    const { status: got, headers } = answer(reply)
    const body = json(reply)
    assert.strictEqual(got, status, `expected ${status} ${code}, got ${got} ${body.Code}: ${body.Message}`)
    assert.strictEqual(body.Code, code)
    assert.deepStrictEqual(Object.keys(body), ["RequestId", "HostId", "Code", "Message", "Recommend"])
    assert.strictEqual(headers["x-acs-request-id"], body.RequestId)
    assert.strictEqual(body.HostId, hostId)
    return body
  }

  it("accepts a V3-signed request and answers with the wire format", async () => {
    const reply = answer(await call())
    assert.strictEqual(reply.status, 200)
    assert.match(String(reply.headers["content-type"]), /^application\/json/)
    const body = JSON.parse(reply.body)
    assert.strictEqual(reply.headers["x-acs-request-id"], body.RequestId)
    assert.strictEqual(body.Success, true)
    assert.strictEqual(body.HttpStatusCode, "200")
    assert.strictEqual(body.Data[0].Status, "preparing")
  })

  it("accepts a V1-signed request", async () => {
    assert.strictEqual(answer(await call({ version: "v1" })).status, 200)
    assert.strictEqual(emulator.requests().at(-1)?.signatureVersion, "v1")
  })

  it("accepts an odd but valid query, encoded as the canonical form wants", async () => {
    const reply = await call({ query: { RegionId: "cn-hangzhou", Filter: "a b*c~d/é中+&=" } })
    assert.strictEqual(answer(reply).status, 200)
  })

  it("accepts an STS pair with its token, and refuses it without or with another token", async () => {
    assert.strictEqual(answer(await call({ key: sts })).status, 200)
    assertGatewayError(await call({ key: { ...sts, securityToken: undefined } }), 400, "MissingSecurityToken")
    const other = AccessKey.make(sts.accessKeyId, "sts-secret", "another-token")
    assertGatewayError(await call({ key: other }), 400, "InvalidSecurityToken.MismatchWithAccessKey")
    const demoWithToken = AccessKey.make(AccessKey.demo.accessKeyId, "holo-demo-secret-not-a-real-key", "stray")
    assertGatewayError(await call({ key: demoWithToken }), 400, "InvalidSecurityToken.MismatchWithAccessKey")
  })

  it("refuses a wrong secret with SignatureDoesNotMatch, showing the string to sign it computed", async () => {
    for (const version of ["v3", "v1"] as const) {
      const body = assertGatewayError(await call({ version, secret: "wrong" }), 400, "SignatureDoesNotMatch")
      if (version === "v3") assert.match(body.Message, /ACS3-HMAC-SHA256\n[0-9a-f]{64}\n/)
      else assert.include(body.Message, `GET\napplication/json\n\n\n${clock.date().toUTCString()}\n`)
    }
    assert.strictEqual(emulator.requests().at(-1)?.verdict, "mismatch")
  })

  it("shows the same string to sign our signer computed, so a client can diff its own", async () => {
    const host = new URL(emulator.url).host
    const nonce = Signature.newNonce()
    const body = assertGatewayError(await call({ secret: "wrong", nonce }), 400, "SignatureDoesNotMatch")
    const request: Signature.Request = {
      method: "GET",
      host,
      path: `/api/v1/instances/${instanceId}/upgrade/status`,
      query: { RegionId: "cn-hangzhou" },
      headers: { "x-acs-action": "GetUpgradeStatus", "x-acs-version": "2022-06-01", accept: "application/json" }
    }
    const prepared = await Effect.runPromise(
      Signature.prepareV3(request, { accessKeyId: "x", accessKeySecret: "y" }, { date: clock.date(), nonce })
    )
    const toSign = await Effect.runPromise(Signature.stringToSign(Signature.canonicalRequest(prepared)))
    assert.include(body.Message, toSign)
  })

  it("refuses a request changed after signing", async () => {
    const changedQuery = await call({ sendQuery: { RegionId: "cn-shanghai" } })
    assertGatewayError(changedQuery, 400, "SignatureDoesNotMatch")
    assert.strictEqual(answer(await call({ sendQuery: { RegionId: "cn-hangzhou" } })).status, 200)
    const signedElsewhere = await call({
      tamper: (headers) => ({ ...headers, host: "hologram.cn-hangzhou.aliyuncs.com" })
    })
    assertGatewayError(signedElsewhere, 400, "SignatureDoesNotMatch", "hologram.cn-hangzhou.aliyuncs.com")
    const unsigned = await call({ tamper: (headers) => ({ ...headers, "x-acs-extra": "1" }) })
    assert.include(assertGatewayError(unsigned, 400, "IncompleteSignature").Message, "x-acs-extra")
    const payload = await call({ tamper: (headers) => ({ ...headers, "x-acs-content-sha256": "0".repeat(64) }) })
    assertGatewayError(payload, 400, "SignatureDoesNotMatch")
  })

  it("refuses a missing or unparseable Authorization with IncompleteSignature", async () => {
    const none = await call({ tamper: ({ authorization: _, ...rest }) => rest })
    assertGatewayError(none, 400, "IncompleteSignature")
    assert.strictEqual(emulator.requests().at(-1)?.verdict, "missing")
    const garbled = await call({ tamper: (headers) => ({ ...headers, authorization: "Bearer abc" }) })
    assertGatewayError(garbled, 400, "IncompleteSignature")
    assert.strictEqual(emulator.requests().at(-1)?.verdict, "malformed")
  })

  it("refuses a key it does not know with 404 InvalidAccessKeyId.NotFound", async () => {
    for (const version of ["v3", "v1"] as const) {
      assertGatewayError(
        await call({ version, key: AccessKey.make("nobody", "x") }),
        404,
        "InvalidAccessKeyId.NotFound"
      )
    }
    assert.strictEqual(emulator.requests().at(-1)?.verdict, "unknown-key")
  })

  it("refuses a reused nonce, and forgets it once a request carrying it could no longer pass the clock check", async () => {
    const nonce = Signature.newNonce()
    assert.strictEqual(answer(await call({ nonce })).status, 200)
    for (const version of ["v3", "v1"] as const) {
      assertGatewayError(await call({ nonce, version }), 400, "SignatureNonceUsed")
    }
    assert.strictEqual(emulator.requests().at(-1)?.verdict, "nonce-reused")
    clock.advance(15 * 60_000 + 1000)
    assert.strictEqual(answer(await call({ nonce })).status, 200)
  })

  it("allows 15 minutes of clock skew either way and refuses more with InvalidTimeStamp.Expired", async () => {
    for (const version of ["v3", "v1"] as const) {
      for (const offset of [-14 * 60_000, 14 * 60_000]) {
        assert.strictEqual(answer(await call({ version, date: new Date(clock.now() + offset) })).status, 200)
      }
      for (const offset of [-16 * 60_000, 16 * 60_000]) {
        const reply = await call({ version, date: new Date(clock.now() + offset) })
        assertGatewayError(reply, 400, "InvalidTimeStamp.Expired")
      }
    }
    assert.strictEqual(emulator.requests().at(-1)?.verdict, "expired")
    const garbled = await call({ tamper: (headers) => ({ ...headers, "x-acs-date": "yesterday" }) })
    assertGatewayError(garbled, 400, "InvalidTimeStamp.Format")
  })

  it("answers an unknown instance with 404 InvalidInstanceId.NotFound", async () => {
    const body = assertGatewayError(await call({}, "hg-nope"), 404, "InvalidInstanceId.NotFound")
    assert.include(body.Message, "hg-nope")
  })

  it("refuses a wrong or missing action or version header with 400", async () => {
    assertGatewayError(await call({ headers: { "x-acs-action": "GetInstance" } }), 400, "InvalidParameter")
    assertGatewayError(await call({ headers: { "x-acs-version": "2019-01-01" } }), 400, "InvalidParameter")
    const missing = await call({ tamper: ({ "x-acs-action": _, ...rest }) => rest })
    assertGatewayError(missing, 400, "MissingParameter")
    assert.strictEqual(emulator.requests().at(-1)?.verdict, "not-checked")
  })

  it("answers paths outside the API with 404 InvalidAction.NotFound", async () => {
    assertGatewayError(await rawGet(emulator.url, "/api/v1/instances"), 404, "InvalidAction.NotFound")
    assertGatewayError(await rawGet(emulator.url, "/"), 404, "InvalidAction.NotFound")
  })
})

describe("control routes and the request log", () => {
  it("lists the instances and the logged requests as JSON, keeping only the newest entries", async () => {
    const emulator = await startEmulator({ instances: 3, logCapacity: 2 })
    try {
      const ids = json(await rawGet(emulator.url, "/_emulator/instances"))
      assert.deepStrictEqual(ids, ["hgemu-hot-upgrade-1", "hgemu-rollback-2", "hgemu-vendor-example-3"])
      assert.deepStrictEqual(ids, emulator.instances())
      const nonces: Array<string> = []
      for (const id of ids) {
        const nonce = Signature.newNonce()
        nonces.push(nonce)
        assert.strictEqual(answer(await signedGet(emulator.url, id, { key: AccessKey.demo, nonce })).status, 200)
      }
      const logged = json(await rawGet(emulator.url, "/_emulator/requests"))
      assert.deepStrictEqual(logged, JSON.parse(JSON.stringify(emulator.requests())))
      assert.deepStrictEqual(
        logged.map((entry: any) => [entry.seq, entry.instanceId, entry.nonce, entry.verdict, entry.status]),
        [
          [2, ids[1], nonces[1], "valid", 200],
          [3, ids[2], nonces[2], "valid", 200]
        ]
      )
      assert.strictEqual(logged[1].accessKeyId, AccessKey.demo.accessKeyId)
      assert.strictEqual(logged[1].method, "GET")
      assert.strictEqual(logged[1].path, `/api/v1/instances/${ids[2]}/upgrade/status`)
      assert.ok(Date.parse(logged[1].time) > 0)
    } finally {
      await emulator.close()
    }
  })

  it("reports each request to onRequest as it is logged", async () => {
    const seen: Array<number | undefined> = []
    const emulator = await startEmulator({ onRequest: (entry) => seen.push(entry.status) })
    try {
      await signedGet(emulator.url, "hgemu-hot-upgrade-1", { key: AccessKey.demo })
      await signedGet(emulator.url, "nope", { key: AccessKey.demo })
      assert.deepStrictEqual(seen, [200, 404])
    } finally {
      await emulator.close()
    }
  })
})

describe("lifecycle", () => {
  const handles = () =>
    process.getActiveResourcesInfo().filter((name) => name === "TCPServerWrap" || name === "TCPSocketWrap").length

  it("close() releases the port and every socket, even with an idle keep-alive and a hung request", async () => {
    const before = handles()
    const emulator = await startEmulator({ specs: [{ id: "hg-hang", faults: [{ kind: "hang", start: 2 }] }] })
    const { request } = await import("node:http")
    const { Agent } = await import("node:http")
    const agent = new Agent({ keepAlive: true })
    const idle = await new Promise<number>((resolve) =>
      request(`${emulator.url}/_emulator/instances`, { agent }, (response) => {
        response.resume()
        response.on("end", () => resolve(response.statusCode ?? 0))
      }).end()
    )
    assert.strictEqual(idle, 200)
    assert.strictEqual(answer(await signedGet(emulator.url, "hg-hang", { key: AccessKey.demo })).status, 200)
    const hung = signedGet(emulator.url, "hg-hang", { key: AccessKey.demo, timeoutMs: 30_000 })
    while (emulator.requests().length < 2) await new Promise((resolve) => setImmediate(resolve))
    assert.isAbove(handles(), before)

    await emulator.close()
    const ended = await hung
    assert.strictEqual(ended.kind, "error")
    agent.destroy()
    assert.isAtMost(handles(), before)
    const refused = await rawGet(emulator.url, "/_emulator/instances")
    assert.deepStrictEqual(refused.kind === "error" && refused.code, "ECONNREFUSED")
  })

  it("fails to start with a Listen error when the port is taken", async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      const error = await startEmulator({ port }).then(
        () => assert.fail("started on a taken port"),
        (thrown: unknown) => thrown as { reason: string }
      )
      assert.strictEqual(error.reason, "Listen")
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })

  it.effect("refuses invalid options with InvalidOptions", () =>
    Effect.gen(function* () {
      for (const options of [
        { scenario: "no-such-story" },
        { instances: 0 },
        { timeScale: 0 },
        { keys: [] },
        { specs: [{ id: "a" }, { id: "a" }] },
        { specs: [{ scenario: "nonsense" }] }
      ] satisfies ReadonlyArray<Emulator.Options>) {
        const exit = yield* Effect.exit(Effect.scoped(Emulator.make(options)))
        const error = Exit.isFailure(exit) ? Option.getOrUndefined(Cause.failureOption(exit.cause)) : undefined
        assert.strictEqual(error?.reason, "InvalidOptions", JSON.stringify(options))
      }
    })
  )

  it.scoped("as a scoped layer on Effect's clock: TestClock moves the scenario", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const statusAt = Effect.fn(function* () {
        const now = yield* TestClock.currentTimeMillis
        const reply = yield* Effect.promise(() =>
          signedGet(emulator.url, "hgemu-rollback-1", { key: AccessKey.demo, date: new Date(now) })
        )
        return json(reply).Data[0].Status as string
      })
      assert.strictEqual(yield* statusAt(), "preparing")
      yield* TestClock.adjust("11 minutes")
      assert.strictEqual(yield* statusAt(), "upgrading")
      yield* TestClock.adjust("1 hour")
      assert.strictEqual(yield* statusAt(), "archived")
    }).pipe(Effect.provide(Emulator.layer({ scenario: "rollback" })))
  )
})

describe("nonce memory", () => {
  it("forgets nonces once their requests could no longer pass the clock check, and never grows past its limit", () => {
    const memory = nonceMemory(3)
    const start = Date.parse("2026-03-01T08:00:00Z")
    for (const nonce of ["a", "b", "c"]) assert.isTrue(memory.remember(nonce, start, start))
    assert.isFalse(memory.remember("a", start, start + 60_000))
    assert.isTrue(memory.remember("d", start, start + 60_000))
    assert.strictEqual(memory.size(), 3)
    memory.sweep(start + maxSkewMs + 1)
    assert.strictEqual(memory.size(), 0)
    assert.isTrue(memory.remember("a", start + maxSkewMs + 1, start + maxSkewMs + 1))
  })
})
