// Loads the packed libraries with `require` (Node 20.19+ loads ES modules that way) and makes a real call.
const core = require("@holo-upgrade/core")
const emulatorPackage = require("@holo-upgrade/emulator")
const fetchAdapter = require("@holo-upgrade/fetch")
const nodeAdapter = require("@holo-upgrade/node")

const target = JSON.parse(process.argv[2])
const fail = (message) => {
  throw new Error(message)
}

const modules = { core, emulator: emulatorPackage, fetch: fetchAdapter, node: nodeAdapter }
for (const [name, module] of Object.entries(modules)) {
  if ("default" in module) fail(`require("@holo-upgrade/${name}") has a default export`)
}
if (typeof fetchAdapter.createClient !== "function") fail("fetch: createClient is not a function")
if (typeof nodeAdapter.createClient !== "function") fail("node: createClient is not a function")
if (typeof emulatorPackage.startEmulator !== "function") fail("emulator: startEmulator is not a function")

const main = async () => {
  const seen = []
  const adapters = [["fetch adapter", fetchAdapter.createClient]]
  // The Node adapter is for Node: on Bun it loads, but Bun's built-in undici lacks what its transport needs.
  if (process.versions.bun === undefined) adapters.push(["node adapter", nodeAdapter.createClient])
  for (const [label, createClient] of adapters) {
    const client = createClient({
      endpoint: target.endpoint,
      regionId: target.regionId,
      credentials: { accessKeyId: target.accessKeyId, accessKeySecret: target.accessKeySecret }
    })
    try {
      const response = await client.getUpgradeStatus(target.instanceId)
      if (response.Success !== true) fail(`${label}: unexpected answer ${JSON.stringify(response)}`)
      seen.push(`${label} ${response.Data[0]?.Status}`)
    } finally {
      await client.close()
    }
  }
  if (!(new core.HologresError.ConfigError({ reason: "InvalidOption", message: "x" }) instanceof Error)) {
    fail("core: errors are not Error instances")
  }
  console.log(seen.join("; "))
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
