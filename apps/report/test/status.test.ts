import { rmSync } from "node:fs"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { AccessKey, type Emulator, startEmulator } from "@holo-upgrade/emulator"
import { Redacted } from "effect"
import type { Run } from "./cli.ts"
import { demoEnv, emptyHome, rolledBack, run } from "./spawn.ts"

// The command runs as a child process against the emulator in this process (see spawn.ts): HOME points at an empty
// directory and no ALIBABA_* variable leaks in from the developer's shell.

const canary = "CANARY-status-secret-4242"

const home = emptyHome()
let emulator: Emulator.Handle

const ids = {
  running: "hgstatus-running",
  rolledBack: "hgstatus-rollback",
  throttled: "hgstatus-throttled",
  noRecord: "hgstatus-none"
} as const

beforeAll(async () => {
  emulator = await startEmulator({
    specs: [
      { id: ids.running, scenario: "hot-upgrade", startAfterSeconds: 0 },
      rolledBack(ids.rolledBack),
      { id: ids.throttled, scenario: "no-record", faults: [{ kind: "throttle", start: 1, count: 2, retryAfterMs: 5 }] },
      { id: ids.noRecord, scenario: "no-record" }
    ]
  })
})
afterAll(async () => {
  await emulator.close()
  rmSync(home, { recursive: true, force: true })
})

const status = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = demoEnv): Promise<Run> =>
  run(["status", ...args], { home, env })

const endpointArgs = () => ["--endpoint", emulator.url, "--region", "cn-hangzhou"]

describe("holo-upgrade status", () => {
  it("reports several instances in order, as JSON, with the exit code of the worst", async () => {
    const result = await status([ids.running, ids.rolledBack, ids.noRecord, ...endpointArgs(), "--output", "json"])
    assert.strictEqual(result.code, 1, result.stderr)
    const document = JSON.parse(result.stdout)
    assert.deepStrictEqual(
      document.reports.map((report: { instanceId: string }) => report.instanceId),
      [ids.running, ids.rolledBack, ids.noRecord]
    )
    assert.deepStrictEqual(
      document.reports.map((report: { regionId: string }) => report.regionId),
      ["cn-hangzhou", "cn-hangzhou", "cn-hangzhou"]
    )
    assert.strictEqual(document.reports[2].state, "no-record")
    assert.strictEqual(document.reports[1].state, "rolled-back")
    const seen = emulator.requests().filter((entry) => entry.instanceId === ids.running)
    assert.isAbove(seen.length, 0)
    for (const entry of seen) assert.strictEqual(entry.verdict, "valid")
  })

  it("retries throttling and shows every attempt with --debug, never a secret", async () => {
    const result = await status([ids.throttled, ...endpointArgs(), "--debug"])
    assert.strictEqual(result.code, 0, result.stderr)
    assert.include(result.stderr, "credentials from environment (ALIBABA_CLOUD_ACCESS_KEY_ID)")
    assert.include(result.stderr, "region cn-hangzhou from --region")
    assert.match(
      result.stderr,
      /attempt 1 GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/instances\/hgstatus-throttled\/upgrade\/status\?RegionId=cn-hangzhou -> HTTP 400 request id \S+ \(.*Throttling\.User.*\); retrying in/
    )
    assert.include(result.stderr, "attempt 3 GET")
    assert.notInclude(result.stderr, Redacted.value(AccessKey.demo.accessKeySecret))
    assert.notInclude(result.stdout, Redacted.value(AccessKey.demo.accessKeySecret))
  })

  it("a wrong secret is an API error (exit 4) with a hint, and the secret is printed nowhere", async () => {
    const result = await status([ids.running, ...endpointArgs(), "--output", "json"], {
      ALIBABA_CLOUD_ACCESS_KEY_ID: AccessKey.demo.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: ` ${canary}`
    })
    assert.strictEqual(result.code, 4, result.stderr)
    assert.include(result.stderr, "SignatureDoesNotMatch")
    assert.include(result.stderr, "leading or trailing whitespace")
    const report = JSON.parse(result.stdout).reports[0]
    assert.strictEqual(report.errorCode, "SignatureDoesNotMatch")
    assert.notInclude(result.stdout + result.stderr, canary)
  })

  it("no credentials anywhere is a configuration error (exit 3)", async () => {
    const result = await status([ids.running, ...endpointArgs()], {})
    assert.strictEqual(result.code, 3, result.stderr)
    assert.include(result.stderr, "No Alibaba Cloud credentials found")
    assert.strictEqual(result.stdout, "")
  })

  it("no region is a configuration error (exit 3); ALIBABA_CLOUD_REGION_ID supplies one", async () => {
    const missing = await status([ids.noRecord, "--endpoint", emulator.url])
    assert.strictEqual(missing.code, 3, missing.stderr)
    assert.include(missing.stderr, "No region")
    const fromEnv = await status([ids.noRecord, "--endpoint", emulator.url, "-o", "json"], {
      ...demoEnv,
      ALIBABA_CLOUD_REGION_ID: "cn-shanghai"
    })
    assert.strictEqual(fromEnv.code, 0, fromEnv.stderr)
    assert.strictEqual(JSON.parse(fromEnv.stdout).reports[0].regionId, "cn-shanghai")
  })

  it("an endpoint that is not an origin is a configuration error (exit 3)", async () => {
    const result = await status([ids.running, "--region", "cn-hangzhou", "--endpoint", `${emulator.url}/prefix`])
    assert.strictEqual(result.code, 3, result.stderr)
    assert.include(result.stderr, "origin only")
  })

  it("refuses a malformed region or instance id before any request (exit 2)", async () => {
    const before = emulator.requests().length
    const region = await status([ids.running, "--endpoint", emulator.url, "--region", "cn-hangzhou.evil.example"])
    assert.strictEqual(region.code, 2, region.stderr)
    const id = await status(["..", ...endpointArgs()])
    assert.strictEqual(id.code, 2, id.stderr)
    assert.strictEqual(emulator.requests().length, before)
  })

  it("a server that is gone is an API error after retries (exit 4), naming attempts", async () => {
    const gone = await startEmulator({ specs: [{ id: "x" }] })
    const url = gone.url
    await gone.close()
    const result = await status([ids.running, "--endpoint", url, "--region", "cn-hangzhou"])
    assert.strictEqual(result.code, 4, result.stderr)
    assert.match(result.stderr, /gave up after 4 attempts in/)
  })
})
