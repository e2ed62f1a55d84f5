/**
 * The floor on Node: what a careful hand-written script would do for one call, and nothing more. `node:http` with
 * a keep-alive agent, ACS3-HMAC-SHA256 signing with `node:crypto`, `JSON.parse` of the body. No retry, no timeout,
 * no decoding beyond `JSON.parse`.
 */
import { createHash, createHmac, randomBytes } from "node:crypto"
import { Agent, get } from "node:http"
import { type BenchClient, expectRecords, type Target } from "./protocol.ts"

const emptyHash = createHash("sha256").update("").digest("hex")
const signed = "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version"

export const make = async (target: Target): Promise<BenchClient> => {
  const agent = new Agent({ keepAlive: true })
  const { host } = new URL(target.url)
  const path = `/api/v1/instances/${encodeURIComponent(target.instanceId)}/upgrade/status`
  const query = `RegionId=${encodeURIComponent(target.regionId)}`
  const call = () => {
    const headers: Record<string, string> = {
      host,
      "x-acs-action": "GetUpgradeStatus",
      "x-acs-content-sha256": emptyHash,
      "x-acs-date": new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      "x-acs-signature-nonce": randomBytes(16).toString("hex"),
      "x-acs-version": "2022-06-01"
    }
    const canonical = `GET\n${path}\n${query}\n${signed
      .split(";")
      .map((name) => `${name}:${headers[name]}\n`)
      .join("")}\n${signed}\n${emptyHash}`
    const toSign = `ACS3-HMAC-SHA256\n${createHash("sha256").update(canonical).digest("hex")}`
    const signature = createHmac("sha256", target.accessKeySecret).update(toSign).digest("hex")
    headers.authorization = `ACS3-HMAC-SHA256 Credential=${target.accessKeyId},SignedHeaders=${signed},Signature=${signature}`
    return new Promise<unknown>((resolve, reject) => {
      get(`${target.url}${path}?${query}`, { agent, headers }, (response) => {
        let body = ""
        response.setEncoding("utf8")
        response.on("data", (chunk: string) => (body += chunk))
        response.on("end", () => {
          if (response.statusCode !== 200) return reject(new Error(`HTTP ${response.statusCode}: ${body}`))
          const parsed = JSON.parse(body)
          expectRecords(parsed)
          resolve(parsed)
        })
      }).on("error", reject)
    })
  }
  return { call, close: async () => agent.destroy() }
}
