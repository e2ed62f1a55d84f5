/**
 * The client for programs that do not use Effect: `createClient(options)` returns an object whose calls return
 * Promises and reject with the `HologresError` itself (`_tag`, `reason` and a readable `message`), never a wrapper.
 * Its shape is the Node adapter's, so code moves between runtimes by changing the import. Calls go through core's
 * `PromiseClient` over `fetch`.
 */
import { HologresError, PromiseClient } from "@holo-upgrade/core"
import { Cause, Effect, Exit } from "effect"
import * as FetchCredentials from "./FetchCredentials.ts"
import type * as FetchHologresClient from "./FetchHologresClient.ts"
import { fetchTransport } from "./internal/fetchTransport.ts"

/** Options of `createClient`: those of `FetchHologresClient.layer`, a default region and a plain attempt callback. */
export interface ClientOptions
  extends Omit<PromiseClient.Options, "transport" | "setup" | "missingRegion" | "release">,
    FetchHologresClient.TransportOptions {
  /** Used when a call names no region. */
  readonly regionId?: string | undefined
  /** Default `{ env: {} }`: the official variable names, read when the first call needs them. */
  readonly credentials?: FetchHologresClient.CredentialsOption | undefined
}

/** What a call names: an instance id (with options) or one input object. */
export type CallInput = PromiseClient.CallInput

/** A client whose calls return Promises. */
export type Client = PromiseClient.Client

const missingRegion = new HologresError.ConfigError({
  reason: "MissingRegion",
  message: "No region: pass regionId to the call or to createClient"
})

/**
 * Creates a client. Nothing is read or connected until the first call: credentials from the environment are read
 * then, and a configuration problem rejects that call (and every later one) with a `ConfigError`.
 */
export const createClient = (options: ClientOptions = {}): Client => {
  const { credentials = { env: {} }, fetch, requestInit, ...rest } = options
  const resolve =
    "accessKeyId" in credentials
      ? FetchCredentials.fromExplicit(credentials)
      : FetchCredentials.fromEnvironment(credentials.env)
  return PromiseClient.make({
    ...rest,
    missingRegion,
    transport: fetchTransport({ fetch, requestInit }),
    setup: () =>
      Effect.runPromiseExit(resolve).then((exit) =>
        Exit.isSuccess(exit) ? { credentials: exit.value } : Promise.reject(Cause.squash(exit.cause))
      )
  })
}
