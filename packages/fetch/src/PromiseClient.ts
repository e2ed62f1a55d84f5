/**
 * The client for programs that do not use Effect: `createClient(options)` returns an object whose calls return
 * Promises and reject with the `HologresError` itself (`_tag`, `reason` and a readable `message`), never a wrapper.
 */
import type { HologresClient as Core, HologresError, UpgradeStatus } from "@holo-upgrade/core"
import { HologresClient } from "@holo-upgrade/core"
import { Cause, Effect, Exit, ManagedRuntime } from "effect"
import * as FetchHologresClient from "./FetchHologresClient.ts"

/** A client whose calls return Promises. */
export interface Client {
  /** Reads the upgrade status of one instance; rejects with a `HologresError`. */
  readonly getUpgradeStatus: (input: Core.GetUpgradeStatusInput) => Promise<UpgradeStatus.Response>
  /** Releases what the client holds; calls made afterwards reject. */
  readonly close: () => Promise<void>
}

const settle = <A>(exit: Exit.Exit<A, HologresError.HologresError>): Promise<A> =>
  Exit.isSuccess(exit) ? Promise.resolve(exit.value) : Promise.reject(Cause.squash(exit.cause))

/**
 * Creates a client. Nothing is read or connected until the first call: credentials from the environment are read
 * then, and a configuration problem rejects that call (and every later one) with a `ConfigError`.
 */
export const createClient = (options: FetchHologresClient.Options = {}): Client => {
  const runtime = ManagedRuntime.make(FetchHologresClient.layer(options))
  return {
    getUpgradeStatus: (input) =>
      runtime
        .runPromiseExit(Effect.flatMap(HologresClient.HologresClient, (client) => client.getUpgradeStatus(input)))
        .then(settle),
    close: () => runtime.dispose()
  }
}
