/**
 * The vendor's official client, `@alicloud/openapi-client`, with its defaults (ACS3-HMAC-SHA256 signing, Node's global
 * keep-alive agent), loaded from node_modules as an application loads it rather than bundled.
 */
import { createRequire } from "node:module"
import { join } from "node:path"
import { type BenchClient, expectRecords, type Target } from "./protocol.ts"

const fromRoot = createRequire(join(process.cwd(), "package.json"))

export const make = async (target: Target): Promise<BenchClient> => {
  const OpenApi = fromRoot("@alicloud/openapi-client")
  const Util = fromRoot("@alicloud/tea-util")
  const client = new OpenApi.default(
    new OpenApi.Config({
      accessKeyId: target.accessKeyId,
      accessKeySecret: target.accessKeySecret,
      // Only ever the local emulator: its host and port, plain HTTP.
      endpoint: new URL(target.url).host,
      protocol: "HTTP"
    })
  )
  const params = new OpenApi.Params({
    action: "GetUpgradeStatus",
    version: "2022-06-01",
    protocol: "HTTP",
    pathname: `/api/v1/instances/${encodeURIComponent(target.instanceId)}/upgrade/status`,
    method: "GET",
    authType: "AK",
    style: "ROA",
    reqBodyType: "json",
    bodyType: "json"
  })
  const call = async () => {
    const request = new OpenApi.OpenApiRequest({ query: { RegionId: target.regionId } })
    const result = await client.callApi(params, request, new Util.RuntimeOptions({}))
    if (result.statusCode !== 200) throw new Error(`HTTP ${result.statusCode}`)
    expectRecords(result.body)
    return result.body
  }
  return { call, close: async () => {} }
}
