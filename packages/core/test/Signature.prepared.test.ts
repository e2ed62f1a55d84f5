import { assert, describe, it } from "@effect/vitest"
import { Redacted } from "effect"
import * as fc from "fast-check"
import { Signature } from "../src/index.ts"
import { prepareSigner } from "../src/internal/signing/prepared.ts"

const headerName = fc.oneof(
  fc.constantFrom(
    "x-acs-action",
    "X-Acs-Version",
    "accept",
    "Content-Type",
    "host",
    "x-acs-date",
    "Authorization",
    "x-acs-signature-nonce",
    "X-ACS-SECURITY-TOKEN",
    "x-acs-credentials-provider"
  ),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/)
)
const headerValue = fc.oneof(fc.string(), fc.constantFrom(" padded ", "2022-06-01", ""))
const request: fc.Arbitrary<Signature.Request> = fc.record({
  method: fc.constantFrom("GET", "get", "POST"),
  host: fc.constantFrom("hologram.cn-hangzhou.aliyuncs.com", "127.0.0.1:8080"),
  path: fc.constantFrom("/api/v1/instances/hg-1/upgrade/status", "", "/a%20b"),
  query: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  headers: fc.dictionary(headerName, headerValue, { maxKeys: 6 }),
  body: fc.option(fc.string({ maxLength: 20 }), { nil: undefined })
})
const credentials: fc.Arbitrary<Signature.SigningCredentials> = fc.record({
  accessKeyId: fc.constantFrom("LTAIexample", "testid"),
  accessKeySecret: fc.constantFrom("testsecret", Redacted.make("redacted-secret")),
  securityToken: fc.option(fc.constantFrom("sts-token", " padded token "), { nil: undefined })
})
const instant: fc.Arbitrary<Signature.SigningInstant> = fc.record({
  date: fc.date({ min: new Date(0), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }),
  nonce: fc.stringMatching(/^[0-9a-f]{32}$/)
})

describe("a signer prepared for one request", () => {
  it("signs every attempt exactly as Signature.sign does", async () => {
    await fc.assert(
      fc.asyncProperty(
        request,
        credentials,
        fc.array(instant, { minLength: 1, maxLength: 3 }),
        async (req, key, instants) => {
          const sign = prepareSigner("v3", req, key, Signature.webCrypto)
          for (const at of instants) {
            const expected = await Signature.signPromise("v3", req, key, at)
            const prepared = await sign(at)
            assert.deepStrictEqual(prepared, expected)
            assert.deepStrictEqual(Object.keys(prepared), Object.keys(expected))
          }
        }
      ),
      { numRuns: 300 }
    )
  })

  it("keeps the V1 scheme's own signing", async () => {
    const req: Signature.Request = {
      method: "GET",
      host: "h",
      path: "/p",
      query: { RegionId: "cn-hangzhou" },
      headers: {}
    }
    const key = { accessKeyId: "testid", accessKeySecret: "testsecret" }
    const at = { date: new Date("2026-01-02T03:04:05Z"), nonce: "0".repeat(32) }
    assert.deepStrictEqual(
      await prepareSigner("v1", req, key, Signature.webCrypto)(at),
      await Signature.signPromise("v1", req, key, at)
    )
  })
})

describe("x-acs-date", () => {
  it("is the ISO time without milliseconds for every date a Date holds", () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (date) => {
        assert.strictEqual(Signature.formatAcsDate(date), date.toISOString().replace(/\.\d{3}Z$/, "Z"))
      }),
      { numRuns: 2_000 }
    )
  })
})

describe("x-acs-date within one second", () => {
  it("is the same text for every instant of that second, and the next second's after it", () => {
    const at = (iso: string) => Signature.formatAcsDate(new Date(iso))
    assert.strictEqual(at("2026-01-02T03:04:05.001Z"), "2026-01-02T03:04:05Z")
    assert.strictEqual(at("2026-01-02T03:04:05.999Z"), "2026-01-02T03:04:05Z")
    assert.strictEqual(at("2026-01-02T03:04:06.000Z"), "2026-01-02T03:04:06Z")
    assert.strictEqual(at("1969-12-31T23:59:59.500Z"), "1969-12-31T23:59:59Z")
    assert.strictEqual(at("1969-12-31T23:59:59.999Z"), "1969-12-31T23:59:59Z")
  })
})
