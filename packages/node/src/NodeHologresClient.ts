/**
 * The Hologres client on Node: `@effect/platform-node`'s undici client under the core `HologresClient`, with the
 * proxy environment variables honoured and credentials from the `CredentialChain`.
 */
import type { HttpClient } from "@effect/platform"
import type { HologresError } from "@holo-upgrade/core"
import { HologresClient } from "@holo-upgrade/core"
import { Effect, Layer } from "effect"
import * as CredentialChain from "./CredentialChain.ts"
import { proxySettings } from "./internal/proxy.ts"

/** How the transport is built. */
export interface TransportOptions {
  /**
   * Where `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (either case) are read; default `process.env`. Loopback hosts
   * always go direct.
   */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
}

/** Everything `layer` accepts: the core client's options, the transport and the credential chain. */
export interface Options extends HologresClient.Options, TransportOptions {
  /** Where the credential chain looks; its `env` defaults to this `env`. */
  readonly credentials?: CredentialChain.Options | undefined
}

/**
 * An `HttpClient` over undici whose dispatcher applies the proxy variables; closed with the layer. Undici is loaded
 * when the layer is first built, not when this module is imported.
 */
export const layerHttpClient = (options: TransportOptions = {}): Layer.Layer<HttpClient.HttpClient> =>
  Layer.unwrapEffect(
    Effect.promise(() => import("./internal/dispatcher.ts")).pipe(
      Effect.map((transport) => transport.layerUndici(proxySettings(options.env ?? process.env)))
    )
  )

/** The credential chain configured by `options`, as a `Credentials` layer. */
export const credentialOptions = (options: Options): CredentialChain.Options => ({
  ...options.credentials,
  env: options.credentials?.env ?? options.env
})

/** A complete `HologresClient` for Node. Credentials are resolved when the layer is built. */
export const layer = (options: Options = {}): Layer.Layer<HologresClient.HologresClient, HologresError.ConfigError> =>
  HologresClient.layer(options).pipe(
    Layer.provide(Layer.merge(layerHttpClient(options), CredentialChain.layer(credentialOptions(options))))
  )
