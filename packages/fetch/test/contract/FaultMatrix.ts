/**
 * The fault matrix of the adapter contract: every fault the emulator injects (each retryable and final status,
 * throttling, HTML, empty, truncated, slow, silent, reset, huge answers and error pages), a skewed clock and a
 * replayed nonce. Each call ends in success after retries or in the documented typed error, within its deadline;
 * the emulator's log shows that nothing final was retried; and no request is left open afterwards.
 */
import type { Scenario } from "@holo-upgrade/emulator"
import { equal, matches, ok } from "./assert.ts"
import { type Case, type Context, regionId, rejection, requestsFor, retry, withClient } from "./support.ts"

const id = (name: string) => `hgmatrix-${name}`

const instances = {
  burst503: id("burst-503"),
  status500: id("status-500"),
  status502: id("status-502"),
  status504: id("status-504"),
  status501: id("status-501"),
  status505: id("status-505"),
  throttledAlways: id("throttled-always"),
  throttledLong: id("throttled-long"),
  emptyOnce: id("empty-once"),
  emptyAlways: id("empty-always"),
  truncatedOnce: id("truncated-once"),
  slowShort: id("slow-short"),
  slowFirst: id("slow-first"),
  silent: id("silent"),
  resetOnce: id("reset-once"),
  hugeFits: id("huge-fits"),
  hugePage: id("huge-page"),
  replayOnce: id("replay-once"),
  replayAlways: id("replay-always"),
  plain: id("plain")
} as const

const spec = (instanceId: string, faults: Scenario.InstanceSpec["faults"] = []): Scenario.InstanceSpec => ({
  id: instanceId,
  scenario: "hot-upgrade",
  faults
})

/** The matrix's instances; the contract's emulator serves them beside its own. */
export const specs: ReadonlyArray<Scenario.InstanceSpec> = [
  spec(instances.burst503, [{ kind: "server-error", status: 503, start: 1, count: 2 }]),
  spec(instances.status500, [{ kind: "server-error", status: 500 }]),
  spec(instances.status502, [{ kind: "server-error", status: 502 }]),
  spec(instances.status504, [{ kind: "server-error", status: 504 }]),
  spec(instances.status501, [{ kind: "server-error", status: 501 }]),
  spec(instances.status505, [{ kind: "server-error", status: 505 }]),
  spec(instances.throttledAlways, [{ kind: "throttle", retryAfterMs: 1 }]),
  spec(instances.throttledLong, [{ kind: "throttle", retryAfterMs: 60_000 }]),
  spec(instances.emptyOnce, [{ kind: "empty-body", count: 1 }]),
  spec(instances.emptyAlways, [{ kind: "empty-body" }]),
  spec(instances.truncatedOnce, [{ kind: "truncated-body", count: 1 }]),
  spec(instances.slowShort, [{ kind: "slow", delayMs: 50 }]),
  spec(instances.slowFirst, [{ kind: "slow", delayMs: 1_500, count: 1 }]),
  spec(instances.silent, [{ kind: "hang" }]),
  spec(instances.resetOnce, [{ kind: "reset", count: 1 }]),
  spec(instances.hugeFits, [{ kind: "huge-body", bytes: 256 * 1024 }]),
  spec(instances.hugePage, [{ kind: "huge-body", status: 502, bytes: 4 * 1024 * 1024 }]),
  spec(instances.replayOnce, [{ kind: "replay", count: 1 }]),
  spec(instances.replayAlways, [{ kind: "replay" }]),
  spec(instances.plain)
]

const statuses = (context: Context, instanceId: string) =>
  requestsFor(context.emulator, instanceId).map((entry) => entry.status ?? null)

/** A call that must end in success, in exactly `requests` requests reaching the instance. */
const succeeds = (name: string, instanceId: string, requests: number, options = {}): Case => ({
  name,
  run: (context) =>
    withClient(context, options, async (client) => {
      const response = await client.getUpgradeStatus({ instanceId, regionId })
      equal(response.Success, true, "Success")
      equal(response.Data[0]?.Status, "preparing", "Status")
      const seen = requestsFor(context.emulator, instanceId)
      equal(seen.length, requests, "requests that reached the instance")
      equal(new Set(seen.map((entry) => entry.nonce)).size, requests, "a fresh nonce for every attempt")
    })
})

/** A call that must end in `expected`, with `requests` requests reaching the instance. */
const fails = (
  name: string,
  instanceId: string,
  expected: { readonly tag: string; readonly reason: string; readonly httpStatus?: number; readonly code?: string },
  requests: number,
  options = {}
): Case => ({
  name,
  run: (context) =>
    withClient(context, options, async (client) => {
      const error = await rejection(client.getUpgradeStatus({ instanceId, regionId }), name)
      equal(error._tag, expected.tag, "tag")
      equal(error.reason, expected.reason, "reason")
      if (expected.httpStatus !== undefined) equal(error.httpStatus, expected.httpStatus, "HTTP status")
      if (expected.code !== undefined) equal(error.code, expected.code, "code")
      equal(error.attempts, requests, "attempts")
      equal(requestsFor(context.emulator, instanceId).length, requests, "requests that reached the instance")
    })
})

const apiError = (reason: string, httpStatus: number, code?: string) => ({
  tag: "HologresApiError",
  reason,
  httpStatus,
  ...(code === undefined ? {} : { code })
})

/** The matrix, in the order the runners run it. */
export const cases: ReadonlyArray<Case> = [
  succeeds("matrix: a 503 burst is retried, each attempt signed afresh, and the call succeeds", instances.burst503, 3),
  ...[500, 502, 504].map((status) =>
    fails(
      `matrix: a ${status} on every attempt is retried until attempts run out`,
      id(`status-${status}`),
      apiError("Unavailable", status),
      3
    )
  ),
  ...[501, 505].map((status) =>
    fails(`matrix: a ${status} is final: one request`, id(`status-${status}`), apiError("Unavailable", status), 1)
  ),
  fails(
    "matrix: throttling that never lets up ends as Throttled after the attempts",
    instances.throttledAlways,
    apiError("Throttled", 400, "Throttling.User"),
    3
  ),
  {
    name: "matrix: a retry-after beyond the deadline ends the call at once instead of sleeping past it",
    run: (context) =>
      withClient(context, { retry: { ...retry, retryAfterCapMs: 30_000, deadlineMs: 2_000 } }, async (client) => {
        const error = await rejection(
          client.getUpgradeStatus({ instanceId: instances.throttledLong, regionId }),
          "long retry-after"
        )
        equal([error._tag, error.reason, error.attempts], ["HologresApiError", "Throttled", 1], "error")
        ok((error.elapsedMs ?? Number.POSITIVE_INFINITY) < 2_000, `gave up after ${error.elapsedMs} ms`)
        equal(statuses(context, instances.throttledLong), [400], "answers")
      })
  },
  succeeds("matrix: an empty 200 is retried like a lost answer, and the next attempt succeeds", instances.emptyOnce, 2),
  fails(
    "matrix: a 200 that is always empty ends as an Empty decode error after the attempts",
    instances.emptyAlways,
    { tag: "HologresDecodeError", reason: "Empty", httpStatus: 200 },
    3
  ),
  succeeds("matrix: a truncated 200 is retried, and the next attempt succeeds", instances.truncatedOnce, 2),
  succeeds("matrix: a slow answer within the attempt timeout succeeds in one request", instances.slowShort, 1),
  succeeds(
    "matrix: an answer slower than the attempt timeout is abandoned, and the retry succeeds",
    instances.slowFirst,
    2,
    { retry: { ...retry, attemptTimeoutMs: 400 } }
  ),
  {
    name: "matrix: a server that never answers is given up on at the call's deadline",
    run: (context) =>
      withClient(
        context,
        { retry: { ...retry, maxAttempts: 5, attemptTimeoutMs: 10_000, deadlineMs: 700 } },
        async (client) => {
          const started = Date.now()
          const error = await rejection(
            client.getUpgradeStatus({ instanceId: instances.silent, regionId }),
            "silent server"
          )
          const elapsed = Date.now() - started
          equal([error._tag, error.reason], ["HologresRequestError", "Deadline"], "error")
          // Generous on a loaded machine, yet far below the 10 s attempt timeout the deadline cut short.
          ok(elapsed < 700 + 3_000, `the call took ${elapsed} ms for a 700 ms deadline`)
          equal(statuses(context, instances.silent), [null], "requests (never answered)")
        }
      )
  },
  succeeds(
    "matrix: a connection reset once is retried (a re-sent copy refused as a replay counts the same), and the call succeeds",
    instances.resetOnce,
    2
  ),
  succeeds("matrix: a large answer within a raised cap is read whole", instances.hugeFits, 1, {
    maxBodyBytes: 1024 * 1024
  }),
  fails(
    "matrix: a huge HTML error page is cut at the cap, keeping its status, and retried as the 502 it is",
    instances.hugePage,
    { tag: "HologresDecodeError", reason: "TooLarge", httpStatus: 502 },
    3,
    { maxBodyBytes: 64 * 1024 }
  ),
  {
    name: "matrix: a request a proxy replays is refused as a replay; the fresh retry succeeds",
    run: (context) =>
      withClient(context, {}, async (client) => {
        const response = await client.getUpgradeStatus({ instanceId: instances.replayOnce, regionId })
        equal(response.Success, true, "Success")
        const seen = requestsFor(context.emulator, instances.replayOnce)
        equal(
          seen.map((entry) => [entry.verdict, entry.status]),
          [
            ["valid", 200],
            ["nonce-reused", 400],
            ["valid", 200]
          ],
          "what the gateway saw"
        )
        equal(seen[0]?.nonce, seen[1]?.nonce, "the replayed copy carries the first nonce")
        ok(seen[2]?.nonce !== seen[0]?.nonce, "the retry is signed afresh")
      })
  },
  {
    name: "matrix: when every copy is replayed, the call ends as trouble in transit after the attempts",
    run: (context) =>
      withClient(context, {}, async (client) => {
        const error = await rejection(
          client.getUpgradeStatus({ instanceId: instances.replayAlways, regionId }),
          "replayed"
        )
        equal([error._tag, error.reason, error.attempts], ["HologresRequestError", "Transport", 3], "error")
        matches(error.message, /re-sent unchanged.*SignatureNonceUsed/, "message")
        const seen = requestsFor(context.emulator, instances.replayAlways)
        equal(new Set(seen.map((entry) => entry.nonce)).size, 3, "three attempts, each signed afresh")
      })
  },
  fails(
    "matrix: an unknown instance is final: NotFound, one request",
    id("not-served"),
    apiError("NotFound", 404, "InvalidInstanceId.NotFound"),
    1
  ),
  {
    name: "matrix: a clock 20 minutes behind the gateway's is refused once, with a hint that measures the skew",
    run: async (context) => {
      const skewed = await context.startEmulator({
        specs: [spec(instances.plain)],
        now: () => Date.now() + 20 * 60_000
      })
      try {
        await withClient({ ...context, emulator: skewed }, {}, async (client) => {
          const error = await rejection(
            client.getUpgradeStatus({ instanceId: instances.plain, regionId }),
            "skewed clock"
          )
          equal(
            [error._tag, error.reason, error.code, error.attempts],
            ["HologresApiError", "ClockSkew", "InvalidTimeStamp.Expired", 1],
            "error"
          )
          matches(error.hint ?? "", /local clock 20 min behind/, "hint")
          equal(
            skewed.requests().map((entry) => entry.verdict),
            ["expired"],
            "what the gateway saw"
          )
        })
      } finally {
        await skewed.close()
      }
    }
  }
]
