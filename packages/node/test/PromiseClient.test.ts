import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { HologresClient } from "@holo-upgrade/core"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { createClient } from "../src/index.ts"
import { type Loopback, startLoopback } from "./support/LoopbackServer.ts"

const key = { accessKeyId: "LTAIpromise", secret: "CANARY-promise-secret-5a5a" }
const okBody = JSON.stringify({ RequestId: "req-promise", Success: true, Data: [] })

describe("createClient (Promise facade)", () => {
  let server: Loopback
  let emptyHome: string
  beforeAll(async () => {
    server = await startLoopback(
      [
        { status: 200, body: okBody },
        { status: 200, body: okBody },
        {
          status: 400,
          body: JSON.stringify({ RequestId: "req-sig", Code: "SignatureDoesNotMatch", Message: "bad signature" })
        }
      ],
      key
    )
    emptyHome = mkdtempSync(join(tmpdir(), "holo-promise-"))
  })
  afterAll(async () => {
    await server.close()
    rmSync(emptyHome, { recursive: true, force: true })
  })

  const envKeys = {
    ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: key.secret
  }

  it("resolves with the answer, credentials and region from the environment", async () => {
    const events: Array<HologresClient.AttemptEvent> = []
    const client = createClient({
      endpoint: server.url,
      env: { ...envKeys, ALIBABA_CLOUD_REGION_ID: "cn-hangzhou" },
      credentials: { homeDir: emptyHome },
      onAttempt: (event) => {
        events.push(event)
        throw new Error("an observer failure is ignored")
      }
    })
    try {
      const response = await client.getUpgradeStatus("hgpromise")
      assert.strictEqual(response.RequestId, "req-promise")
      assert.strictEqual(server.received.at(-1)?.url, "/api/v1/instances/hgpromise/upgrade/status?RegionId=cn-hangzhou")
      assert.isTrue(server.received.at(-1)?.signatureValid)
      assert.deepStrictEqual(
        events.map((event) => event.outcome),
        ["success"]
      )
    } finally {
      await client.close()
    }
  })

  it("accepts explicit keys and the fetch adapter's object form", async () => {
    const client = createClient({
      endpoint: server.url,
      env: {},
      credentials: { accessKeyId: key.accessKeyId, accessKeySecret: key.secret }
    })
    try {
      const response = await client.getUpgradeStatus({ instanceId: "hgobject", regionId: "cn-beijing" })
      assert.strictEqual(response.RequestId, "req-promise")
      assert.strictEqual(server.received.at(-1)?.url, "/api/v1/instances/hgobject/upgrade/status?RegionId=cn-beijing")
    } finally {
      await client.close()
    }
  })

  it("rejects with the tagged error itself, without the secret", async () => {
    const client = createClient({ endpoint: server.url, env: envKeys, credentials: { homeDir: emptyHome } })
    try {
      const error = await client.getUpgradeStatus("hgsig", { regionId: "cn-hangzhou" }).then(
        () => assert.fail("expected a rejection"),
        (error: unknown) => error as { _tag: string; reason: string; requestId: string; hint: string }
      )
      assert.strictEqual(error._tag, "HologresApiError")
      assert.strictEqual(error.reason, "Authentication")
      assert.strictEqual(error.requestId, "req-sig")
      assert.include(error.hint, "environment (ALIBABA_CLOUD_ACCESS_KEY_ID)")
      for (const text of [String(error), JSON.stringify(error)]) assert.notInclude(text, key.secret)
    } finally {
      await client.close()
    }
  })

  it("rejects with MissingRegion when no region is known, and MissingCredentials when no key is", async () => {
    const noRegion = createClient({ endpoint: server.url, env: envKeys, credentials: { homeDir: emptyHome } })
    const noKey = createClient({ endpoint: server.url, env: {}, credentials: { homeDir: emptyHome } })
    try {
      const region = await noRegion.getUpgradeStatus("hg").catch((error: { _tag: string; reason: string }) => error)
      assert.deepInclude(region, { _tag: "HologresConfigError", reason: "MissingRegion" })
      const missing = await noKey.getUpgradeStatus("hg", { regionId: "cn-hangzhou" }).catch((error) => error)
      assert.deepInclude(missing, { _tag: "HologresConfigError", reason: "MissingCredentials" })
    } finally {
      await Promise.all([noRegion.close(), noKey.close()])
    }
  })
})
