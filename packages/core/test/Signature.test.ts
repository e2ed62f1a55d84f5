import { readFileSync } from "node:fs"
import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import { createRequire } from "node:module"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { Signature } from "../src/index.ts"

interface Vector {
  readonly name: string
  readonly securityToken: string | null
  readonly query: Record<string, string>
  readonly v3: {
    readonly canonicalRequest: string
    readonly hashedCanonicalRequest: string
    readonly stringToSign: string
    readonly authorization: string
    readonly signedHeaders: Record<string, string>
  }
  readonly v1_roa: {
    readonly headers: Record<string, string>
    readonly stringToSign: string
    readonly authorization: string
  }
  readonly "sdk_flavour_with_x-acs-credentials-provider": {
    readonly "x-acs-credentials-provider": string
    readonly v3_authorization: string
    readonly v1_authorization: string
  }
}

const fixtures = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../../fixtures/signing-vectors.json", import.meta.url)), "utf8")
)
const common = fixtures.common
const vectors: ReadonlyArray<Vector> = fixtures.vectors
const docExample = fixtures.official_doc_example_v3

const instant: Signature.SigningInstant = { date: new Date(common["x-acs-date (V3)"]), nonce: common.nonce }

const credentialsOf = (vector: Vector): Signature.SigningCredentials => ({
  accessKeyId: common.accessKeyId,
  accessKeySecret: Redacted.make(common.accessKeySecret),
  securityToken: vector.securityToken === null ? undefined : Redacted.make(vector.securityToken)
})

const requestOf = (vector: Vector, extraHeaders: Record<string, string> = {}): Signature.Request => ({
  method: common.method,
  host: common.host,
  path: common.pathname,
  query: vector.query,
  headers: {
    "x-acs-action": common["x-acs-action"],
    "x-acs-version": common["x-acs-version"],
    accept: common.accept,
    ...extraHeaders
  }
})

const sha256 = (text: string) =>
  Effect.promise(() => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).pipe(
    Effect.map((buffer) => Buffer.from(buffer).toString("hex"))
  )

describe("Signature", () => {
  describe("encoding", () => {
    it("percent-encodes per RFC 3986 with upper-case hex", () => {
      assert.strictEqual(Signature.percentEncode("a b*c~d/é中+"), "a%20b%2Ac~d%2F%C3%A9%E4%B8%AD%2B")
      assert.strictEqual(Signature.percentEncode("AZaz09-_.~"), "AZaz09-_.~")
      assert.strictEqual(Signature.percentEncode("!'()"), "%21%27%28%29")
      assert.strictEqual(Signature.percentEncode("\ud800"), "%EF%BF%BD")
    })

    it("orders query keys by code unit", () => {
      assert.strictEqual(
        Signature.canonicalQuery({ a: "1", B: "2", "Key.2": "x", "Key.10": "y" }),
        "B=2&Key.10=y&Key.2=x&a=1"
      )
      assert.strictEqual(Signature.canonicalQuery({}), "")
    })

    it("parses a received query back into raw values, keeping + as a plus sign", () => {
      const query = { RegionId: "cn-hangzhou", Filter: "a b+c/é" }
      assert.deepStrictEqual(Signature.parseQuery(`?${Signature.canonicalQuery(query)}`), query)
    })

    it("selects, trims and sorts the signed headers", () => {
      const headers = { "X-Acs-Version": " 2022-06-01 ", Host: "h", accept: "application/json", "Content-Type": "a/b" }
      assert.deepStrictEqual(Signature.signedHeaderNames(headers), ["content-type", "host", "x-acs-version"])
      assert.strictEqual(Signature.canonicalHeaders(headers), "content-type:a/b\nhost:h\nx-acs-version:2022-06-01\n")
    })
  })

  describe("V3 vectors", () => {
    for (const vector of vectors) {
      it.effect(`${vector.name}: canonical request, hash, string to sign, authorization`, () =>
        Effect.gen(function* () {
          const prepared = yield* Signature.prepareV3(requestOf(vector), credentialsOf(vector), instant)
          const signedNames = Signature.signedHeaderNames(prepared.headers)
          assert.deepStrictEqual(signedNames, Object.keys(vector.v3.signedHeaders).sort())
          const canonical = Signature.canonicalRequest(prepared)
          assert.strictEqual(canonical, vector.v3.canonicalRequest)
          assert.strictEqual(yield* sha256(canonical), vector.v3.hashedCanonicalRequest)
          assert.strictEqual(yield* Signature.stringToSign(canonical), vector.v3.stringToSign)
          const headers = yield* Signature.signV3(requestOf(vector), credentialsOf(vector), instant)
          assert.strictEqual(headers.authorization, vector.v3.authorization)
          for (const [name, value] of Object.entries(vector.v3.signedHeaders)) assert.strictEqual(headers[name], value)
        })
      )

      it.effect(`${vector.name}: with the SDK's x-acs-credentials-provider header`, () =>
        Effect.gen(function* () {
          const flavour = vector["sdk_flavour_with_x-acs-credentials-provider"]
          const extra = { "x-acs-credentials-provider": flavour["x-acs-credentials-provider"] }
          const v3 = yield* Signature.signV3(requestOf(vector, extra), credentialsOf(vector), instant)
          assert.strictEqual(v3.authorization, flavour.v3_authorization)
          const v1 = yield* Signature.signV1(requestOf(vector, extra), credentialsOf(vector), instant)
          assert.strictEqual(v1.authorization, flavour.v1_authorization)
        })
      )

      it.effect(`${vector.name}: V1 ROA string to sign and authorization`, () =>
        Effect.gen(function* () {
          const prepared = Signature.prepareV1(requestOf(vector), credentialsOf(vector), instant)
          assert.deepStrictEqual(prepared.headers, vector.v1_roa.headers)
          assert.strictEqual(Signature.stringToSignV1(prepared), vector.v1_roa.stringToSign)
          const headers = yield* Signature.signV1(requestOf(vector), credentialsOf(vector), instant)
          assert.strictEqual(headers.authorization, vector.v1_roa.authorization)
        })
      )
    }

    it.effect("the vendor documentation's worked example", () =>
      Effect.gen(function* () {
        const request: Signature.Request = {
          method: docExample.method,
          host: docExample.headers.host,
          path: docExample.pathname,
          query: docExample.query,
          headers: docExample.headers
        }
        const credentials = { accessKeyId: docExample.accessKeyId, accessKeySecret: docExample.accessKeySecret }
        assert.strictEqual(yield* sha256(Signature.canonicalRequest(request)), docExample.hashedCanonicalRequest)
        assert.strictEqual(yield* Signature.authorizationV3(request, credentials), docExample.authorization)
      })
    )

    it("parses a V3 Authorization header", () => {
      const parsed = Signature.parseAuthorization(vectors[0]!.v3.authorization)
      assert.strictEqual(parsed?.accessKeyId, "testid")
      assert.strictEqual(parsed?.signedHeaders.length, 6)
      assert.strictEqual(Signature.parseAuthorization("acs testid:abc"), undefined)
    })
  })

  describe("freshness", () => {
    const vector = vectors[1]!

    it.effect("re-signing a request that carries an old signature equals signing a clean one", () =>
      Effect.gen(function* () {
        const old = yield* Signature.signV3(requestOf(vector), credentialsOf(vector), {
          date: new Date("2020-01-01T00:00:00Z"),
          nonce: "0000"
        })
        const stale = { ...requestOf(vector), headers: { ...old, Authorization: "ACS3-HMAC-SHA256 stale", Date: "x" } }
        const resigned = yield* Signature.signV3(stale, credentialsOf(vector), instant)
        const clean = yield* Signature.signV3(requestOf(vector), credentialsOf(vector), instant)
        assert.deepStrictEqual(resigned, clean)
        const resignedV1 = yield* Signature.signV1(stale, credentialsOf(vector), instant)
        assert.strictEqual(resignedV1.authorization, vector.v1_roa.authorization)
        assert.strictEqual(resignedV1["x-acs-date"], undefined)
      })
    )

    it.effect("two requests at one frozen instant differ in nonce and signature", () =>
      Effect.gen(function* () {
        const date = new Date(common["x-acs-date (V3)"])
        const first = yield* Signature.signV3(requestOf(vector), credentialsOf(vector), {
          date,
          nonce: Signature.newNonce()
        })
        const second = yield* Signature.signV3(requestOf(vector), credentialsOf(vector), {
          date,
          nonce: Signature.newNonce()
        })
        assert.strictEqual(first["x-acs-date"], second["x-acs-date"])
        assert.notStrictEqual(first["x-acs-signature-nonce"], second["x-acs-signature-nonce"])
        assert.notStrictEqual(first.authorization, second.authorization)
      })
    )

    it("10,000 nonces are distinct 128-bit hex strings", () => {
      const nonces = new Set<string>()
      for (let i = 0; i < 10_000; i++) nonces.add(Signature.newNonce())
      assert.strictEqual(nonces.size, 10_000)
      for (const nonce of nonces) assert.match(nonce, /^[0-9a-f]{32}$/)
    })

    it("formats dates in UTC under any process time zone", () => {
      // Node re-reads TZ when process.env.TZ is assigned, so local-time methods below really run in UTC+8.
      const previous = process.env.TZ
      process.env.TZ = "Asia/Shanghai"
      try {
        const date = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))
        assert.strictEqual(date.getTimezoneOffset(), -480)
        assert.strictEqual(date.getHours(), 11)
        assert.strictEqual(Signature.formatAcsDate(date), "2026-01-02T03:04:05Z")
        assert.strictEqual(Signature.formatHttpDate(date), "Fri, 02 Jan 2026 03:04:05 GMT")
      } finally {
        if (previous === undefined) delete process.env.TZ
        else process.env.TZ = previous
      }
    })
  })

  describe("agrees with the vendor's @alicloud/openapi-client", () => {
    // The vendor client connects to whatever its `host` header names, so it talks to this loopback server only; the
    // server records what the client would have sent to the gateway.
    const require = createRequire(import.meta.url)
    const OpenApi = require("@alicloud/openapi-client")
    const Util = require("@alicloud/tea-util")
    const seen: Array<{ readonly url: string; readonly headers: IncomingHttpHeaders }> = []
    let server: Server
    let host = ""

    beforeAll(async () => {
      server = createServer((request, response) => {
        seen.push({ url: request.url ?? "", headers: request.headers })
        response.writeHead(200, { "content-type": "application/json" })
        response.end(JSON.stringify({ RequestId: "loopback" }))
      })
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
      host = `127.0.0.1:${(server.address() as AddressInfo).port}`
    })
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

    const staticCredential = (securityToken?: string) => ({
      getCredential: async () => ({
        accessKeyId: common.accessKeyId,
        accessKeySecret: common.accessKeySecret,
        securityToken,
        type: securityToken === undefined ? "access_key" : "sts",
        providerName: ""
      })
    })

    const vendorClient = (securityToken?: string) =>
      new OpenApi.default(
        new OpenApi.Config({ credential: staticCredential(securityToken), endpoint: host, protocol: "HTTP" })
      )

    const pinned = (version: "v3" | "v1") =>
      version === "v3"
        ? { "x-acs-date": common["x-acs-date (V3)"], "x-acs-signature-nonce": common.nonce }
        : { date: common["Date (V1)"], "x-acs-signature-nonce": common.nonce }

    const callVendor = async (
      version: "v3" | "v1",
      instanceId: string,
      query: Record<string, string>,
      token?: string
    ) => {
      const client = vendorClient(token)
      const pathname = `/api/v1/instances/${encodeURIComponent(instanceId).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}/upgrade/status`
      const request = new OpenApi.OpenApiRequest({ query, headers: pinned(version) })
      const runtime = new Util.RuntimeOptions({})
      seen.length = 0
      if (version === "v3") {
        const params = new OpenApi.Params({
          action: "GetUpgradeStatus",
          version: "2022-06-01",
          protocol: "HTTP",
          pathname,
          method: "GET",
          authType: "AK",
          style: "ROA",
          reqBodyType: "json",
          bodyType: "json"
        })
        await client.callApi(params, request, runtime)
      } else {
        await client.doROARequest(
          "GetUpgradeStatus",
          "2022-06-01",
          "HTTP",
          "GET",
          "AK",
          pathname,
          "json",
          request,
          runtime
        )
      }
      assert.strictEqual(seen.length, 1)
      return { pathname, sent: seen[0]! }
    }

    const instanceIds = ["hgprecn-cn-uqm30ptv6004", "a/b", "with space", "100%", "中文-é", "..", "a?b#c", "it's(*)!"]
    const queries: ReadonlyArray<Record<string, string>> = [
      { RegionId: "cn-hangzhou" },
      { RegionId: "cn-hangzhou", Filter: "a b*c~d/é中+&=" },
      { b: "1", B: "2", "Key.10": "x", "Key.2": "y" }
    ]

    for (const version of ["v3", "v1"] as const) {
      for (const token of [undefined, "CAIS+test/token="]) {
        it.effect(
          `${version}${token === undefined ? "" : " with STS"}: same Authorization for odd ids and queries`,
          () =>
            Effect.gen(function* () {
              for (const instanceId of instanceIds) {
                for (const query of queries) {
                  const { pathname, sent } = yield* Effect.promise(() => callVendor(version, instanceId, query, token))
                  assert.strictEqual(pathname, `/api/v1/instances/${Signature.pathSegment(instanceId)}/upgrade/status`)
                  assert.strictEqual(sent.url.split("?")[0], pathname)
                  const ours: Signature.Request = {
                    method: "GET",
                    host,
                    path: pathname,
                    query,
                    headers: {
                      "x-acs-action": "GetUpgradeStatus",
                      "x-acs-version": "2022-06-01",
                      accept: "application/json"
                    }
                  }
                  const credentials = {
                    accessKeyId: common.accessKeyId,
                    accessKeySecret: Redacted.make(common.accessKeySecret),
                    securityToken: token
                  }
                  const headers = yield* Signature.sign(version, ours, credentials, instant)
                  assert.match(
                    String(sent.headers.authorization),
                    version === "v3" ? /^ACS3-HMAC-SHA256 / : /^acs testid:/
                  )
                  assert.strictEqual(
                    headers.authorization,
                    sent.headers.authorization,
                    `${instanceId} ${JSON.stringify(query)}`
                  )
                }
              }
            })
        )
      }
    }
  })
})
