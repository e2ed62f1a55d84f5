/**
 * The adapter contract, written once: every adapter's Promise client (`createClient`) must behave the same against
 * the same emulator scenarios, on every runtime. Runners (vitest on Node for the Node and fetch adapters, `deno test`
 * for the fetch adapter on Deno) start one emulator with `emulatorOptions` and run each case in order.
 *
 * The cases assert what the caller sees (value or error, with its tag, reason, status and attempt count) and what
 * the emulator saw (how many requests, their verdicts, fresh nonces), so an adapter cannot pass by accident.
 */
import type { RetryPolicy, UpgradeStatus } from "@holo-upgrade/core"
import type { Emulator, RequestLog, Scenario } from "@holo-upgrade/emulator"
import { equal, matches, ok, rejects } from "./assert.ts"

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

/** The emulator's key and log, as the cases need them. */
export type EmulatorView = Pick<Emulator.Service, "url" | "requests">

/** What a case runs with. */
export interface Context {
  readonly createClient: (options: ClientOptions) => Client
  readonly emulator: EmulatorView
  /** The key pair the emulator accepts, in clear (it is a local test key). */
  readonly accessKey: { readonly accessKeyId: string; readonly accessKeySecret: string }
}

/** One behaviour every adapter must show. */
export interface Case {
  readonly name: string
  /** Why the case cannot run yet; runners report it as skipped with this reason. */
  readonly skip?: string
  readonly run: (context: Context) => Promise<void>
}

const regionId = "cn-hangzhou"

// Quick retries keep the suite fast; three attempts are enough to see retrying, re-signing and giving up.
const retry: Partial<RetryPolicy.Policy> = {
  maxAttempts: 3,
  baseDelayMs: 1,
  maxDelayMs: 2,
  attemptTimeoutMs: 5_000,
  deadlineMs: 20_000,
  retryAfterCapMs: 5
}

const instances = {
  ok: "hgcontract-ok",
  throttled: "hgcontract-throttled",
  html502: "hgcontract-html-502",
  hang: "hgcontract-hang",
  reset: "hgcontract-reset",
  huge: "hgcontract-huge",
  truncated: "hgcontract-truncated",
  forbidden: "hgcontract-forbidden"
} as const

/** The instances the cases call, each with its own faults, so one emulator serves the whole suite. */
export const specs: ReadonlyArray<Scenario.InstanceSpec> = [
  { id: instances.ok, scenario: "hot-upgrade" },
  {
    id: instances.throttled,
    scenario: "hot-upgrade",
    faults: [{ kind: "throttle", start: 1, count: 2, retryAfterMs: 1 }]
  },
  { id: instances.html502, scenario: "hot-upgrade", faults: [{ kind: "html-502" }] },
  { id: instances.hang, scenario: "hot-upgrade", faults: [{ kind: "hang" }] },
  { id: instances.reset, scenario: "hot-upgrade", faults: [{ kind: "reset" }] },
  { id: instances.huge, scenario: "hot-upgrade", faults: [{ kind: "huge-body", bytes: 1024 * 1024 }] },
  { id: instances.truncated, scenario: "hot-upgrade", faults: [{ kind: "truncated-body" }] },
  { id: instances.forbidden, scenario: "hot-upgrade", faults: [{ kind: "forbidden" }] }
]

/** Options for the emulator the runners start. */
export const emulatorOptions: Emulator.Options = { specs, seed: 7 }

const requestsFor = (emulator: EmulatorView, instanceId: string): ReadonlyArray<RequestLog.Entry> =>
  emulator.requests().filter((entry) => entry.instanceId === instanceId)

const withClient = async <A>(
  context: Context,
  options: Partial<ClientOptions>,
  body: (client: Client) => Promise<A>
) => {
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
  }
}

interface Rejection {
  readonly _tag: string
  readonly reason: string
  readonly message: string
  readonly attempts?: number
  readonly httpStatus?: number
  readonly code?: string
}

const rejection = async (promise: Promise<unknown>, what: string): Promise<Rejection> => {
  const error = await rejects(promise, what)
  ok(error instanceof Error, `${what}: rejected with an Error, got ${String(error)}`)
  const tagged = error as Rejection
  ok(typeof tagged._tag === "string" && tagged._tag.startsWith("Hologres"), `${what}: a HologresError, got ${error}`)
  return tagged
}

/** The cases, in the order the runners run them. */
export const cases: ReadonlyArray<Case> = [
  {
    name: "a signed call returns the decoded status, in one valid V3 request",
    run: (context) =>
      withClient(context, {}, async (client) => {
        const response = await client.getUpgradeStatus({ instanceId: instances.ok, regionId })
        equal(response.Success, true, "Success")
        equal(response.Data.length, 1, "records")
        equal(response.Data[0]?.Status, "preparing", "Status")
        const seen = requestsFor(context.emulator, instances.ok)
        equal(seen.length, 1, "requests")
        equal(seen[0]?.verdict, "valid", "verdict")
        equal(seen[0]?.signatureVersion, "v3", "signature version")
        equal(seen[0]?.status, 200, "status")
        equal(seen[0]?.query, `RegionId=${regionId}`, "query")
        equal(response.RequestId, seen[0]?.requestId, "request id")
      })
  },
  {
    name: "a throttled call is retried with a fresh signature and then succeeds",
    run: (context) =>
      withClient(context, {}, async (client) => {
        const response = await client.getUpgradeStatus({ instanceId: instances.throttled, regionId })
        equal(response.Success, true, "Success")
        const seen = requestsFor(context.emulator, instances.throttled)
        equal(
          seen.map((entry) => [entry.status, entry.code ?? null]),
          [
            [400, "Throttling.User"],
            [400, "Throttling.User"],
            [200, null]
          ],
          "answers"
        )
        equal(new Set(seen.map((entry) => entry.nonce)).size, 3, "distinct nonces")
        ok(
          seen.every((entry) => entry.verdict === "valid"),
          "every attempt carried a valid signature"
        )
      })
  },
  {
    name: "an HTML 502 page is retried, then reported as the gateway being unavailable",
    run: (context) =>
      withClient(context, {}, async (client) => {
        const error = await rejection(client.getUpgradeStatus({ instanceId: instances.html502, regionId }), "HTML 502")
        equal(error._tag, "HologresApiError", "tag")
        equal(error.reason, "Unavailable", "reason")
        equal(error.httpStatus, 502, "HTTP status")
        equal(error.attempts, 3, "attempts")
        matches(error.message, /HTML page/, "message")
        equal(requestsFor(context.emulator, instances.html502).length, 3, "requests")
      })
  },
  {
    name: "an unknown key is refused once, without retrying",
    run: (context) =>
      withClient(
        context,
        { credentials: { accessKeyId: "not-a-known-key", accessKeySecret: "whatever" } },
        async (client) => {
          // A refused key is logged before the route is resolved, so the entry names no instance.
          const before = context.emulator.requests().length
          const error = await rejection(client.getUpgradeStatus({ instanceId: instances.ok, regionId }), "unknown key")
          equal(error._tag, "HologresApiError", "tag")
          equal(error.reason, "Authentication", "reason")
          equal(error.code, "InvalidAccessKeyId.NotFound", "code")
          equal(error.attempts, 1, "attempts")
          const seen = context.emulator.requests().slice(before)
          equal(
            seen.map((entry) => entry.verdict),
            ["unknown-key"],
            "verdicts"
          )
        }
      )
  },
  {
    name: "a wrong secret is refused once as a signature mismatch",
    run: (context) =>
      withClient(
        context,
        { credentials: { accessKeyId: context.accessKey.accessKeyId, accessKeySecret: "not-the-secret" } },
        async (client) => {
          const error = await rejection(client.getUpgradeStatus({ instanceId: instances.ok, regionId }), "wrong secret")
          equal(error._tag, "HologresApiError", "tag")
          equal(error.code, "SignatureDoesNotMatch", "code")
          equal(error.httpStatus, 400, "HTTP status")
          equal(error.attempts, 1, "attempts")
        }
      )
  },
  {
    name: "a reply that never comes is cut by the per-attempt timeout, on every attempt",
    run: (context) =>
      withClient(context, { retry: { ...retry, maxAttempts: 2, attemptTimeoutMs: 500 } }, async (client) => {
        const error = await rejection(client.getUpgradeStatus({ instanceId: instances.hang, regionId }), "hang")
        equal(error._tag, "HologresRequestError", "tag")
        equal(error.reason, "Timeout", "reason")
        equal(error.attempts, 2, "attempts")
        // On a loaded machine an attempt can time out before its request leaves, so fewer requests than attempts arrive.
        const sent = requestsFor(context.emulator, instances.hang).length
        ok(sent >= 1 && sent <= 2, `requests: ${sent}`)
      })
  },
  {
    name: "a 403 permission denial is final: one attempt, reason Permission",
    run: (context) =>
      withClient(context, {}, async (client) => {
        const error = await rejection(client.getUpgradeStatus({ instanceId: instances.forbidden, regionId }), "403")
        equal(error._tag, "HologresApiError", "tag")
        equal(error.reason, "Permission", "reason")
        equal(error.httpStatus, 403, "HTTP status")
        equal(error.attempts, 1, "attempts")
        equal(requestsFor(context.emulator, instances.forbidden).length, 1, "requests")
      })
  },
  {
    name: "a connection reset is a transport failure, retried until attempts run out",
    run: (context) =>
      withClient(context, {}, async (client) => {
        const error = await rejection(client.getUpgradeStatus({ instanceId: instances.reset, regionId }), "reset")
        equal(error._tag, "HologresRequestError", "tag")
        equal(error.reason, "Transport", "reason")
        equal(error.attempts, 3, "attempts")
      })
  },
  {
    name: "a body over the size cap is refused without reading it all",
    run: (context) =>
      withClient(context, { maxBodyBytes: 64 * 1024 }, async (client) => {
        const error = await rejection(client.getUpgradeStatus({ instanceId: instances.huge, regionId }), "huge body")
        equal(error._tag, "HologresDecodeError", "tag")
        equal(error.reason, "TooLarge", "reason")
      })
  },
  {
    name: "a truncated body is retried like a lost answer, then reported as a Truncated decode error",
    run: (context) =>
      withClient(context, {}, async (client) => {
        const error = await rejection(
          client.getUpgradeStatus({ instanceId: instances.truncated, regionId }),
          "truncated"
        )
        equal(error._tag, "HologresDecodeError", "tag")
        equal(error.reason, "Truncated", "reason")
        equal(requestsFor(context.emulator, instances.truncated).length, 3, "requests")
      })
  },
  {
    name: "invalid input is refused before anything is sent",
    run: (context) =>
      withClient(context, {}, async (client) => {
        const before = context.emulator.requests().length
        const error = await rejection(
          client.getUpgradeStatus({ instanceId: instances.ok, regionId: "cn-hangzhou.evil.example" }),
          "invalid region"
        )
        equal(error._tag, "HologresRequestError", "tag")
        equal(error.reason, "InvalidInput", "reason")
        equal(error.attempts, 0, "attempts")
        equal(context.emulator.requests().length, before, "requests sent")
      })
  }
]
