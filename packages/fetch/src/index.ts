/** @holo-upgrade/fetch: the Hologres client for fetch runtimes (Deno, Bun, workers, browsers). */
export * as FetchCredentials from "./FetchCredentials.ts"
export * as FetchHologresClient from "./FetchHologresClient.ts"
export * as PromiseClient from "./PromiseClient.ts"
export { createClient } from "./PromiseClient.ts"
