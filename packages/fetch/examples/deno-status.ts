/// <reference lib="deno.ns" />
/**
 * Reads the upgrade status of one Hologres instance with the fetch adapter, under Deno's least privilege:
 *
 *   deno run --allow-net=hologram.cn-hangzhou.aliyuncs.com \
 *     --allow-env=ALIBABA_CLOUD_ACCESS_KEY_ID,ALIBABA_CLOUD_ACCESS_KEY_SECRET,ALIBABA_CLOUD_SECURITY_TOKEN \
 *     packages/fetch/examples/deno-status.ts --instance hgprecn-cn-xxxx --region cn-hangzhou
 *
 * The key comes from those variables, read on the first call, or from `--access-key-id` / `--access-key-secret`
 * (then no `--allow-env` is needed; mind that arguments are visible to other local users). `--endpoint` points it
 * elsewhere, for example at the emulator. Prints the decoded answer as JSON; on failure prints the error's tag and
 * message to stderr and exits with 1.
 */
import { createClient } from "@holo-upgrade/fetch"

const flags = new Map<string, string>()
for (let index = 0; index < Deno.args.length; index += 2) {
  const name = Deno.args[index]!
  const value = Deno.args[index + 1]
  if (!name.startsWith("--") || value === undefined) {
    console.error(
      `usage: deno-status.ts --instance ID --region REGION [--endpoint URL] [--access-key-id ID --access-key-secret SECRET]`
    )
    Deno.exit(2)
  }
  flags.set(name.slice(2), value)
}

const accessKeyId = flags.get("access-key-id")
const accessKeySecret = flags.get("access-key-secret")
const client = createClient({
  endpoint: flags.get("endpoint"),
  credentials:
    accessKeyId !== undefined && accessKeySecret !== undefined ? { accessKeyId, accessKeySecret } : { env: {} }
})

try {
  const response = await client.getUpgradeStatus({
    instanceId: flags.get("instance") ?? "",
    regionId: flags.get("region") ?? ""
  })
  // Integers beyond 2^53 are decoded as bigint, which JSON.stringify refuses; print them as exact digits.
  console.log(JSON.stringify(response, (_key, value) => (typeof value === "bigint" ? value.toString() : value), 2))
} catch (error) {
  const tagged = error as { readonly _tag?: string; readonly message?: string }
  console.error(`${tagged._tag ?? "Error"}: ${tagged.message ?? String(error)}`)
  Deno.exitCode = 1
} finally {
  await client.close()
}
