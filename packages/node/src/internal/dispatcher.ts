/**
 * The `HttpClient` side of the Node transport: `@effect/platform-node`'s undici client over the proxy-aware
 * dispatcher. Kept apart from the rest of the adapter and imported on first use, because undici takes tens of
 * milliseconds to load and a command that never sends a request should not pay for it.
 */
import type { HttpClient } from "@effect/platform"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Layer } from "effect"
import type { ProxySettings } from "./proxy.ts"
import { ProxyRouter } from "./router.ts"

/** An `HttpClient` over undici whose dispatcher applies `settings`; the dispatcher is destroyed with the layer. */
export const layerUndici = (settings: ProxySettings): Layer.Layer<HttpClient.HttpClient> =>
  NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
    Layer.provide(
      Layer.scoped(
        NodeHttpClient.Dispatcher,
        Effect.acquireRelease(
          Effect.sync(() => new ProxyRouter(settings)),
          (dispatcher) => Effect.promise(() => dispatcher.destroy())
        )
      )
    )
  )
