// Imports the packed libraries as ESM and makes real calls to the emulator named by the first argument (JSON).
// Runs unchanged on Node, Deno and Bun; the Node adapter is called on Node only.
import * as core from "@holo-upgrade/core"
import * as emulatorPackage from "@holo-upgrade/emulator"
import * as fetchAdapter from "@holo-upgrade/fetch"

const runtime = globalThis.Deno !== undefined ? "Deno" : globalThis.Bun !== undefined ? "Bun" : "Node"
const target = JSON.parse(globalThis.Deno !== undefined ? globalThis.Deno.args[0] : process.argv[2])

const fail = (message) => {
  throw new Error(`${runtime}: ${message}`)
}

for (const [name, namespace] of Object.entries({ core, emulator: emulatorPackage, fetch: fetchAdapter })) {
  if ("default" in namespace) fail(`@holo-upgrade/${name} has a default export`)
}

/** A successful call and a refused one through an adapter's `createClient`; returns what was seen. */
const exercise = async (label, createClient) => {
  const options = { endpoint: target.endpoint, regionId: target.regionId }
  const client = createClient({
    ...options,
    credentials: { accessKeyId: target.accessKeyId, accessKeySecret: target.accessKeySecret }
  })
  const stranger = createClient({ ...options, credentials: { accessKeyId: "unknown-key", accessKeySecret: "x" } })
  try {
    const response = await client.getUpgradeStatus(target.instanceId)
    const status = response.Data[0]?.Status
    if (response.Success !== true || status === undefined)
      fail(`${label}: unexpected answer ${JSON.stringify(response)}`)
    const error = await stranger.getUpgradeStatus(target.instanceId).then(
      () => fail(`${label}: an unknown key was accepted`),
      (error) => error
    )
    // The error is an instance of the class the caller imports: one copy of core, no dual-package split.
    if (!(error instanceof core.HologresError.ApiError)) fail(`${label}: rejected with ${error}`)
    return `${label} ${status}, unknown key ${error.reason}`
  } finally {
    await client.close()
    await stranger.close()
  }
}

const seen = [await exercise("fetch adapter", fetchAdapter.createClient)]
if (runtime !== "Deno") {
  const nodeAdapter = await import("@holo-upgrade/node")
  if ("default" in nodeAdapter) fail("@holo-upgrade/node has a default export")
  // The Node adapter is for Node: on Bun it loads, but Bun's built-in undici lacks what its transport needs.
  if (runtime === "Node") seen.push(await exercise("node adapter", nodeAdapter.createClient))
}
console.log(seen.join("; "))
