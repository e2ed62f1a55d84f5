/** Our Node adapter's Effect layer, as an Effect program would use it: one `runPromise` per call, for comparison. */
import { HologresClient } from "@holo-upgrade/core"
import { NodeHologresClient } from "@holo-upgrade/node"
import { Effect, ManagedRuntime } from "effect"
import { type BenchClient, expectRecords, type Target } from "./protocol.ts"

export const make = async (target: Target): Promise<BenchClient> => {
  const runtime = ManagedRuntime.make(
    NodeHologresClient.layer({
      endpoint: target.url,
      credentials: { explicit: { accessKeyId: target.accessKeyId, accessKeySecret: target.accessKeySecret } }
    })
  )
  const call = Effect.flatMap(HologresClient.HologresClient, (client) =>
    client.getUpgradeStatus({ instanceId: target.instanceId, regionId: target.regionId })
  )
  return { call: () => runtime.runPromise(call).then(expectRecords), close: () => runtime.dispose() }
}
