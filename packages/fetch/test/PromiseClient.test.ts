import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type { HologresClient } from "@holo-upgrade/core"
import { HologresError } from "@holo-upgrade/core"
import type { Emulator } from "@holo-upgrade/emulator"
import { startEmulator } from "@holo-upgrade/emulator"
import { Redacted } from "effect"
import { createClient } from "../src/index.ts"

describe("PromiseClient", () => {
  let emulator: Emulator.Handle
  let credentials: { readonly accessKeyId: string; readonly accessKeySecret: string }
  beforeAll(async () => {
    emulator = await startEmulator({
      specs: [
        { id: "hgpromise-ok", scenario: "hot-upgrade" },
        {
          id: "hgpromise-throttled",
          scenario: "hot-upgrade",
          faults: [{ kind: "throttle", count: 1, retryAfterMs: 1 }]
        }
      ]
    })
    const key = emulator.keys[0]!
    credentials = { accessKeyId: key.accessKeyId, accessKeySecret: Redacted.value(key.accessKeySecret) }
  })
  afterAll(() => emulator.close())

  it("takes an instance id with the client's default region, or the region of the call", async () => {
    const client = createClient({ endpoint: emulator.url, credentials, regionId: "cn-beijing" })
    try {
      await client.getUpgradeStatus("hgpromise-ok")
      await client.getUpgradeStatus("hgpromise-ok", { regionId: "cn-shanghai" })
      await client.getUpgradeStatus({ instanceId: "hgpromise-ok", regionId: "cn-shenzhen" })
      const regions = emulator
        .requests()
        .filter((entry) => entry.instanceId === "hgpromise-ok")
        .map((entry) => entry.query)
      assert.deepStrictEqual(regions, ["RegionId=cn-beijing", "RegionId=cn-shanghai", "RegionId=cn-shenzhen"])
    } finally {
      await client.close()
    }
  })

  it("a call with no region anywhere is refused with a ConfigError instance, before sending", async () => {
    const client = createClient({ endpoint: emulator.url, credentials })
    const before = emulator.requests().length
    try {
      const error = await client.getUpgradeStatus("hgpromise-ok").then(
        () => assert.fail("resolved without a region"),
        (error: unknown) => error
      )
      assert.instanceOf(error, HologresError.ConfigError)
      assert.strictEqual((error as HologresError.ConfigError).reason, "MissingRegion")
      assert.strictEqual(emulator.requests().length, before)
    } finally {
      await client.close()
    }
  })

  it("reports every attempt to a plain callback, and ignores a callback that throws", async () => {
    const events: Array<HologresClient.AttemptEvent> = []
    const client = createClient({
      endpoint: emulator.url,
      credentials,
      regionId: "cn-hangzhou",
      retry: { baseDelayMs: 1, maxDelayMs: 1, retryAfterCapMs: 1 },
      onAttempt: (event) => {
        events.push(event)
        throw new Error("a broken logger must not break the call")
      }
    })
    try {
      const response = await client.getUpgradeStatus("hgpromise-throttled")
      assert.strictEqual(response.Success, true)
      assert.deepStrictEqual(
        events.map((event) => [event.attempt, event.outcome, event.status]),
        [
          [1, "retry", 400],
          [2, "success", 200]
        ]
      )
    } finally {
      await client.close()
    }
  })

  it("after close, calls reject with an Error saying so", async () => {
    const client = createClient({ endpoint: emulator.url, credentials, regionId: "cn-hangzhou" })
    await client.getUpgradeStatus("hgpromise-ok")
    await client.close()
    const error = await client.getUpgradeStatus("hgpromise-ok").then(
      () => assert.fail("resolved after close"),
      (error: unknown) => error
    )
    assert.instanceOf(error, Error)
    assert.match((error as Error).message, /closed/)
  })
})
