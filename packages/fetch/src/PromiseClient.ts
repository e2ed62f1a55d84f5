/**
 * The client for programs that do not use Effect: `createClient(options)` returns an object whose calls return
 * Promises and reject with the `HologresError` itself (`_tag`, `reason` and a readable `message`), never a wrapper.
 * Its shape is the Node adapter's, so code moves between runtimes by changing the import.
 */
import type { HologresError, UpgradeStatus } from "@holo-upgrade/core"
import { HologresError as Errors, HologresClient } from "@holo-upgrade/core"
import { Cause, Effect, Exit, ManagedRuntime } from "effect"
import * as FetchHologresClient from "./FetchHologresClient.ts"

/** Options of `createClient`: those of `FetchHologresClient.layer`, a default region and a plain attempt callback. */
export interface ClientOptions extends Omit<FetchHologresClient.Options, "onAttempt"> {
  /** Used when a call names no region. */
  readonly regionId?: string | undefined
  /** Called once per attempt (for debug output); exceptions it throws are ignored. */
  readonly onAttempt?: ((event: HologresClient.AttemptEvent) => void) | undefined
}

/** What a call names: an instance id (with options) or one input object. */
export type CallInput = string | { readonly instanceId: string; readonly regionId?: string | undefined }

/** A client whose calls return Promises. */
export interface Client {
  /** Reads the upgrade status of one instance; rejects with a `HologresError`. */
  readonly getUpgradeStatus: (
    input: CallInput,
    options?: { readonly regionId?: string | undefined }
  ) => Promise<UpgradeStatus.Response>
  /** Releases what the client holds; calls made afterwards reject. */
  readonly close: () => Promise<void>
}

const settle = <A>(exit: Exit.Exit<A, HologresError.HologresError>): Promise<A> =>
  Exit.isSuccess(exit) ? Promise.resolve(exit.value) : Promise.reject(Cause.squash(exit.cause))

const missingRegion = new Errors.ConfigError({
  reason: "MissingRegion",
  message: "No region: pass regionId to the call or to createClient"
})

/**
 * Creates a client. Nothing is read or connected until the first call: credentials from the environment are read
 * then, and a configuration problem rejects that call (and every later one) with a `ConfigError`.
 */
export const createClient = (options: ClientOptions = {}): Client => {
  const { onAttempt, regionId: defaultRegion, ...rest } = options
  const runtime = ManagedRuntime.make(
    FetchHologresClient.layer({
      ...rest,
      onAttempt: onAttempt === undefined ? undefined : (event) => Effect.ignore(Effect.try(() => onAttempt(event)))
    })
  )

  const call = (instanceId: string, regionId: string | undefined) =>
    Effect.gen(function* () {
      const client = yield* HologresClient.HologresClient
      const region = regionId ?? defaultRegion
      if (region === undefined) return yield* missingRegion
      return yield* client.getUpgradeStatus({ instanceId, regionId: region })
    })

  // A disposed runtime rejects with a bare string; a closed client says what happened with an Error instead.
  let closed = false
  return {
    getUpgradeStatus: (input, callOptions) => {
      if (closed) return Promise.reject(new Error("This holo-upgrade client is closed"))
      const instanceId = typeof input === "string" ? input : input.instanceId
      const regionId = callOptions?.regionId ?? (typeof input === "string" ? undefined : input.regionId)
      return runtime.runPromiseExit(call(instanceId, regionId)).then(settle)
    },
    close: () => {
      closed = true
      return runtime.dispose()
    }
  }
}
