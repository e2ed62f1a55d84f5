/**
 * The emulator must not be the only judge of our signer: here the vendor's own client, `@alicloud/openapi-client`,
 * signs requests (V3 and the older V1 ROA, with and without an STS token) and the emulator has to accept them, and
 * refuse them when the secret is wrong. The client's endpoint is the emulator's loopback address, nothing else.
 */
import { createRequire } from "node:module"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Redacted } from "effect"
import type { Handle } from "../src/Emulator.ts"
import { AccessKey, startEmulator } from "../src/index.ts"
import { apiPath } from "./support.ts"

const require = createRequire(import.meta.url)
const OpenApi = require("@alicloud/openapi-client")
const Util = require("@alicloud/tea-util")

const sts = AccessKey.make("STS.holo-demo-sts", "holo-demo-sts-secret", "CAIS+holo/demo=token")
const instanceId = "hgemu-hot-upgrade-1"

describe("the vendor's official client against the emulator", () => {
  let emulator: Handle
  beforeAll(async () => {
    emulator = await startEmulator({ keys: [AccessKey.demo, sts], scenario: "hot-upgrade", timeScale: 60 })
  })
  afterAll(() => emulator.close())

  const call = (version: "v3" | "v1", key: AccessKey.AccessKey, secret?: string) => {
    const client = new OpenApi.default(
      new OpenApi.Config({
        accessKeyId: key.accessKeyId,
        accessKeySecret: secret ?? Redacted.value(key.accessKeySecret),
        securityToken: key.securityToken === undefined ? undefined : Redacted.value(key.securityToken),
        // Only ever the emulator: host and port of the loopback server, plain HTTP.
        endpoint: new URL(emulator.url).host,
        protocol: "HTTP",
        // "v2" routes ROA calls through the client's V1 (HMAC-SHA1) signer; unset means ACS3-HMAC-SHA256.
        ...(version === "v1" ? { signatureAlgorithm: "v2" } : {})
      })
    )
    const params = new OpenApi.Params({
      action: "GetUpgradeStatus",
      version: "2022-06-01",
      protocol: "HTTP",
      pathname: apiPath(instanceId),
      method: "GET",
      authType: "AK",
      style: "ROA",
      reqBodyType: "json",
      bodyType: "json"
    })
    const request = new OpenApi.OpenApiRequest({ query: { RegionId: "cn-hangzhou" } })
    return client.callApi(params, request, new Util.RuntimeOptions({ autoretry: false }))
  }

  for (const version of ["v3", "v1"] as const) {
    for (const [label, key] of [
      ["demo key", AccessKey.demo],
      ["STS key", sts]
    ] as const) {
      it(`${version} with the ${label}: accepted, and the answer is the scenario's`, async () => {
        emulator.clearRequests()
        const result = await call(version, key)
        assert.strictEqual(result.statusCode, 200)
        assert.strictEqual(result.body.Data[0].Status, "preparing")
        assert.strictEqual(result.headers["x-acs-request-id"], result.body.RequestId)
        const [entry] = emulator.requests()
        assert.strictEqual(entry?.verdict, "valid")
        assert.strictEqual(entry?.signatureVersion, version)
        assert.strictEqual(entry?.accessKeyId, key.accessKeyId)
        assert.strictEqual(entry?.instanceId, instanceId)
      })

      it(`${version} with the ${label} and a wrong secret: SignatureDoesNotMatch`, async () => {
        emulator.clearRequests()
        const error = await call(version, key, "not-the-secret").then(
          () => assert.fail("the emulator accepted a wrong secret"),
          (thrown: any) => thrown
        )
        assert.strictEqual(error.code, "SignatureDoesNotMatch")
        assert.strictEqual(error.data.statusCode, 400)
        assert.include(error.data.Message, "string to sign")
        assert.strictEqual(emulator.requests()[0]?.verdict, "mismatch")
      })
    }
  }

  it("an unknown key id from the vendor client: InvalidAccessKeyId.NotFound", async () => {
    const error = await call("v3", AccessKey.make("someone-else", "whatever")).then(
      () => assert.fail("the emulator accepted an unknown key"),
      (thrown: any) => thrown
    )
    assert.strictEqual(error.code, "InvalidAccessKeyId.NotFound")
    assert.strictEqual(error.data.statusCode, 404)
  })
})
