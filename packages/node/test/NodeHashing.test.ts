import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Signature } from "@holo-upgrade/core"
import * as fc from "fast-check"
import { nodeHashing } from "../src/internal/nodeHashing.ts"

const fixtures = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../../fixtures/signing-vectors.json", import.meta.url)), "utf8")
)
const common = fixtures.common

interface Vector {
  readonly name: string
  readonly securityToken: string | null
  readonly query: Record<string, string>
  readonly v3: { readonly authorization: string }
  readonly v1_roa: { readonly authorization: string }
}

const requestOf = (vector: Vector): Signature.Request => ({
  method: common.method,
  host: common.host,
  path: common.pathname,
  query: vector.query,
  headers: { "x-acs-action": common["x-acs-action"], "x-acs-version": common["x-acs-version"], accept: common.accept }
})

const credentialsOf = (vector: Vector): Signature.SigningCredentials => ({
  accessKeyId: common.accessKeyId,
  accessKeySecret: common.accessKeySecret,
  securityToken: vector.securityToken ?? undefined
})

const instant: Signature.SigningInstant = { date: new Date(common["x-acs-date (V3)"]), nonce: common.nonce }

describe("signing with node:crypto", () => {
  for (const vector of fixtures.vectors as ReadonlyArray<Vector>) {
    it(`${vector.name}: V3 and V1 authorizations equal the vendor client's`, async () => {
      const v3 = await Signature.signPromise("v3", requestOf(vector), credentialsOf(vector), instant, nodeHashing)
      assert.strictEqual(v3.authorization, vector.v3.authorization)
      const v1 = await Signature.signPromise("v1", requestOf(vector), credentialsOf(vector), instant, nodeHashing)
      assert.strictEqual(v1.authorization, vector.v1_roa.authorization)
    })
  }

  // Web Crypto refuses an empty HMAC key; a secret is never empty (Credentials refuses one).
  it("hashes and MACs every string, lone surrogates included, exactly as Web Crypto does", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "binary", minLength: 1 }),
        fc.string({ unit: "binary" }),
        async (key, message) => {
          assert.strictEqual(nodeHashing.sha256Hex(message), await Signature.webCrypto.sha256Hex(message))
          for (const hash of ["SHA-256", "SHA-1"] as const) {
            for (const encoding of ["hex", "base64"] as const) {
              const theirs = await Signature.webCrypto.hmac(hash, key, message, encoding)
              assert.strictEqual(nodeHashing.hmac(hash, key, message, encoding), theirs)
            }
          }
        }
      ),
      { numRuns: 300 }
    )
  })
})
