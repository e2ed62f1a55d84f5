// Compiled with `tsc --noEmit` against the packed type declarations: every import must resolve to real types (an
// unused `@ts-expect-error` fails the build, so `any` cannot slip through).
import { HologresClient, HologresError, type UpgradeStatus } from "@holo-upgrade/core"
import { startEmulator } from "@holo-upgrade/emulator"
import { createClient, FetchCredentials, FetchHologresClient } from "@holo-upgrade/fetch"
import { createClient as createNodeClient } from "@holo-upgrade/node"
import { Effect, type Layer } from "effect"

const client = createClient({ endpoint: "http://127.0.0.1:8080", regionId: "cn-hangzhou", credentials: { env: {} } })
const response: Promise<UpgradeStatus.Response> = client.getUpgradeStatus("hgprecn-example")

// @ts-expect-error a call names an instance
void client.getUpgradeStatus()

// @ts-expect-error the status is a string, not a number
const wrong: number = (await response).Data[0]!.Status!

// The two adapters' Promise clients have one shape.
const nodeClient: typeof client = createNodeClient({ regionId: "cn-hangzhou" })

const layer: Layer.Layer<HologresClient.HologresClient, HologresError.ConfigError> = FetchHologresClient.layer({
  credentials: { accessKeyId: "id", accessKeySecret: "secret" }
})
const program = Effect.flatMap(HologresClient.HologresClient, (service) =>
  service.getUpgradeStatus({ instanceId: "hgprecn-example", regionId: "cn-hangzhou" })
)
const provided: Effect.Effect<UpgradeStatus.Response, HologresError.HologresError> = Effect.provide(program, layer)
const flag: string = FetchCredentials.allowEnvFlag()
const isApiError = (error: unknown): error is HologresError.ApiError => error instanceof HologresError.ApiError

export { flag, isApiError, nodeClient, provided, startEmulator, wrong }
