import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { AccessKey, type Emulator, type Fault, Scenario, startEmulator } from "../src/index.ts"
import { answer, json, manualClock, signedGet } from "./support.ts"

const other = AccessKey.make("holo-other-key", "other-secret")

/** Waits for a condition the server reaches on its own (a socket closing), failing after two seconds. */
const until = async (condition: () => boolean) => {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 2_000) throw new Error("the condition did not hold within 2 s")
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe("faults scheduled per instance", () => {
  const specs = [
    { id: "hg-burst", faults: [{ kind: "server-error", start: 2, count: 3 }] },
    { id: "hg-500", faults: [{ kind: "server-error", status: 500 }] },
    { id: "hg-throttle", faults: [{ kind: "throttle", retryAfterMs: 2500 }] },
    { id: "hg-html", faults: [{ kind: "html-502" }] },
    { id: "hg-empty", faults: [{ kind: "empty-body" }] },
    { id: "hg-truncated", faults: [{ kind: "truncated-body" }] },
    { id: "hg-slow", faults: [{ kind: "slow", delayMs: 1500, count: 1 }] },
    { id: "hg-hang", faults: [{ kind: "hang" }] },
    { id: "hg-reset", faults: [{ kind: "reset" }] },
    { id: "hg-huge", faults: [{ kind: "huge-body", bytes: 5 * 1024 * 1024 }] },
    { id: "hg-huge-502", faults: [{ kind: "huge-body", status: 502, bytes: 3 * 1024 * 1024 }] },
    { id: "hg-replay", faults: [{ kind: "replay", count: 1 }] }
  ] satisfies ReadonlyArray<{ id: string; faults: ReadonlyArray<Fault.Spec> }>
  let emulator: Emulator.Handle
  beforeAll(async () => {
    emulator = await startEmulator({ specs, keys: [AccessKey.demo, other] })
  })
  afterAll(() => emulator.close())
  const call = (id: string, timeoutMs?: number) =>
    signedGet(emulator.url, id, { key: AccessKey.demo, ...(timeoutMs === undefined ? {} : { timeoutMs }) })
  const lastEntry = () => emulator.requests().at(-1)!

  it("a 5xx burst hits the scheduled requests only, with the gateway's error document", async () => {
    const statuses: Array<number> = []
    for (let n = 1; n <= 5; n++) statuses.push(answer(await call("hg-burst")).status)
    assert.deepStrictEqual(statuses, [200, 503, 503, 503, 200])
    const body = json(await call("hg-500"))
    assert.deepStrictEqual([body.Code, typeof body.RequestId], ["InternalError", "string"])
    assert.strictEqual(lastEntry().fault, "server-error")
  })

  it("faults come after the gateway's checks: a bad signature is refused as such", async () => {
    const reply = await signedGet(emulator.url, "hg-reset", { key: AccessKey.demo, secret: "wrong" })
    assert.strictEqual(json(reply).Code, "SignatureDoesNotMatch")
  })

  it("throttling answers 400 Throttling.User with x-acs-retry-after", async () => {
    const reply = answer(await call("hg-throttle"))
    assert.strictEqual(reply.status, 400)
    assert.strictEqual(JSON.parse(reply.body).Code, "Throttling.User")
    assert.strictEqual(reply.headers["x-acs-retry-after"], "2500")
  })

  it("an HTML 502 page from a proxy", async () => {
    const reply = answer(await call("hg-html"))
    assert.strictEqual(reply.status, 502)
    assert.match(String(reply.headers["content-type"]), /^text\/html/)
    assert.include(reply.body, "<h1>502 Bad Gateway</h1>")
  })

  it("an empty 200 and a truncated 200", async () => {
    const empty = answer(await call("hg-empty"))
    assert.deepStrictEqual([empty.status, empty.body], [200, ""])
    const truncated = answer(await call("hg-truncated"))
    assert.strictEqual(truncated.status, 200)
    assert.isTrue(truncated.body.startsWith('{"RequestId":'))
    assert.throws(() => JSON.parse(truncated.body))
  })

  it("a slow reply outlasts a short client timeout; the next one is on time", async () => {
    const slow = await call("hg-slow", 200)
    assert.deepStrictEqual(slow.kind === "error" && slow.code, "TIMEOUT")
    assert.strictEqual(answer(await call("hg-slow")).status, 200)
  })

  it("a reply that never comes", async () => {
    const hung = await call("hg-hang", 300)
    assert.deepStrictEqual(hung.kind === "error" && hung.code, "TIMEOUT")
    assert.deepStrictEqual([lastEntry().fault, lastEntry().status], ["hang", undefined])
  })

  it("a connection reset", async () => {
    const reset = await call("hg-reset")
    assert.deepStrictEqual(reset.kind === "error" && reset.code, "ECONNRESET")
  })

  it("a huge body, streamed without Content-Length, still valid JSON", async () => {
    const huge = answer(await call("hg-huge", 30_000))
    assert.strictEqual(huge.status, 200)
    assert.strictEqual(huge.headers["content-length"], undefined)
    assert.isAtLeast(huge.body.length, 5 * 1024 * 1024)
    assert.strictEqual(JSON.parse(huge.body).Data[0].Status, "preparing")
  })

  it("a huge error page with another status: HTML, streamed without Content-Length", async () => {
    const huge = answer(await call("hg-huge-502", 30_000))
    assert.strictEqual(huge.status, 502)
    assert.match(String(huge.headers["content-type"]), /^text\/html/)
    assert.strictEqual(huge.headers["content-length"], undefined)
    assert.isAtLeast(huge.body.length, 3 * 1024 * 1024)
    assert.isTrue(huge.body.startsWith("<html>") && huge.body.endsWith("</html>"))
    assert.deepStrictEqual([lastEntry().status, lastEntry().fault], [502, "huge-body"])
  })

  it("a replaying proxy: the gateway sees the nonce twice and refuses the copy; a fresh request passes", async () => {
    const before = emulator.requests().length
    const replayed = answer(await call("hg-replay"))
    assert.strictEqual(replayed.status, 400)
    assert.strictEqual(JSON.parse(replayed.body).Code, "SignatureNonceUsed")
    const seen = emulator.requests().slice(before)
    assert.deepStrictEqual(
      seen.map((entry) => [entry.verdict, entry.status, entry.fault]),
      [
        ["valid", 200, "replay"],
        ["nonce-reused", 400, "replay"]
      ]
    )
    assert.strictEqual(seen[0]!.nonce, seen[1]!.nonce)
    assert.strictEqual(answer(await call("hg-replay")).status, 200)
  })

  it("counts a request open until it is answered or its client goes away", async () => {
    assert.strictEqual(emulator.openRequests(), 0)
    const hung = call("hg-hang", 400)
    await until(() => emulator.openRequests() === 1)
    assert.deepStrictEqual((await hung).kind, "error")
    await until(() => emulator.openRequests() === 0)
    answer(await call("hg-empty"))
    assert.strictEqual(emulator.openRequests(), 0)
  })

  it("a server-error is a 5xx: a scenario file asking for another status is refused", () => {
    assert.throws(() =>
      Scenario.decodeFile(JSON.stringify([{ id: "x", faults: [{ kind: "server-error", status: 404 }] }]))
    )
    assert.strictEqual(
      Scenario.decodeFile(JSON.stringify([{ id: "x", faults: [{ kind: "huge-body", status: 404 }] }]))[0]?.faults?.[0]
        ?.status,
      404
    )
  })
})

describe("the gateway's Date", () => {
  it("comes from the emulator's clock, so a client can measure its skew", async () => {
    const clock = manualClock()
    const emulator = await startEmulator({ now: clock.now })
    try {
      clock.advance(20 * 60_000)
      const reply = answer(await signedGet(emulator.url, "hgemu-hot-upgrade-1", { key: AccessKey.demo }))
      assert.strictEqual(JSON.parse(reply.body).Code, "InvalidTimeStamp.Expired")
      assert.strictEqual(reply.headers.date, new Date(clock.now()).toUTCString())
    } finally {
      await emulator.close()
    }
  })
})

describe("flow control per access key", () => {
  const clock = manualClock()
  let emulator: Emulator.Handle
  beforeAll(async () => {
    emulator = await startEmulator({ qps: 2, keys: [AccessKey.demo, other], now: clock.now })
  })
  afterAll(() => emulator.close())
  const call = (key: AccessKey.AccessKey) =>
    signedGet(emulator.url, "hgemu-hot-upgrade-1", { key, date: clock.date() }).then(answer)

  it("over the quota: Throttling.User with the wait until a slot frees; other keys unaffected", async () => {
    assert.strictEqual((await call(AccessKey.demo)).status, 200)
    clock.advance(400)
    assert.strictEqual((await call(AccessKey.demo)).status, 200)
    const refused = await call(AccessKey.demo)
    assert.strictEqual(refused.status, 400)
    assert.strictEqual(JSON.parse(refused.body).Code, "Throttling.User")
    assert.strictEqual(refused.headers["x-acs-retry-after"], "600")
    assert.strictEqual((await call(other)).status, 200)
    clock.advance(601)
    assert.strictEqual((await call(AccessKey.demo)).status, 200)
  })
})

describe("random faults", () => {
  const faultsOf = async (seed: number) => {
    const emulator = await startEmulator({ seed, randomFaults: { rate: 0.5, kinds: ["server-error", "empty-body"] } })
    try {
      for (let n = 0; n < 24; n++) await signedGet(emulator.url, "hgemu-hot-upgrade-1", { key: AccessKey.demo })
      return emulator.requests().map((entry) => entry.fault ?? "none")
    } finally {
      await emulator.close()
    }
  }

  it("are drawn from the seed: the same seed gives the same sequence, another seed another", async () => {
    const first = await faultsOf(3)
    assert.includeMembers(first, ["none", "server-error", "empty-body"])
    assert.deepStrictEqual(await faultsOf(3), first)
    assert.notDeepEqual(await faultsOf(4), first)
  })
})

describe("added latency", () => {
  it("delays every answer by at least latencyMs", async () => {
    const emulator = await startEmulator({ latencyMs: 120 })
    try {
      const started = performance.now()
      assert.strictEqual(answer(await signedGet(emulator.url, "nope", { key: AccessKey.demo })).status, 404)
      assert.isAtLeast(performance.now() - started, 115)
    } finally {
      await emulator.close()
    }
  })
})
