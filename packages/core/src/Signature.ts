/**
 * Request signing for Alibaba Cloud OpenAPI: ACS3-HMAC-SHA256 (what the official SDKs send today) and, as an option,
 * the older V1 ROA scheme (HMAC-SHA1). Every step is a small exported function so a verifier (the emulator) can
 * rebuild the same canonical forms from an incoming request.
 *
 * Vendor reference: https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature
 */
import { Effect, Redacted } from "effect"
import { hmac, randomHex, sha256Hex, toBase64, toBytes, toHex } from "./internal/signing/crypto.ts"
import { compareCodeUnits, isSignedV3, withoutSignerHeaders } from "./internal/signing/names.ts"

/**
 * What gets signed: the request as it will go on the wire. `path` is already percent-encoded (each segment as sent),
 * `query` holds raw (unencoded) values, header names may be in any case.
 */
export interface Request {
  readonly method: string
  readonly host: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string | Uint8Array | undefined
}

/** The key material a signature needs; the shape of `Credentials` fits it, and plain strings are accepted too. */
export interface SigningCredentials {
  readonly accessKeyId: string
  readonly accessKeySecret: Redacted.Redacted<string> | string
  readonly securityToken?: Redacted.Redacted<string> | string | undefined
}

/** The per-attempt inputs of a signature; both must be fresh for every attempt or the gateway rejects the retry. */
export interface SigningInstant {
  readonly date: Date
  readonly nonce: string
}

/**
 * The hash primitives signing needs. `webCrypto`, the default, runs on every runtime; an adapter may hand the call
 * path its platform's own (on Node, Web Crypto crosses to the thread pool twice per signature).
 */
export interface Hashing {
  /** SHA-256 of the input as lower-case hex. */
  readonly sha256Hex: (input: string | Uint8Array) => string | Promise<string>
  /** HMAC of `message` keyed with `key` (both UTF-8), as lower-case hex or standard base64. */
  readonly hmac: (
    hash: "SHA-256" | "SHA-1",
    key: string,
    message: string,
    encoding: "hex" | "base64"
  ) => string | Promise<string>
}

/** `Hashing` over Web Crypto: what every Effect API of this module signs with. */
export const webCrypto: Hashing = {
  sha256Hex,
  hmac: (hash, key, message, encoding) =>
    hmac(hash, key, message).then((mac) => (encoding === "hex" ? toHex(mac) : toBase64(mac)))
}

/** The algorithm name that opens a V3 string to sign and Authorization header. */
export const algorithmV3 = "ACS3-HMAC-SHA256"

/** SHA-256 of an empty body, the payload hash of every GET. */
export const emptyBodySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

export { signerOwnedHeaders } from "./internal/signing/names.ts"

const reveal = (value: Redacted.Redacted<string> | string): string =>
  typeof value === "string" ? value : Redacted.value(value)

const unreservedOnly = /^[A-Za-z0-9\-_.~]*$/

const isUnreserved = (byte: number): boolean =>
  (byte >= 0x41 && byte <= 0x5a) || // A-Z
  (byte >= 0x61 && byte <= 0x7a) || // a-z
  (byte >= 0x30 && byte <= 0x39) || // 0-9
  byte === 0x2d || // -
  byte === 0x5f || // _
  byte === 0x2e || // .
  byte === 0x7e // ~

/**
 * RFC 3986 percent-encoding as the gateway expects it: only `A-Z a-z 0-9 - _ . ~` stay, every other UTF-8 byte becomes
 * `%XX` with upper-case hex (space is `%20`, never `+`). Works byte-wise, so it never throws on a lone surrogate.
 */
export const percentEncode = (value: string): string => {
  // Region ids, actions and most values need no escaping at all.
  if (unreservedOnly.test(value)) return value
  let out = ""
  for (const byte of toBytes(value)) {
    out += isUnreserved(byte) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`
  }
  return out
}

/** The canonical URI: the path exactly as sent (already encoded), `/` when empty. */
export const canonicalUri = (path: string): string => (path === "" ? "/" : path)

/** One path segment, percent-encoded, so `/`, `..`, `%`, `?`, `#` and spaces can never change the route. */
export const pathSegment = (value: string): string => percentEncode(value)

/**
 * The canonical query string: keys in code-unit order (`B` before `a`, `Key.10` before `Key.2`), each
 * `ENC(key)=ENC(value)`, joined by `&`. The same string is sent on the wire.
 */
export const canonicalQuery = (query: Readonly<Record<string, string>>): string =>
  Object.keys(query)
    .sort(compareCodeUnits)
    .map((key) => `${percentEncode(key)}=${percentEncode(query[key]!)}`)
    .join("&")

/** Parses a raw query string (as received) into a record, decoding `%XX` but leaving `+` as a plus sign. */
export const parseQuery = (search: string): Record<string, string> => {
  const query: Record<string, string> = {}
  const raw = search.startsWith("?") ? search.slice(1) : search
  if (raw === "") return query
  for (const pair of raw.split("&")) {
    const at = pair.indexOf("=")
    const key = at === -1 ? pair : pair.slice(0, at)
    const value = at === -1 ? "" : pair.slice(at + 1)
    query[safeDecode(key)] = safeDecode(value)
  }
  return query
}

const safeDecode = (value: string): string => {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** Header names lower-cased; a later duplicate (in any case) wins. */
export const normalizeHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value
  return out
}

/** The names V3 signs, sorted: `host`, `content-type` and every `x-acs-*` header present. */
export const signedHeaderNames = (headers: Readonly<Record<string, string>>): ReadonlyArray<string> =>
  Object.keys(normalizeHeaders(headers)).filter(isSignedV3).sort(compareCodeUnits)

/**
 * The canonical headers block: `name:value\n` for each signed header, values trimmed. `names` restricts it to a given
 * list (a verifier passes the `SignedHeaders` of the incoming Authorization).
 */
export const canonicalHeaders = (
  headers: Readonly<Record<string, string>>,
  names: ReadonlyArray<string> = signedHeaderNames(headers)
): string => {
  const normalized = normalizeHeaders(headers)
  return names.map((name) => `${name}:${(normalized[name] ?? "").trim()}\n`).join("")
}

/**
 * The V3 canonical request: method, URI, query, headers block (ending in a newline, hence the empty line), signed
 * header names and the payload hash taken from `x-acs-content-sha256`.
 */
export const canonicalRequest = (request: Request, names?: ReadonlyArray<string> | undefined): string => {
  const normalized = normalizeHeaders(request.headers)
  return canonicalFromNormalized(request, normalized, names ?? namesToSign(normalized))
}

const namesToSign = (normalized: Readonly<Record<string, string>>): ReadonlyArray<string> =>
  Object.keys(normalized).filter(isSignedV3).sort(compareCodeUnits)

/** `canonicalRequest` for headers whose names are already lower case. */
const canonicalFromNormalized = (
  request: Request,
  normalized: Readonly<Record<string, string>>,
  names: ReadonlyArray<string>
): string => {
  let headerBlock = ""
  for (const name of names) headerBlock += `${name}:${(normalized[name] ?? "").trim()}\n`
  return [
    request.method.toUpperCase(),
    canonicalUri(request.path),
    canonicalQuery(request.query),
    headerBlock,
    names.join(";"),
    normalized["x-acs-content-sha256"] ?? emptyBodySha256
  ].join("\n")
}

/** The V3 string to sign: the algorithm name and the hex SHA-256 of the canonical request. */
export const stringToSign = (canonical: string): Effect.Effect<string> =>
  Effect.promise(() => stringToSignPromise(canonical))

const stringToSignPromise = async (canonical: string, hashing: Hashing = webCrypto): Promise<string> =>
  `${algorithmV3}\n${await hashing.sha256Hex(canonical)}`

/** The V3 signature: hex HMAC-SHA256 of the string to sign, keyed with the secret. */
export const signatureV3 = (toSign: string, secret: Redacted.Redacted<string> | string): Effect.Effect<string> =>
  Effect.promise(() => hmac("SHA-256", reveal(secret), toSign).then(toHex))

/** The V3 Authorization header value. */
export const authorization = (parts: {
  readonly accessKeyId: string
  readonly signedHeaders: ReadonlyArray<string>
  readonly signature: string
}): string =>
  `${algorithmV3} Credential=${parts.accessKeyId},` +
  `SignedHeaders=${parts.signedHeaders.join(";")},Signature=${parts.signature}`

/** The parts of a V3 Authorization header, or `undefined` when it is not one. */
export const parseAuthorization = (
  header: string
):
  | { readonly accessKeyId: string; readonly signedHeaders: ReadonlyArray<string>; readonly signature: string }
  | undefined => {
  const match = /^ACS3-HMAC-SHA256 Credential=([^,]*),SignedHeaders=([^,]*),Signature=([0-9a-f]*)$/.exec(header.trim())
  if (match === null) return undefined
  return { accessKeyId: match[1]!, signedHeaders: match[2]!.split(";"), signature: match[3]! }
}

/** A fresh nonce: 128 bits from the platform's CSPRNG as 32 hex digits, never derived from the clock. */
export const newNonce = (): string => randomHex(16)

/** `x-acs-date`: UTC `YYYY-MM-DDTHH:mm:ssZ`, whatever the process time zone says. */
export const formatAcsDate = (date: Date): string => {
  // Every attempt within the same second has the same date: the text is kept for the second it was made for.
  const second = Math.floor(date.getTime() / 1000)
  if (second === lastDate.second) return lastDate.text
  const iso = date.toISOString()
  // `YYYY-MM-DDTHH:mm:ss.sssZ` for every year from 0 to 9999; other years carry a sign and six digits.
  const text = iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, "Z")
  lastDate = { second, text }
  return text
}

let lastDate: { readonly second: number; readonly text: string } = { second: Number.NaN, text: "" }

/** The RFC 1123 GMT date V1 sends in `Date`. */
export const formatHttpDate = (date: Date): string => date.toUTCString()

const stsHeaders = (credentials: SigningCredentials): Record<string, string> =>
  credentials.securityToken === undefined
    ? {}
    : { "x-acs-accesskey-id": credentials.accessKeyId, "x-acs-security-token": reveal(credentials.securityToken) }

/** The request with fresh V3 signing headers (host, date, nonce, payload hash, STS pair) and stale ones removed. */
export const prepareV3 = (
  request: Request,
  credentials: SigningCredentials,
  instant: SigningInstant
): Effect.Effect<Request> => Effect.promise(() => prepareV3Promise(request, credentials, instant))

const prepareV3Promise = async (
  request: Request,
  credentials: SigningCredentials,
  instant: SigningInstant,
  hashing: Hashing = webCrypto
): Promise<Request> => {
  const body = request.body ?? ""
  const payloadHash = body.length === 0 ? emptyBodySha256 : await hashing.sha256Hex(body)
  return {
    ...request,
    headers: {
      ...withoutSignerHeaders(request.headers),
      host: request.host,
      "x-acs-date": formatAcsDate(instant.date),
      "x-acs-signature-nonce": instant.nonce,
      "x-acs-content-sha256": payloadHash,
      ...stsHeaders(credentials)
    }
  }
}

/**
 * The V3 Authorization for a request that already carries its signing headers, as given. A verifier passes the
 * header names the client claims to have signed.
 */
export const authorizationV3 = (
  request: Request,
  credentials: SigningCredentials,
  names: ReadonlyArray<string> = signedHeaderNames(request.headers)
): Effect.Effect<string> => Effect.promise(() => authorizationV3Promise(request, credentials, names))

const authorizationV3Promise = async (
  request: Request,
  credentials: SigningCredentials,
  names: ReadonlyArray<string> = signedHeaderNames(request.headers),
  hashing: Hashing = webCrypto
): Promise<string> => {
  const toSign = await stringToSignPromise(canonicalRequest(request, names), hashing)
  const signature = await hashing.hmac("SHA-256", reveal(credentials.accessKeySecret), toSign, "hex")
  return authorization({ accessKeyId: credentials.accessKeyId, signedHeaders: names, signature })
}

/** Signs a request with ACS3-HMAC-SHA256 and returns every header to send, `authorization` included. */
export const signV3 = (
  request: Request,
  credentials: SigningCredentials,
  instant: SigningInstant
): Effect.Effect<Record<string, string>> => Effect.promise(() => signV3Promise(request, credentials, instant))

// Composed from the steps a verifier uses; the call path signs through a signer prepared once per request instead
// (internal/signing/prepared.ts), which a property test holds to this.
const signV3Promise = async (
  request: Request,
  credentials: SigningCredentials,
  instant: SigningInstant,
  hashing: Hashing = webCrypto
): Promise<Record<string, string>> => {
  const prepared = await prepareV3Promise(request, credentials, instant, hashing)
  const names = signedHeaderNames(prepared.headers)
  return { ...prepared.headers, authorization: await authorizationV3Promise(prepared, credentials, names, hashing) }
}

/**
 * The V1 ROA string to sign: method, Accept, Content-MD5, Content-Type, Date, the sorted `x-acs-*` headers, then the
 * path with the sorted raw (unencoded) query.
 */
export const stringToSignV1 = (request: Request): string => {
  const headers = normalizeHeaders(request.headers)
  const acsHeaders = Object.keys(headers)
    .filter((name) => name.startsWith("x-acs-"))
    .sort(compareCodeUnits)
    .map((name) => `${name}:${headers[name]!.trim()}\n`)
    .join("")
  const keys = Object.keys(request.query).sort(compareCodeUnits)
  const resource =
    keys.length === 0 ? request.path : `${request.path}?${keys.map((key) => `${key}=${request.query[key]}`).join("&")}`
  return [
    request.method.toUpperCase(),
    headers.accept ?? "",
    headers["content-md5"] ?? "",
    headers["content-type"] ?? "",
    headers.date ?? "",
    `${acsHeaders}${resource}`
  ].join("\n")
}

/** The V1 Authorization for a request that already carries its signing headers: `acs <id>:<base64 HMAC-SHA1>`. */
export const authorizationV1 = (request: Request, credentials: SigningCredentials): Effect.Effect<string> =>
  Effect.promise(() => authorizationV1Promise(request, credentials))

const authorizationV1Promise = async (
  request: Request,
  credentials: SigningCredentials,
  hashing: Hashing = webCrypto
): Promise<string> => {
  const mac = await hashing.hmac("SHA-1", reveal(credentials.accessKeySecret), stringToSignV1(request), "base64")
  return `acs ${credentials.accessKeyId}:${mac}`
}

/** The request with fresh V1 signing headers (Date, nonce, method, version, STS pair) and stale ones removed. */
export const prepareV1 = (request: Request, credentials: SigningCredentials, instant: SigningInstant): Request => ({
  ...request,
  headers: {
    ...withoutSignerHeaders(request.headers),
    host: request.host,
    date: formatHttpDate(instant.date),
    "x-acs-signature-nonce": instant.nonce,
    "x-acs-signature-method": "HMAC-SHA1",
    "x-acs-signature-version": "1.0",
    ...stsHeaders(credentials)
  }
})

/** Signs a request with V1 ROA (HMAC-SHA1) and returns every header to send, `authorization` included. */
export const signV1 = (
  request: Request,
  credentials: SigningCredentials,
  instant: SigningInstant
): Effect.Effect<Record<string, string>> => Effect.promise(() => signV1Promise(request, credentials, instant))

const signV1Promise = async (
  request: Request,
  credentials: SigningCredentials,
  instant: SigningInstant,
  hashing: Hashing = webCrypto
): Promise<Record<string, string>> => {
  const prepared = prepareV1(request, credentials, instant)
  return { ...prepared.headers, authorization: await authorizationV1Promise(prepared, credentials, hashing) }
}

/** The signature schemes the client can use. */
export type Version = "v3" | "v1"

/** Signs with the chosen scheme. */
export const sign = (
  version: Version,
  request: Request,
  credentials: SigningCredentials,
  instant: SigningInstant
): Effect.Effect<Record<string, string>> => Effect.promise(() => signPromise(version, request, credentials, instant))

/**
 * `sign` as a plain Promise, for the call path that runs outside the Effect runtime, with the hash primitives to use
 * (Web Crypto unless given).
 */
export const signPromise = (
  version: Version,
  request: Request,
  credentials: SigningCredentials,
  instant: SigningInstant,
  hashing: Hashing = webCrypto
): Promise<Record<string, string>> =>
  version === "v1"
    ? signV1Promise(request, credentials, instant, hashing)
    : signV3Promise(request, credentials, instant, hashing)

/** The URL a signed request goes to: scheme and authority from `origin`, then the signed path and query. */
export const wireUrl = (origin: string, request: Request): string => {
  const query = canonicalQuery(request.query)
  return `${origin.replace(/\/+$/, "")}${canonicalUri(request.path)}${query === "" ? "" : `?${query}`}`
}
