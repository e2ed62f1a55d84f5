/**
 * The client for programs that do not use Effect: `createClient(options)` returns an object whose calls return
 * Promises and reject with the `HologresError` itself (`_tag`, `reason`, a readable `message`), never a wrapper.
 */
import type { HologresError, UpgradeStatus } from "@holo-upgrade/core"
import { Credentials, HologresError as Errors, HologresClient } from "@holo-upgrade/core"
import { Cause, Context, Effect, Exit, Layer, ManagedRuntime } from "effect"
import * as CredentialChain from "./CredentialChain.ts"
import * as NodeHologresClient from "./NodeHologresClient.ts"

/** Options of `createClient`: those of `NodeHologresClient.layer`, a default region and a plain attempt callback. */
export interface ClientOptions extends Omit<NodeHologresClient.Options, "onAttempt" | "credentials"> {
  /** Used when a call names no region; else `ALIBABA_CLOUD_REGION_ID` or the profile's `region_id`. */
  readonly regionId?: string | undefined
  /** Called once per attempt (for debug output); exceptions it throws are ignored. */
  readonly onAttempt?: ((event: HologresClient.AttemptEvent) => void) | undefined
  /** A fixed key pair, or where the credential chain looks (default: environment, then the two files). */
  readonly credentials?: CredentialChain.Explicit | CredentialChain.Options | undefined
}

/** What a call names: an instance id (with options) or, as in the fetch adapter, one input object. */
export type CallInput = string | { readonly instanceId: string; readonly regionId?: string | undefined }

/** A client whose calls return Promises. */
export interface Client {
  /** Reads the upgrade status of one instance; rejects with a `HologresError`. */
  readonly getUpgradeStatus: (
    input: CallInput,
    options?: { readonly regionId?: string | undefined }
  ) => Promise<UpgradeStatus.Response>
  /** Releases connections; calls made afterwards reject. */
  readonly close: () => Promise<void>
}

class Resolved extends Context.Tag("@holo-upgrade/node/PromiseClient/Resolved")<Resolved, CredentialChain.Resolved>() {}

const settle = <A>(exit: Exit.Exit<A, HologresError.HologresError>): Promise<A> =>
  Exit.isSuccess(exit) ? Promise.resolve(exit.value) : Promise.reject(Cause.squash(exit.cause))

/**
 * Creates a client. Nothing is read or connected until the first call: the credential chain runs then (once), and
 * a configuration problem rejects that call and every later one with a `ConfigError`.
 */
export const createClient = (options: ClientOptions = {}): Client => {
  const { onAttempt, credentials: given, ...rest } = options
  const chain: CredentialChain.Options | undefined =
    given !== undefined && "accessKeyId" in given ? { explicit: given } : given
  const clientOptions: NodeHologresClient.Options = {
    ...rest,
    credentials: chain,
    onAttempt: onAttempt === undefined ? undefined : (event) => Effect.ignore(Effect.try(() => onAttempt(event)))
  }
  const resolved = Layer.effect(Resolved, CredentialChain.resolve(NodeHologresClient.credentialOptions(clientOptions)))
  const credentials = Layer.effect(
    Credentials.Credentials,
    Effect.map(Resolved, (chain) => chain.credentials)
  )
  const layer = HologresClient.layer(clientOptions).pipe(
    Layer.provide(Layer.merge(NodeHologresClient.layerHttpClient(clientOptions), credentials)),
    Layer.provideMerge(resolved)
  )
  const runtime = ManagedRuntime.make(layer)

  const call = (instanceId: string, regionId: string | undefined) =>
    Effect.gen(function* () {
      const chain = yield* Resolved
      const region = regionId ?? options.regionId ?? chain.regionId
      if (region === undefined) {
        return yield* new Errors.ConfigError({
          reason: "MissingRegion",
          message: "No region: pass regionId, set ALIBABA_CLOUD_REGION_ID, or give the profile a region_id"
        })
      }
      const client = yield* HologresClient.HologresClient
      return yield* client.getUpgradeStatus({ instanceId, regionId: region })
    })

  return {
    getUpgradeStatus: (input, callOptions) => {
      const instanceId = typeof input === "string" ? input : input.instanceId
      const regionId = callOptions?.regionId ?? (typeof input === "string" ? undefined : input.regionId)
      return runtime.runPromiseExit(call(instanceId, regionId)).then(settle)
    },
    close: () => runtime.dispose()
  }
}
