/**
 * The client for programs that do not use Effect: `createClient(options)` returns an object whose calls return
 * Promises and reject with the `HologresError` itself (`_tag`, `reason`, a readable `message`), never a wrapper.
 * Calls go through core's `PromiseClient` over Node's HTTP client (undici behind a proxy), with the credential chain
 * and proxy variables of the layer.
 */
import { HologresError, PromiseClient, Transport } from "@holo-upgrade/core"
import { Cause, Effect, Exit } from "effect"
import * as CredentialChain from "./CredentialChain.ts"
import { nodeHashing } from "./internal/nodeHashing.ts"
import { proxySettings } from "./internal/proxy.ts"
import * as NodeHologresClient from "./NodeHologresClient.ts"

/** Options of `createClient`: those of `NodeHologresClient.layer`, a default region and a plain attempt callback. */
export interface ClientOptions
  extends Omit<PromiseClient.Options, "transport" | "setup" | "missingRegion" | "release"> {
  /** Used when a call names no region; else `ALIBABA_CLOUD_REGION_ID` or the profile's `region_id`. */
  readonly regionId?: string | undefined
  /** A fixed key pair, or where the credential chain looks (default: environment, then the two files). */
  readonly credentials?: CredentialChain.Explicit | CredentialChain.Options | undefined
  /** Where the proxy variables and, unless `credentials` names another, the credential variables are read. */
  readonly env?: NodeHologresClient.TransportOptions["env"]
}

/** What a call names: an instance id (with options) or, as in the fetch adapter, one input object. */
export type CallInput = PromiseClient.CallInput

/** A client whose calls return Promises. */
export type Client = PromiseClient.Client

const missingRegion = new HologresError.ConfigError({
  reason: "MissingRegion",
  message: "No region: pass regionId, set ALIBABA_CLOUD_REGION_ID, or give the profile a region_id"
})

/**
 * Creates a client. Nothing is read, loaded or connected until the first call: the credential chain runs then
 * (once), and a configuration problem rejects that call and every later one with a `ConfigError`.
 */
export const createClient = (options: ClientOptions = {}): Client => {
  const { credentials: given, env, ...rest } = options
  const chain: CredentialChain.Options | undefined =
    given !== undefined && "accessKeyId" in given ? { explicit: given } : given

  // The transport loads with the first call, so importing the adapter stays cheap.
  type Connection = { readonly transport: Transport.Transport; readonly release: () => Promise<void> }
  let connection: Promise<Connection> | undefined
  let connected: Connection | undefined
  const connect = () => {
    connection ??= import("./internal/httpTransport.ts").then((http) => {
      connected = http.httpTransport(proxySettings(env ?? process.env))
      return connected
    })
    return connection
  }

  return PromiseClient.make({
    ...rest,
    missingRegion,
    hashing: rest.hashing ?? nodeHashing,
    transport: (request) =>
      connected === undefined
        ? Transport.whenReady(
            connect().then((ready) => ready.transport),
            request
          )
        : connected.transport(request),
    setup: () =>
      Effect.runPromiseExit(
        CredentialChain.resolve(NodeHologresClient.credentialOptions({ credentials: chain, env }))
      ).then((exit) => (Exit.isSuccess(exit) ? exit.value : Promise.reject(Cause.squash(exit.cause)))),
    release: async () => {
      if (connection !== undefined) await (await connection).release()
    }
  })
}
