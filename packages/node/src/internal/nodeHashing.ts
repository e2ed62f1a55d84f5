/**
 * Signing's hash primitives from `node:crypto`. They give the same bytes as Web Crypto (the signing vectors check
 * both) but run synchronously on the calling thread, where Node's Web Crypto converts its arguments through WebIDL
 * and sends every digest and HMAC to the thread pool: on a small call that is a large share of the client's CPU.
 */
import { createHash, createHmac, createSecretKey, type KeyObject } from "node:crypto"
import { Signature } from "@holo-upgrade/core"

const algorithms = { "SHA-256": "sha256", "SHA-1": "sha1" } as const

// A client signs every call with the same secret: turning it into a key object once spares that work per call. One
// entry only, as in the Web Crypto signer.
let lastKey: { readonly secret: string; readonly key: KeyObject } | undefined

const keyOf = (secret: string): KeyObject => {
  if (lastKey?.secret !== secret) lastKey = { secret, key: createSecretKey(Buffer.from(secret, "utf8")) }
  return lastKey.key
}

/** `Signature.Hashing` over `node:crypto`. */
export const nodeHashing: Signature.Hashing = {
  sha256Hex: (input) =>
    input.length === 0 ? Signature.emptyBodySha256 : createHash("sha256").update(input).digest("hex"),
  hmac: (hash, key, message) =>
    createHmac(algorithms[hash], key === "" ? key : keyOf(key))
      .update(message)
      .digest()
}
