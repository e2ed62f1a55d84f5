/// <reference lib="deno.ns" />
/**
 * The signer on Deno's own Web Crypto: every vector the vendor's official client produced, and the vendor
 * documentation's worked example, must come out byte for byte.
 */
import { Signature } from "@holo-upgrade/core"
import { Effect, Redacted } from "effect"
import fixtures from "../../../../fixtures/signing-vectors.json" with { type: "json" }
import { equal } from "../contract/assert.ts"

const common = fixtures.common
const instant: Signature.SigningInstant = { date: new Date(common["x-acs-date (V3)"]), nonce: common.nonce }

type Vector = (typeof fixtures.vectors)[number]

const credentialsOf = (vector: Vector): Signature.SigningCredentials => ({
  accessKeyId: common.accessKeyId,
  accessKeySecret: Redacted.make(common.accessKeySecret),
  securityToken: vector.securityToken === null ? undefined : Redacted.make(vector.securityToken)
})

const requestOf = (vector: Vector, extraHeaders: Record<string, string> = {}): Signature.Request => ({
  method: common.method,
  host: common.host,
  path: common.pathname,
  query: Object.fromEntries(Object.entries(vector.query).filter((entry): entry is [string, string] => !!entry[1])),
  headers: {
    "x-acs-action": common["x-acs-action"],
    "x-acs-version": common["x-acs-version"],
    accept: common.accept,
    ...extraHeaders
  }
})

const sha256Hex = async (text: string): Promise<string> => {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("")
}

Deno.test("the vectors cover plain and STS requests", () => {
  equal(
    fixtures.vectors.map((vector) => vector.name),
    ["plain", "sts-and-odd-query"],
    "vector names"
  )
})

for (const vector of fixtures.vectors) {
  Deno.test(`V3 ${vector.name}: canonical request, hash, string to sign, authorization`, async () => {
    const prepared = await Effect.runPromise(Signature.prepareV3(requestOf(vector), credentialsOf(vector), instant))
    const canonical = Signature.canonicalRequest(prepared)
    equal(canonical, vector.v3.canonicalRequest, "canonical request")
    equal(await sha256Hex(canonical), vector.v3.hashedCanonicalRequest, "hashed canonical request")
    equal(await Effect.runPromise(Signature.stringToSign(canonical)), vector.v3.stringToSign, "string to sign")
    const headers = await Effect.runPromise(Signature.signV3(requestOf(vector), credentialsOf(vector), instant))
    equal(headers.authorization, vector.v3.authorization, "authorization")
    for (const [name, value] of Object.entries(vector.v3.signedHeaders)) equal(headers[name], value, name)
  })

  Deno.test(`V1 ROA ${vector.name}: string to sign and authorization`, async () => {
    const prepared = Signature.prepareV1(requestOf(vector), credentialsOf(vector), instant)
    equal(prepared.headers, vector.v1_roa.headers as Record<string, string>, "V1 headers")
    equal(Signature.stringToSignV1(prepared), vector.v1_roa.stringToSign, "V1 string to sign")
    const headers = await Effect.runPromise(Signature.signV1(requestOf(vector), credentialsOf(vector), instant))
    equal(headers.authorization, vector.v1_roa.authorization, "V1 authorization")
  })

  Deno.test(`${vector.name}: with the official SDK's x-acs-credentials-provider header`, async () => {
    const flavour = vector["sdk_flavour_with_x-acs-credentials-provider"]
    const extra = { "x-acs-credentials-provider": flavour["x-acs-credentials-provider"] }
    const v3 = await Effect.runPromise(Signature.signV3(requestOf(vector, extra), credentialsOf(vector), instant))
    equal(v3.authorization, flavour.v3_authorization, "V3 authorization")
    const v1 = await Effect.runPromise(Signature.signV1(requestOf(vector, extra), credentialsOf(vector), instant))
    equal(v1.authorization, flavour.v1_authorization, "V1 authorization")
  })
}

Deno.test("the vendor documentation's worked V3 example", async () => {
  const example = fixtures.official_doc_example_v3
  const request: Signature.Request = {
    method: example.method,
    host: example.headers.host,
    path: example.pathname,
    query: example.query,
    headers: example.headers
  }
  const credentials = { accessKeyId: example.accessKeyId, accessKeySecret: example.accessKeySecret }
  equal(await sha256Hex(Signature.canonicalRequest(request)), example.hashedCanonicalRequest, "hashed request")
  equal(
    await Effect.runPromise(Signature.authorizationV3(request, credentials)),
    example.authorization,
    "authorization"
  )
})

Deno.test("fresh nonces are 128-bit hex and never repeat", () => {
  const nonces = new Set(Array.from({ length: 1000 }, () => Signature.newNonce()))
  equal(nonces.size, 1000, "distinct nonces")
  for (const nonce of nonces) equal(/^[0-9a-f]{32}$/.test(nonce), true, `nonce ${nonce}`)
})
