/** Our Node adapter through its Promise facade, as an application without Effect would use it. */
import { createClient } from "@holo-upgrade/node"
import { type BenchClient, expectRecords, type Target } from "./protocol.ts"

export const make = async (target: Target): Promise<BenchClient> => {
  const client = createClient({
    endpoint: target.url,
    regionId: target.regionId,
    credentials: { accessKeyId: target.accessKeyId, accessKeySecret: target.accessKeySecret }
  })
  return { call: () => client.getUpgradeStatus(target.instanceId).then(expectRecords), close: client.close }
}
