import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { HologresClient } from "@holo-upgrade/core"
import type { Emulator } from "@holo-upgrade/emulator"
import { startEmulator } from "@holo-upgrade/emulator"
import { Effect, Redacted } from "effect"
import { createClient, FetchHologresClient } from "../src/index.ts"

interface Call {
  readonly url: string
  readonly init: RequestInit | undefined
}

// Records what reaches `fetch`, then sends it with the runtime's own fetch to the emulator on 127.0.0.1.
const recordingFetch = () => {
  const calls: Array<Call> = []
  const fetch: typeof globalThis.fetch = (input, init) => {
    calls.push({ url: input instanceof Request ? input.url : String(input), init })
    return globalThis.fetch(input, init)
  }
  return { calls, fetch }
}

const headersOf = (call: Call | undefined): Headers => new Headers(call?.init?.headers)

describe("FetchHologresClient", () => {
  let emulator: Emulator.Handle
  let credentials: { readonly accessKeyId: string; readonly accessKeySecret: string }
  beforeAll(async () => {
    emulator = await startEmulator({
      specs: [
        { id: "hgfetch-ok", scenario: "hot-upgrade" },
        { id: "hgfetch-hang", scenario: "hot-upgrade", faults: [{ kind: "hang" }] }
      ]
    })
    const key = emulator.keys[0]!
    credentials = { accessKeyId: key.accessKeyId, accessKeySecret: Redacted.value(key.accessKeySecret) }
  })
  afterAll(() => emulator.close())

  // `it.live`: the emulator checks the signing date against the real clock.
  it.live("sends through the given fetch, with the given RequestInit fields beside the signed headers", () => {
    const recorder = recordingFetch()
    return Effect.gen(function* () {
      const client = yield* HologresClient.HologresClient
      const response = yield* client.getUpgradeStatus({ instanceId: "hgfetch-ok", regionId: "cn-hangzhou" })
      assert.strictEqual(response.Success, true)
      assert.strictEqual(recorder.calls.length, 1)
      const [call] = recorder.calls
      assert.strictEqual(call?.url, `${emulator.url}/api/v1/instances/hgfetch-ok/upgrade/status?RegionId=cn-hangzhou`)
      assert.strictEqual(call?.init?.referrerPolicy, "no-referrer")
      assert.match(headersOf(call).get("authorization") ?? "", /^ACS3-HMAC-SHA256 Credential=/)
      assert.strictEqual(headersOf(call).get("x-custom"), "kept")
      assert.strictEqual(headersOf(call).get("x-acs-action"), "GetUpgradeStatus", "a signed header wins a clash")
    }).pipe(
      Effect.provide(
        FetchHologresClient.layer({
          endpoint: emulator.url,
          credentials,
          fetch: recorder.fetch,
          requestInit: { referrerPolicy: "no-referrer", headers: { "x-custom": "kept", "x-acs-action": "Clash" } }
        })
      )
    )
  })

  it("a late attempt is aborted through fetch's signal when the policy's attempt timeout passes", async () => {
    const recorder = recordingFetch()
    const client = createClient({
      endpoint: emulator.url,
      credentials,
      fetch: recorder.fetch,
      retry: { maxAttempts: 2, attemptTimeoutMs: 500, baseDelayMs: 1, maxDelayMs: 1 }
    })
    try {
      const error = await client.getUpgradeStatus({ instanceId: "hgfetch-hang", regionId: "cn-hangzhou" }).then(
        () => assert.fail("a call to a silent server resolved"),
        (error: unknown) => error
      )
      assert.strictEqual((error as { _tag?: string })._tag, "HologresRequestError")
      assert.strictEqual((error as { reason?: string }).reason, "Timeout")
      assert.strictEqual((error as { attempts?: number }).attempts, 2)
      // On a loaded machine an attempt can time out before its request is handed to fetch; every request that was
      // handed over must have been aborted.
      assert.isAtLeast(recorder.calls.length, 1)
      for (const call of recorder.calls) assert.isTrue(call.init?.signal?.aborted, "each attempt's request was aborted")
    } finally {
      await client.close()
    }
  })

  it("the Promise client rejects with the error itself, and reads no credentials before the first call", async () => {
    const client = createClient({
      endpoint: emulator.url,
      credentials: { env: { accessKeyId: "HOLO_FETCH_UNSET_ID" } }
    })
    try {
      const error = await client.getUpgradeStatus({ instanceId: "hgfetch-ok", regionId: "cn-hangzhou" }).then(
        () => assert.fail("resolved without credentials"),
        (error: unknown) => error
      )
      assert.instanceOf(error, Error)
      assert.strictEqual((error as { _tag?: string })._tag, "HologresConfigError")
      assert.strictEqual((error as { reason?: string }).reason, "MissingCredentials")
      assert.match((error as Error).message, /HOLO_FETCH_UNSET_ID/)
    } finally {
      await client.close()
    }
  })
})
