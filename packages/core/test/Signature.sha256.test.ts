/**
 * The signer's own SHA-256 and HMAC-SHA256: published test vectors, then agreement with the platform's Web Crypto on
 * arbitrary inputs, with lengths around the 64-byte block and the 56-byte padding edge where such code usually breaks.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { hmacSha256, sha256 } from "../src/internal/signing/sha256.ts"

const utf8 = (text: string) => new TextEncoder().encode(text)
const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")
const fromHex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16))

// Web Crypto wants bytes backed by a plain ArrayBuffer; the generated arrays are copied into one.
const own = (bytes: Uint8Array) => new Uint8Array(bytes)
const webSha256 = async (data: Uint8Array) => hex(new Uint8Array(await crypto.subtle.digest("SHA-256", own(data))))
const webHmac = async (key: Uint8Array, message: Uint8Array) => {
  const imported = await crypto.subtle.importKey("raw", own(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
  return hex(new Uint8Array(await crypto.subtle.sign("HMAC", imported, own(message))))
}

describe("sha256", () => {
  it("matches the FIPS 180-4 examples", () => {
    assert.strictEqual(hex(sha256(utf8(""))), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert.strictEqual(hex(sha256(utf8("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    assert.strictEqual(
      hex(sha256(utf8("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    )
    assert.strictEqual(
      hex(sha256(utf8("a".repeat(1_000_000)))),
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    )
  })

  it("agrees with Web Crypto on every length from 0 to 200 bytes", async () => {
    for (let length = 0; length <= 200; length++) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff)
      assert.strictEqual(hex(sha256(data)), await webSha256(data), `length ${length}`)
    }
  })

  it("agrees with Web Crypto on arbitrary input", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 1000 }),
        async (data) => hex(sha256(data)) === (await webSha256(data))
      )
    )
  })
})

describe("hmacSha256", () => {
  // RFC 4231 test cases 1, 2 and 6 (a key longer than the block).
  it("matches the RFC 4231 examples", () => {
    assert.strictEqual(
      hex(hmacSha256(fromHex("0b".repeat(20)), utf8("Hi There"))),
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    )
    assert.strictEqual(
      hex(hmacSha256(utf8("Jefe"), utf8("what do ya want for nothing?"))),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
    assert.strictEqual(
      hex(hmacSha256(fromHex("aa".repeat(131)), utf8("Test Using Larger Than Block-Size Key - Hash Key First"))),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    )
  })

  it("agrees with Web Crypto on arbitrary keys and messages", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 150 }),
        fc.uint8Array({ maxLength: 300 }),
        async (key, message) => hex(hmacSha256(key, message)) === (await webHmac(key, message))
      )
    )
  })
})
