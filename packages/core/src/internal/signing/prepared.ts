/**
 * A signer prepared for one request and used for each of its attempts. Everything but the date, the nonce and the
 * signature is the same on every attempt, so the headers, the signed names and the start of the canonical request are
 * worked out once. It gives byte for byte what `Signature.sign` gives (a property test and the vendor's vectors hold
 * it to that), with far less allocation on a call path where that shows.
 */
import { Redacted } from "effect"
import * as Signature from "../../Signature.ts"
import { compareCodeUnits, isSignedV3, withoutSignerHeaders } from "./names.ts"

const reveal = (value: Redacted.Redacted<string> | string): string =>
  typeof value === "string" ? value : Redacted.value(value)

/** Every header to send, `authorization` included; a Promise only when a hash primitive is asynchronous. */
export type SignedHeaders = Record<string, string> | Promise<Record<string, string>>

/** Signs one attempt at the given instant. */
export type PreparedSigner = (instant: Signature.SigningInstant) => SignedHeaders

/** A V3 signer for `request`, or the general one for V1. */
export const prepareSigner = (
  version: Signature.Version,
  request: Signature.Request,
  credentials: Signature.SigningCredentials,
  hashing: Signature.Hashing
): PreparedSigner => {
  if (version === "v1") return (instant) => Signature.signPromise("v1", request, credentials, instant, hashing)

  // The caller's headers, lower-cased, without any the signer owns; then host, the per-attempt pair, the payload hash
  // and the STS pair, in the order `Signature.prepareV3` adds them.
  const fixed = withoutSignerHeaders(request.headers)
  const sts: Array<[string, string]> =
    credentials.securityToken === undefined
      ? []
      : [
          ["x-acs-accesskey-id", credentials.accessKeyId],
          ["x-acs-security-token", reveal(credentials.securityToken)]
        ]
  const body = request.body ?? ""
  const payload = body.length === 0 ? Signature.emptyBodySha256 : hashing.sha256Hex(body)
  const names = [
    ...new Set([
      ...Object.keys(fixed),
      "host",
      "x-acs-date",
      "x-acs-signature-nonce",
      "x-acs-content-sha256",
      ...sts.map(([name]) => name)
    ])
  ]
    .filter(isSignedV3)
    .sort(compareCodeUnits)
  const signedNames = names.join(";")
  const uri = Signature.canonicalUri(request.path)
  const head = `${request.method.toUpperCase()}\n${uri}\n${Signature.canonicalQuery(request.query)}\n`
  const credential =
    `${Signature.algorithmV3} Credential=${credentials.accessKeyId},` + `SignedHeaders=${signedNames},Signature=`
  const secret = reveal(credentials.accessKeySecret)

  // Synchronous primitives (node:crypto) sign without a single await: each is another turn of the microtask queue.
  const finish = (headers: Record<string, string>, canonicalHash: string): SignedHeaders => {
    const mac = hashing.hmac("SHA-256", secret, `${Signature.algorithmV3}\n${canonicalHash}`, "hex")
    if (typeof mac !== "string") {
      return mac.then((signature) => {
        headers.authorization = `${credential}${signature}`
        return headers
      })
    }
    headers.authorization = `${credential}${mac}`
    return headers
  }
  const signAt = (instant: Signature.SigningInstant, payloadHash: string): SignedHeaders => {
    const headers: Record<string, string> = {}
    for (const name in fixed) headers[name] = fixed[name]!
    headers.host = request.host
    headers["x-acs-date"] = Signature.formatAcsDate(instant.date)
    headers["x-acs-signature-nonce"] = instant.nonce
    headers["x-acs-content-sha256"] = payloadHash
    for (const [name, value] of sts) headers[name] = value

    let block = ""
    for (const name of names) block += `${name}:${headers[name]!.trim()}\n`
    const hash = hashing.sha256Hex(`${head}${block}\n${signedNames}\n${payloadHash}`)
    return typeof hash === "string" ? finish(headers, hash) : hash.then((value) => finish(headers, value))
  }
  return (instant) =>
    typeof payload === "string" ? signAt(instant, payload) : payload.then((hash) => signAt(instant, hash))
}
