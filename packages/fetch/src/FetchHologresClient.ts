/**
 * The Hologres client over `fetch`: `@effect/platform`'s `FetchHttpClient` under the core `HologresClient`, with
 * credentials given explicitly or read from named environment variables when the first call needs them.
 *
 * `fetch` has no timeout of its own; every attempt is bounded by the retry policy's `attemptTimeoutMs`, and the
 * interruption that ends a late attempt aborts its request through the `AbortSignal` the platform client passes.
 */

import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import type { Credentials, HologresError } from "@holo-upgrade/core"
import { HologresClient } from "@holo-upgrade/core"
import { Layer } from "effect"
import * as FetchCredentials from "./FetchCredentials.ts"

/** Where the key comes from: a fixed pair, or the variables to read (the official names by default). */
export type CredentialsOption = FetchCredentials.Explicit | { readonly env: FetchCredentials.EnvironmentNames }

/** How the transport is built: which `fetch` to call and what to add to every request. */
export interface TransportOptions {
  /**
   * The `fetch` to send requests with, for example one that passes a `Deno.createHttpClient` client for a proxy or a
   * private CA. Default: the runtime's global `fetch`, looked up when a request is sent.
   */
  readonly fetch?: typeof globalThis.fetch | undefined
  /**
   * Fields merged into every request's `RequestInit`, for example Deno's `client`. Its headers are sent too, but a
   * signed header of the same name replaces one given here, and the method, body, redirect mode (`manual`: a signed
   * request is never followed to another host) and abort signal are always ours.
   */
  readonly requestInit?: RequestInit | undefined
}

/** Everything `layer` and `createClient` accept: the core client's options, the credentials and the transport. */
export interface Options extends HologresClient.Options, TransportOptions {
  /** Default `{ env: {} }`: the official variable names, read when the first call needs them. */
  readonly credentials?: CredentialsOption | undefined
}

const isExplicit = (credentials: CredentialsOption): credentials is FetchCredentials.Explicit =>
  "accessKeyId" in credentials

/** An `HttpClient` sending through `fetch` (the global one unless another is given). */
export const layerHttpClient = (options: TransportOptions = {}): Layer.Layer<HttpClient.HttpClient> => {
  const custom = Layer.mergeAll(
    options.fetch === undefined ? Layer.empty : Layer.succeed(FetchHttpClient.Fetch, options.fetch),
    // A signed request is never followed elsewhere: fetch would carry the STS token header to any host.
    Layer.succeed(FetchHttpClient.RequestInit, { ...options.requestInit, redirect: "manual" })
  )
  return Layer.provide(FetchHttpClient.layer, custom)
}

/** The `Credentials` layer an `Options.credentials` value stands for. */
export const layerCredentials = (
  credentials: CredentialsOption = { env: {} }
): Layer.Layer<Credentials.Credentials, HologresError.ConfigError> =>
  isExplicit(credentials) ? FetchCredentials.layer(credentials) : FetchCredentials.layerEnvironment(credentials.env)

/**
 * A complete `HologresClient` for fetch runtimes. Environment credentials are read when the layer is built, so a
 * `ManagedRuntime` (as `createClient` uses) reads them on the first call, never at import.
 */
export const layer = (options: Options = {}): Layer.Layer<HologresClient.HologresClient, HologresError.ConfigError> =>
  HologresClient.layer(options).pipe(
    Layer.provide(Layer.merge(layerHttpClient(options), layerCredentials(options.credentials)))
  )
