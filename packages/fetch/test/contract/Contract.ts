/**
 * The adapter contract, written once: every adapter's Promise client (`createClient`) must behave the same against
 * the same emulator scenarios, on every runtime. Runners (vitest on Node for the Node and fetch adapters, `deno test`
 * for the fetch adapter on Deno) start one emulator with `emulatorOptions` and run each case in order.
 *
 * The cases assert what the caller sees (value or error, with its tag, reason, status and attempt count) and what
 * the emulator saw (how many requests, their verdicts, fresh nonces), so an adapter cannot pass by accident. After
 * each case the emulator must have no request left open: a client that gives up closes its connection. The fault
 * matrix (every fault the emulator injects, clock skew and a replayed nonce) is in `FaultMatrix.ts`.
 */
import type { Emulator, Scenario } from "@holo-upgrade/emulator"
import { equal, matches, ok } from "./assert.ts"
import * as FaultMatrix from "./FaultMatrix.ts"
import { type Case, regionId, rejection, requestsFor, retry, withClient } from "./support.ts"

export type { Case, Client, ClientOptions, Context, EmulatorView } from "./support.ts"

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
  { id: instances.forbidden, scenario: "hot-upgrade", faults: [{ kind: "forbidden" }] },
  ...FaultMatrix.specs
]

/** Options for the emulator the runners start. */
export const emulatorOptions: Emulator.Options = { specs, seed: 7 }

/** The cases, in the order the runners run them: the basic behaviours, then the fault matrix. */
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
        // Deno's fetch re-sends a request whose reused connection was reset; the gateway refuses that copy (it names
        // no instance, being refused before routing), and the client counts it as the same lost attempt.
        const seen = requestsFor(context.emulator, instances.reset)
        equal(seen.length, 3, "requests that reached the instance")
        equal(new Set(seen.map((entry) => entry.nonce)).size, 3, "distinct nonces")
      })
  },
  {
    name: "a body over the size cap is refused without reading it all",
    run: (context) =>
      withClient(context, { maxBodyBytes: 64 * 1024 }, async (client) => {
        const error = await rejection(client.getUpgradeStatus({ instanceId: instances.huge, regionId }), "huge body")
        equal(error._tag, "HologresDecodeError", "tag")
        equal(error.reason, "TooLarge", "reason")
        equal(error.httpStatus, 200, "HTTP status")
        equal(error.attempts, 1, "attempts")
        equal(requestsFor(context.emulator, instances.huge).length, 1, "requests")
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
  },
  ...FaultMatrix.cases
]
