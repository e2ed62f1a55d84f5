/**
 * The floor for fetch runtimes: a hand-written call with the global `fetch` and Web Crypto (what runs everywhere),
 * the HMAC key imported once, `JSON.parse` of the body. No retry, no timeout, no decoding beyond `JSON.parse`.
 */
import { type BenchClient, expectRecords, type Target } from "./protocol.ts"

const encoder = new TextEncoder()
const hex = (bytes: ArrayBuffer): string =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("")
const signed = "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version"

export const make = async (target: Target): Promise<BenchClient> => {
  const subtle = globalThis.crypto.subtle
  const key = await subtle.importKey(
    "raw",
    encoder.encode(target.accessKeySecret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"]
  )
  const emptyHash = hex(await subtle.digest("SHA-256", new Uint8Array()))
  const { host } = new URL(target.url)
  const path = `/api/v1/instances/${encodeURIComponent(target.instanceId)}/upgrade/status`
  const query = `RegionId=${encodeURIComponent(target.regionId)}`
  const call = async () => {
    const headers: Record<string, string> = {
      host,
      "x-acs-action": "GetUpgradeStatus",
      "x-acs-content-sha256": emptyHash,
      "x-acs-date": new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      "x-acs-signature-nonce": hex(globalThis.crypto.getRandomValues(new Uint8Array(16)).buffer),
      "x-acs-version": "2022-06-01"
    }
    const canonical = `GET\n${path}\n${query}\n${signed
      .split(";")
      .map((name) => `${name}:${headers[name]}\n`)
      .join("")}\n${signed}\n${emptyHash}`
    const toSign = `ACS3-HMAC-SHA256\n${hex(await subtle.digest("SHA-256", encoder.encode(canonical)))}`
    const signature = hex(await subtle.sign("HMAC", key, encoder.encode(toSign)))
    headers.authorization = `ACS3-HMAC-SHA256 Credential=${target.accessKeyId},SignedHeaders=${signed},Signature=${signature}`
    // fetch sets Host from the URL itself; sending it again is refused.
    const { host: _host, ...sent } = headers
    const response = await fetch(`${target.url}${path}?${query}`, { headers: sent })
    const body = await response.text()
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${body}`)
    const parsed = JSON.parse(body)
    expectRecords(parsed)
    return parsed
  }
  return { call, close: async () => {} }
}
