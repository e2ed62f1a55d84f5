/**
 * The gateway's checks on a request's credentials, in the gateway's order: which scheme, which key, the clock, the
 * payload hash, the signature itself, the STS token, and last the nonce (so a forged request cannot burn one).
 * Canonical forms come from core's `Signature`, the very functions our signer uses; that is why the emulator is not
 * the only judge of the signer (the tests also send requests signed by the vendor's official client).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto"
import { Signature } from "@holo-upgrade/core"
import { Redacted } from "effect"
import type { AccessKey } from "../AccessKey.ts"
import type { Verdict } from "../RequestLog.ts"

/** The gateway's tolerance for client clocks. */
export const maxSkewMs = 15 * 60_000

/** A request as the gatekeeper sees it: raw path as sent, decoded query, lower-cased header names. */
export interface Incoming {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
}

/** An error answer: HTTP status, gateway code and message. */
export interface Rejection {
  readonly status: number
  readonly code: string
  readonly message: string
  /** RAM denials also say which action and principal were refused. */
  readonly accessDeniedDetail?: Readonly<Record<string, string>>
}

/** What the checks concluded, with whatever they learnt about the caller on the way. */
export interface Outcome {
  readonly verdict: Verdict
  readonly version?: "v3" | "v1"
  readonly accessKeyId?: string
  readonly nonce?: string
  readonly rejection?: Rejection
}

/** Headers a V3 request must sign: without them a signature proves nothing about the route, the time or the body. */
const requiredV3 = [
  "host",
  "x-acs-action",
  "x-acs-content-sha256",
  "x-acs-date",
  "x-acs-signature-nonce",
  "x-acs-version"
]

const acsDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/
const httpDate = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/
const v1Authorization = /^acs ([^:\s]+):([A-Za-z0-9+/]+=*)$/

const incomplete = (detail: string): Outcome => ({
  verdict: "malformed",
  rejection: {
    status: 400,
    code: "IncompleteSignature",
    message: `The request signature does not conform to Aliyun standards: ${detail}.`
  }
})

const sameText = (a: string, b: string): boolean => {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

const mismatch = (base: Outcome, detail: string): Outcome => ({
  ...base,
  verdict: "mismatch",
  rejection: {
    status: 400,
    code: "SignatureDoesNotMatch",
    message: `Specified signature does not match our calculation. ${detail}`
  }
})

/** Remembers nonces for as long as a request carrying them could still pass the clock check, and no longer. */
export const nonceMemory = (limit = 1_000_000) => {
  const seen = new Map<string, number>()
  const sweep = (now: number) => {
    for (const [nonce, expires] of seen) if (expires <= now) seen.delete(nonce)
  }
  return {
    /** Records a nonce; `false` when it is still remembered from an earlier request. */
    remember: (nonce: string, requestTime: number, now: number): boolean => {
      const expires = seen.get(nonce)
      if (expires !== undefined && expires > now) return false
      if (seen.size >= limit) sweep(now)
      // Still full of live nonces: forget the oldest rather than grow without bound.
      if (seen.size >= limit) seen.delete(seen.keys().next().value!)
      // A replay of this request passes the clock check until its own time plus the skew; after that it cannot.
      seen.set(nonce, requestTime + maxSkewMs)
      return true
    },
    size: () => seen.size,
    sweep
  }
}

/** The gatekeeper for a set of keys, on a clock. */
export const gatekeeper = (keys: ReadonlyArray<AccessKey>, now: () => number) => {
  const byId = new Map(keys.map((key) => [key.accessKeyId, key]))
  const nonces = nonceMemory()
  let checks = 0

  const checkTime = (base: Outcome, text: string | undefined, format: RegExp, header: string): Outcome | number => {
    const time = text !== undefined && format.test(text) ? Date.parse(text) : Number.NaN
    if (Number.isNaN(time)) {
      return {
        ...base,
        verdict: "bad-timestamp",
        rejection: {
          status: 400,
          code: "InvalidTimeStamp.Format",
          message:
            `Specified time stamp or date value is not well formatted: ` +
            `${header} is ${text === undefined ? "missing" : `"${text}"`}.`
        }
      }
    }
    if (Math.abs(now() - time) > maxSkewMs) {
      return {
        ...base,
        verdict: "expired",
        rejection: {
          status: 400,
          code: "InvalidTimeStamp.Expired",
          message:
            `Specified time stamp or date value is expired: ${header} ${text} ` +
            `is more than 15 minutes from the server's time ${new Date(now()).toISOString()}.`
        }
      }
    }
    return time
  }

  // The STS token and the key id it was issued for must match what the key pair was configured with.
  const checkToken = (
    base: Outcome,
    key: AccessKey,
    headers: Readonly<Record<string, string>>
  ): Outcome | undefined => {
    const sent = headers["x-acs-security-token"]
    const expected = key.securityToken === undefined ? undefined : Redacted.value(key.securityToken)
    if (sent === expected && (sent === undefined || headers["x-acs-accesskey-id"] === key.accessKeyId)) return undefined
    return {
      ...base,
      verdict: "token-mismatch",
      rejection:
        expected !== undefined && sent === undefined
          ? { status: 400, code: "MissingSecurityToken", message: "The STS key pair needs x-acs-security-token." }
          : {
              status: 400,
              code: "InvalidSecurityToken.MismatchWithAccessKey",
              message: "The security token does not belong to the access key that signed the request."
            }
    }
  }

  const checkNonce = (base: Outcome, nonce: string, time: number): Outcome => {
    // Scheduled sweeps keep memory bounded by time even when no nonce is ever repeated.
    if (++checks % 1024 === 0) nonces.sweep(now())
    if (nonces.remember(`${base.accessKeyId}\n${nonce}`, time, now())) return { ...base, verdict: "valid" }
    return {
      ...base,
      verdict: "nonce-reused",
      rejection: { status: 400, code: "SignatureNonceUsed", message: "Specified signature nonce was used already." }
    }
  }

  const unknownKey = (base: Outcome): Outcome => ({
    ...base,
    verdict: "unknown-key",
    rejection: { status: 404, code: "InvalidAccessKeyId.NotFound", message: "Specified access key is not found." }
  })

  const checkV3 = (incoming: Incoming, authorization: string): Outcome => {
    const parsed = Signature.parseAuthorization(authorization)
    if (parsed === undefined) return incomplete("the ACS3-HMAC-SHA256 Authorization header cannot be parsed")
    const nonce = incoming.headers["x-acs-signature-nonce"]
    const base: Outcome = {
      verdict: "not-checked",
      version: "v3",
      accessKeyId: parsed.accessKeyId,
      ...(nonce === undefined ? {} : { nonce })
    }
    const key = byId.get(parsed.accessKeyId)
    if (key === undefined) return unknownKey(base)

    const names = parsed.signedHeaders
    const sorted = [...names].sort()
    if (names.some((name, at) => name !== name.toLowerCase() || name !== sorted[at] || name === names[at - 1])) {
      return { ...incomplete("SignedHeaders must be lower-case, sorted and distinct"), ...base, verdict: "malformed" }
    }
    const unsigned = [
      ...requiredV3,
      ...Object.keys(incoming.headers).filter((name) => name.startsWith("x-acs-") || name === "content-type")
    ].find((name) => !names.includes(name))
    if (unsigned !== undefined)
      return { ...incomplete(`header ${unsigned} must be signed`), ...base, verdict: "malformed" }
    const missing = names.find((name) => incoming.headers[name] === undefined)
    if (missing !== undefined) {
      return { ...incomplete(`signed header ${missing} is not in the request`), ...base, verdict: "malformed" }
    }

    const time = checkTime(base, incoming.headers["x-acs-date"], acsDate, "x-acs-date")
    if (typeof time !== "number") return time
    const bodyHash = createHash("sha256").update(incoming.body).digest("hex")
    if (incoming.headers["x-acs-content-sha256"] !== bodyHash) {
      return mismatch(base, `x-acs-content-sha256 is not the SHA-256 of the body (${bodyHash}).`)
    }
    const request: Signature.Request = { ...incoming, host: incoming.headers.host ?? "" }
    const canonical = Signature.canonicalRequest(request, names)
    // Hashed with node:crypto rather than the signer's Web Crypto path: a second implementation, and a cheap one.
    const toSign = `${Signature.algorithmV3}\n${createHash("sha256").update(canonical, "utf8").digest("hex")}`
    const expected = createHmac("sha256", Redacted.value(key.accessKeySecret)).update(toSign, "utf8").digest("hex")
    if (!sameText(expected, parsed.signature)) {
      return mismatch(base, `Server string to sign is:\n${toSign}\nfrom the canonical request:\n${canonical}`)
    }
    return checkToken(base, key, incoming.headers) ?? checkNonce(base, nonce!, time)
  }

  const checkV1 = (incoming: Incoming, authorization: string): Outcome => {
    const match = v1Authorization.exec(authorization.trim())
    if (match === null) return incomplete("the acs Authorization header cannot be parsed")
    const nonce = incoming.headers["x-acs-signature-nonce"]
    const base: Outcome = {
      verdict: "not-checked",
      version: "v1",
      accessKeyId: match[1]!,
      ...(nonce === undefined ? {} : { nonce })
    }
    const key = byId.get(match[1]!)
    if (key === undefined) return unknownKey(base)
    if (nonce === undefined) return { ...incomplete("x-acs-signature-nonce is missing"), ...base, verdict: "malformed" }
    if (incoming.headers["x-acs-signature-method"] !== "HMAC-SHA1") {
      return { ...incomplete("x-acs-signature-method must be HMAC-SHA1"), ...base, verdict: "malformed" }
    }
    if (incoming.headers["x-acs-signature-version"] !== "1.0") {
      return { ...incomplete("x-acs-signature-version must be 1.0"), ...base, verdict: "malformed" }
    }

    const time = checkTime(base, incoming.headers.date, httpDate, "Date")
    if (typeof time !== "number") return time
    const toSign = Signature.stringToSignV1({ ...incoming, host: incoming.headers.host ?? "" })
    const expected = createHmac("sha1", Redacted.value(key.accessKeySecret)).update(toSign, "utf8").digest("base64")
    if (!sameText(expected, match[2]!)) return mismatch(base, `Server string to sign is:\n${toSign}`)
    return checkToken(base, key, incoming.headers) ?? checkNonce(base, nonce, time)
  }

  return {
    /** Runs every check on a request. */
    check: (incoming: Incoming): Promise<Outcome> => {
      const authorization = incoming.headers.authorization
      if (authorization === undefined) {
        return Promise.resolve({ ...incomplete("the Authorization header is missing"), verdict: "missing" })
      }
      if (authorization.startsWith(`${Signature.algorithmV3} `))
        return Promise.resolve(checkV3(incoming, authorization))
      if (authorization.startsWith("acs ")) return Promise.resolve(checkV1(incoming, authorization))
      return Promise.resolve(incomplete("the Authorization scheme is neither ACS3-HMAC-SHA256 nor acs"))
    },
    /** How many nonces are remembered now (tests check the memory stays bounded). */
    rememberedNonces: () => nonces.size()
  }
}
