/**
 * What the contract cases share: the shapes of a client, a case and its context, the quick retry policy, and helpers
 * that run a client against the emulator and read what it rejected with. Written without any runtime's API (only
 * `setTimeout`), so the cases run under vitest on Node and under `deno test` alike.
 */
import type { RetryPolicy, UpgradeStatus } from "@holo-upgrade/core"
import type { Emulator, RequestLog } from "@holo-upgrade/emulator"
import { ok, rejects } from "./assert.ts"

/** What every adapter's `createClient` accepts, as far as the contract uses it. */
export interface ClientOptions {
  readonly endpoint: string
  readonly credentials: { readonly accessKeyId: string; readonly accessKeySecret: string }
  readonly retry?: Partial<RetryPolicy.Policy>
  readonly maxBodyBytes?: number
}

/** The Promise client every adapter returns. */
export interface Client {
  readonly getUpgradeStatus: (input: {
    readonly instanceId: string
    readonly regionId: string
  }) => Promise<UpgradeStatus.Response>
  readonly close: () => Promise<void>
}

/** The emulator's address, log and open requests, as the cases need them. */
export type EmulatorView = Pick<Emulator.Service, "url" | "requests" | "openRequests">

/** What a case runs with. */
export interface Context {
  readonly createClient: (options: ClientOptions) => Client
  readonly emulator: EmulatorView
  /** The key pair the emulator accepts, in clear (it is a local test key). */
  readonly accessKey: { readonly accessKeyId: string; readonly accessKeySecret: string }
  /** Starts another emulator, for a case that needs other settings (a skewed clock); the case closes it. */
  readonly startEmulator: (options: Emulator.Options) => Promise<Emulator.Handle>
}

/** One behaviour every adapter must show. */
export interface Case {
  readonly name: string
  /** Why the case cannot run yet; runners report it as skipped with this reason. */
  readonly skip?: string
  readonly run: (context: Context) => Promise<void>
}

/** The region every case asks in. */
export const regionId = "cn-hangzhou"

/** Quick retries keep the suite fast; three attempts are enough to see retrying, re-signing and giving up. */
export const retry: Partial<RetryPolicy.Policy> = {
  maxAttempts: 3,
  baseDelayMs: 1,
  maxDelayMs: 2,
  attemptTimeoutMs: 5_000,
  deadlineMs: 20_000,
  retryAfterCapMs: 5
}

/** The emulator's log entries for one instance (a request refused before routing names none). */
export const requestsFor = (emulator: EmulatorView, instanceId: string): ReadonlyArray<RequestLog.Entry> =>
  emulator.requests().filter((entry) => entry.instanceId === instanceId)

/**
 * Waits until the emulator has no request open: a client that gave up on an answer must have closed its connection
 * (else a socket and the server's work leak). Fails after `withinMs`.
 */
export const settled = async (emulator: Pick<EmulatorView, "openRequests">, withinMs = 3_000): Promise<void> => {
  for (let waited = 0; emulator.openRequests() > 0; waited += 10) {
    ok(waited < withinMs, `${emulator.openRequests()} request(s) still open ${withinMs} ms after the client finished`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Runs `body` with a client of the emulator (quick retries unless `options` says otherwise), then closes it. */
export const withClient = async <A>(
  context: Context,
  options: Partial<ClientOptions>,
  body: (client: Client) => Promise<A>
): Promise<A> => {
  const client = context.createClient({
    endpoint: context.emulator.url,
    credentials: context.accessKey,
    retry,
    ...options
  })
  try {
    return await body(client)
  } finally {
    await client.close()
    await settled(context.emulator)
  }
}

/** What a `HologresError` holds, as far as the cases read it. */
export interface Rejection {
  readonly _tag: string
  readonly reason: string
  readonly message: string
  readonly attempts?: number
  readonly elapsedMs?: number
  readonly httpStatus?: number
  readonly code?: string
  readonly hint?: string
}

/** Awaits a call that must fail and returns its `HologresError`. */
export const rejection = async (promise: Promise<unknown>, what: string): Promise<Rejection> => {
  const error = await rejects(promise, what)
  ok(error instanceof Error, `${what}: rejected with an Error, got ${String(error)}`)
  const tagged = error as Rejection
  ok(typeof tagged._tag === "string" && tagged._tag.startsWith("Hologres"), `${what}: a HologresError, got ${error}`)
  return tagged
}
