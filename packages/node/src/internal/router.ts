/**
 * The undici dispatcher both Node transports send through: each origin goes directly or through its proxy, as the
 * proxy settings say.
 */
import { Agent, Dispatcher, ProxyAgent } from "undici"
import { type ProxySettings, proxyFor } from "./proxy.ts"

/** An undici dispatcher routing each origin directly or through its proxy, one `ProxyAgent` per proxy URL. */
export class ProxyRouter extends Dispatcher {
  readonly #direct = new Agent()
  readonly #proxies = new Map<string, ProxyAgent>()
  readonly #routes = new Map<string, Dispatcher>()
  readonly #settings: ProxySettings

  constructor(settings: ProxySettings) {
    super()
    this.#settings = settings
  }

  #dispatcherFor(origin: string | URL | undefined): Dispatcher {
    if (origin === undefined) return this.#direct
    // Requests go to a handful of origins (one per region), so the route of each is worked out once.
    const key = String(origin)
    let route = this.#routes.get(key)
    if (route === undefined) {
      route = this.#route(origin)
      this.#routes.set(key, route)
    }
    return route
  }

  #route(origin: string | URL): Dispatcher {
    const proxy = proxyFor(new URL(origin), this.#settings)
    if (proxy === undefined) return this.#direct
    let agent = this.#proxies.get(proxy)
    if (agent === undefined) {
      agent = new ProxyAgent(proxy)
      this.#proxies.set(proxy, agent)
    }
    return agent
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.#dispatcherFor(options.origin).dispatch(options, handler)
  }

  override close(): Promise<void>
  override close(callback: () => void): void
  override close(callback?: () => void): Promise<void> | void {
    const done = Promise.all([this.#direct.close(), ...[...this.#proxies.values()].map((agent) => agent.close())]).then(
      () => undefined
    )
    if (callback === undefined) return done
    done.then(callback, callback)
  }

  override destroy(): Promise<void>
  override destroy(error: Error | null): Promise<void>
  override destroy(callback: () => void): void
  override destroy(error: Error | null, callback: () => void): void
  override destroy(first?: Error | null | (() => void), second?: () => void): Promise<void> | void {
    const error = typeof first === "function" ? null : (first ?? null)
    const callback = typeof first === "function" ? first : second
    const done = Promise.all([
      this.#direct.destroy(error),
      ...[...this.#proxies.values()].map((agent) => agent.destroy(error))
    ]).then(() => undefined)
    if (callback === undefined) return done
    done.then(callback, callback)
  }
}
