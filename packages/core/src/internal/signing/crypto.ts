/**
 * Hashing and HMAC for the signers, platform-free so they run unchanged on Node, Deno, Bun, workers and browsers.
 * SHA-256 (every V3 signature) is computed synchronously in `sha256.ts`; SHA-1 (the older V1 scheme only) goes
 * through Web Crypto.
 */
import { Effect } from "effect"
import { hmacSha256, sha256 } from "./sha256.ts"

const utf8 = new TextEncoder()

/** Bytes of a string as UTF-8, or the bytes themselves. */
export const toBytes = (input: string | Uint8Array): Uint8Array<ArrayBuffer> =>
  typeof input === "string" ? utf8.encode(input) : new Uint8Array(input)

const hexOfByte = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"))

/** Lower-case hex of a byte array. */
export const toHex = (bytes: Uint8Array): string => {
  let out = ""
  for (const byte of bytes) out += hexOfByte[byte]
  return out
}

/** Standard base64 (with padding) of a byte array; `btoa` exists on every runtime we target. */
export const toBase64 = (bytes: Uint8Array): string => {
  let binary = ""
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** SHA-256 of the input, as lower-case hex. */
export const sha256Hex = (input: string | Uint8Array): Effect.Effect<string> =>
  Effect.sync(() => toHex(sha256(toBytes(input))))

/** HMAC of `message` keyed with `key` (both UTF-8), as raw bytes. */
export const hmac = (hash: "SHA-256" | "SHA-1", key: string, message: string): Effect.Effect<Uint8Array> =>
  hash === "SHA-256"
    ? Effect.sync(() => hmacSha256(toBytes(key), toBytes(message)))
    : Effect.promise(async () => {
        const cryptoKey = await globalThis.crypto.subtle.importKey("raw", toBytes(key), { name: "HMAC", hash }, false, [
          "sign"
        ])
        return new Uint8Array(await globalThis.crypto.subtle.sign("HMAC", cryptoKey, toBytes(message)))
      })

/** `bytes` fresh random bytes from the platform's CSPRNG, as lower-case hex. */
export const randomHex = (bytes: number): string => toHex(globalThis.crypto.getRandomValues(new Uint8Array(bytes)))
