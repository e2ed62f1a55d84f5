/**
 * Hashing and HMAC over Web Crypto, so the signer runs unchanged on Node, Deno, Bun, workers and browsers. Plain
 * Promises: the signer is used both inside Effect programs and on the call path that runs without one.
 */

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

const emptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/** SHA-256 of the input, as lower-case hex. The empty input (every GET's payload) is known without hashing. */
export const sha256Hex = (input: string | Uint8Array): Promise<string> =>
  input.length === 0
    ? Promise.resolve(emptySha256)
    : globalThis.crypto.subtle.digest("SHA-256", toBytes(input)).then((digest) => toHex(new Uint8Array(digest)))

// A client signs every call with the same secret: importing it once instead of per call saves a third of the
// signing time. One entry only, so a process that rotates keys holds at most the latest non-extractable key.
let lastKey: { readonly secret: string; readonly hash: string; readonly key: Promise<CryptoKey> } | undefined

const importKey = (hash: "SHA-256" | "SHA-1", secret: string): Promise<CryptoKey> => {
  if (lastKey !== undefined && lastKey.secret === secret && lastKey.hash === hash) return lastKey.key
  const key = globalThis.crypto.subtle.importKey("raw", toBytes(secret), { name: "HMAC", hash }, false, ["sign"])
  lastKey = { secret, hash, key }
  // A failed import must not stay cached.
  key.catch(() => {
    if (lastKey?.key === key) lastKey = undefined
  })
  return key
}

/** HMAC of `message` keyed with `key` (both UTF-8), as raw bytes. */
export const hmac = async (hash: "SHA-256" | "SHA-1", key: string, message: string): Promise<Uint8Array> => {
  const cryptoKey = await importKey(hash, key)
  return new Uint8Array(await globalThis.crypto.subtle.sign("HMAC", cryptoKey, toBytes(message)))
}

// Random bytes are drawn from the CSPRNG a page at a time and each byte is handed out once: one call into the
// platform per 256 nonces instead of one per nonce, which on Node is a measurable share of signing.
const pool = new Uint8Array(4096)
let poolUsed = pool.length

/** `bytes` fresh random bytes from the platform's CSPRNG, as lower-case hex. */
export const randomHex = (bytes: number): string => {
  if (bytes > pool.length) return toHex(globalThis.crypto.getRandomValues(new Uint8Array(bytes)))
  if (poolUsed + bytes > pool.length) {
    globalThis.crypto.getRandomValues(pool)
    poolUsed = 0
  }
  const hex = toHex(pool.subarray(poolUsed, poolUsed + bytes))
  poolUsed += bytes
  return hex
}
