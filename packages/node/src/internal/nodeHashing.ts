/**
 * Signing's hash primitives from `node:crypto`. They give the same bytes as Web Crypto (the signing vectors check
 * both) but run synchronously on the calling thread, where Node's Web Crypto converts its arguments through WebIDL
 * and sends every digest and HMAC to the thread pool: on a small call that is a large share of the client's CPU.
 */
import { createHash, createHmac } from "node:crypto"
import { Signature } from "@holo-upgrade/core"

const algorithms = { "SHA-256": "sha256", "SHA-1": "sha1" } as const

/** `Signature.Hashing` over `node:crypto`. */
export const nodeHashing: Signature.Hashing = {
  sha256Hex: (input) =>
    input.length === 0 ? Signature.emptyBodySha256 : createHash("sha256").update(input).digest("hex"),
  hmac: (hash, key, message, encoding) => createHmac(algorithms[hash], key).update(message).digest(encoding)
}
