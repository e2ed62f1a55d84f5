/** Which headers a V3 signature covers and which a signer owns, shared by `Signature` and the prepared signer. */

/**
 * Headers a signer owns. Any value for them already present in a request (from an earlier attempt, or supplied by a
 * caller) is dropped before signing, so a re-signed request is byte for byte a freshly signed one.
 */
export const signerOwnedHeaders: ReadonlyArray<string> = [
  "authorization",
  "date",
  "x-acs-date",
  "x-acs-signature-nonce",
  "x-acs-content-sha256",
  "x-acs-signature-method",
  "x-acs-signature-version",
  "x-acs-accesskey-id",
  "x-acs-security-token"
]

const signerOwned = new Set(signerOwnedHeaders)

/** Orders strings by UTF-16 code unit, as the gateway sorts names (`B` before `a`, `Key.10` before `Key.2`). */
export const compareCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Whether V3 signs a header: `host`, `content-type` and every `x-acs-*`. */
export const isSignedV3 = (name: string): boolean =>
  name === "host" || name === "content-type" || name.startsWith("x-acs-")

/** The headers lower-cased (a later duplicate wins), without any the signer owns. */
export const withoutSignerHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  // Built by skipping rather than deleting: deleting properties leaves an object slow for every later read.
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (!signerOwned.has(lower)) out[lower] = value
  }
  return out
}
