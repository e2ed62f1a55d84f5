// The CommonJS view of the same declarations: `import = require` of the packages resolves to real types.
import fetchAdapter = require("@holo-upgrade/fetch")
import core = require("@holo-upgrade/core")

const client: fetchAdapter.PromiseClient.Client = fetchAdapter.createClient({ regionId: "cn-hangzhou" })
const error: core.HologresError.HologresError = new core.HologresError.ConfigError({
  reason: "MissingRegion",
  message: "x"
})

// @ts-expect-error reason must be one of the documented values
void new core.HologresError.ConfigError({ reason: "Nonsense", message: "x" })

export = { client, error }
