/// <reference lib="deno.ns" />
/**
 * A custom `fetch` on Deno: a proxy or a private CA is reached through a `Deno.createHttpClient` client, given to the
 * adapter inside a `fetch` of the caller's own or as a `RequestInit` field. Here the client's proxy is a forwarding
 * proxy on 127.0.0.1 that counts what passes through it, so the test sees the client really carried the requests.
 */
import { startEmulator } from "@holo-upgrade/emulator"
import { createClient } from "@holo-upgrade/fetch"
import { Redacted } from "effect"
import { equal } from "../contract/assert.ts"

Deno.test("a Deno.createHttpClient proxy carries the calls, given as a custom fetch or in RequestInit", async () => {
  const emulator = await startEmulator({ scenario: "hot-upgrade" })
  const proxied: Array<string> = []
  // A plain-HTTP proxy receives the absolute URL and forwards the request, signed headers untouched.
  const proxy = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    proxied.push(new URL(request.url).pathname)
    return fetch(request.url, { method: request.method, headers: request.headers })
  })
  const httpClient = Deno.createHttpClient({ proxy: { url: `http://127.0.0.1:${proxy.addr.port}` } })
  const key = emulator.keys[0]!
  const credentials = { accessKeyId: key.accessKeyId, accessKeySecret: Redacted.value(key.accessKeySecret) }
  const instanceId = emulator.instances()[0]!
  const input = { instanceId, regionId: "cn-hangzhou" }
  const viaFetch = createClient({
    endpoint: emulator.url,
    credentials,
    fetch: (request, init) => fetch(request, { ...init, client: httpClient })
  })
  // `client` is Deno's extension of RequestInit, absent from the DOM type.
  const viaInit = createClient({
    endpoint: emulator.url,
    credentials,
    requestInit: { client: httpClient } as RequestInit
  })
  try {
    equal((await viaFetch.getUpgradeStatus(input)).Success, true, "through the custom fetch")
    equal((await viaInit.getUpgradeStatus(input)).Success, true, "through RequestInit")
    equal(
      proxied,
      [`/api/v1/instances/${instanceId}/upgrade/status`, `/api/v1/instances/${instanceId}/upgrade/status`],
      "proxied"
    )
    equal(
      emulator.requests().map((entry) => entry.verdict),
      ["valid", "valid"],
      "signatures the emulator saw"
    )
  } finally {
    await viaFetch.close()
    await viaInit.close()
    httpClient.close()
    await proxy.shutdown()
    await emulator.close()
  }
})
