import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { AccessKey, type Emulator, type Scenario, startEmulator } from "@holo-upgrade/emulator"
import { Redacted } from "effect"
import { bundle, type Run } from "./cli.ts"

// `holo-upgrade watch` runs as a child process, as users run it, against an emulator started in this process on
// 127.0.0.1:0. Each test starts its own emulator, since scripted upgrades start when the emulator does. Time is
// compressed and driven by the requests themselves (see `withEmulator`); the assertions are about what was seen and
// said, never about how long it took.

const home = mkdtempSync(join(tmpdir(), "holo-upgrade-watch-"))
afterAll(() => rmSync(home, { recursive: true, force: true }))

const keyEnv = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: AccessKey.demo.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: Redacted.value(AccessKey.demo.accessKeySecret)
}

/** Starts `holo-upgrade watch` with the demo key and a clean environment; `onStdout` sees output as it comes. */
const spawnWatch = (args: ReadonlyArray<string>, onStdout?: (soFar: string, child: ChildProcess) => void) => {
  const env: Record<string, string | undefined> = { ...process.env, HOME: home, ...keyEnv }
  for (const name of Object.keys(env)) {
    if (name.startsWith("ALIBABA_CLOUD_") && !(name in keyEnv)) delete env[name]
  }
  delete env.FORCE_COLOR
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, "watch", ...args], { env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      onStdout?.(stdout, child)
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })
}

/**
 * Runs `body` with an emulator serving `specs`, then stops it. The emulator's clock moves 100 ms (100 scenario
 * seconds, at time scale 1000) with every API request it answers, whatever the wall clock does: an upgrade plays out
 * over a known number of polls however slowly the command starts, and stays within the gateway's 15-minute window.
 */
const withEmulator = async <A>(
  specs: ReadonlyArray<Scenario.InstanceSpec>,
  body: (emulator: Emulator.Handle) => Promise<A>
): Promise<A> => {
  const origin = Date.now()
  let answered = 0
  const emulator = await startEmulator({
    specs,
    timeScale: 1000,
    now: () => origin + answered * 100,
    onRequest: () => {
      answered += 1
    }
  })
  try {
    return await body(emulator)
  } finally {
    await emulator.close()
  }
}

const target = (emulator: Emulator.Handle) => ["--endpoint", emulator.url, "--region", "cn-hangzhou"]

interface Line {
  readonly instanceId: string
  readonly requestId: string | null
  readonly state: string
  readonly poll: number
  readonly error: { readonly tag: string } | null
  readonly records: ReadonlyArray<{ readonly status: string | null }>
}

const ndjson = (stdout: string): Array<Line> =>
  stdout
    .trimEnd()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Line)

/** The request ids the emulator answered for one instance, oldest first. */
const answered = (emulator: Emulator.Handle, instanceId: string): Array<string | undefined> =>
  emulator
    .requests()
    .filter((entry) => entry.instanceId === instanceId)
    .map((entry) => entry.requestId)

// Most of an upgrade, in scenario seconds, is preparation; these shorten it so a test watches steps, not waiting.
const quick = { prepareSeconds: 200, stepSeconds: { Stop: 30, Backup: 120, DoUpgrade: 300 } } as const

describe("holo-upgrade watch", () => {
  it("follows an upgrade to success: exit 0, the final report on stdout, no progress when stderr is not a terminal", () =>
    withEmulator([{ id: "hgwatch-ok", scenario: "hot-upgrade", ...quick }], async (emulator) => {
      const result = await spawnWatch(["hgwatch-ok", ...target(emulator), "--interval", "100ms", "-o", "json"])
      assert.strictEqual(result.code, 0, result.stderr)
      assert.strictEqual(result.stderr, "")
      const report = JSON.parse(result.stdout).reports[0]
      assert.strictEqual(report.state, "succeeded")
      assert.strictEqual(report.records[0].status, "archived")
      assert.deepStrictEqual(
        report.records[0].timeline.map((step: { step: string; phase: string }) => `${step.step} ${step.phase}`),
        ["Stop done", "Backup done", "DoUpgrade done"]
      )
      // Several polls: the watch saw the upgrade before it ended, then stopped asking.
      const ids = answered(emulator, "hgwatch-ok")
      assert.isAbove(ids.length, 2)
      assert.strictEqual(report.requestId, ids[ids.length - 1])
      for (const entry of emulator.requests()) assert.strictEqual(entry.verdict, "valid")
    }))

  it("exits 1 at the first poll that shows the failure, while Status still says upgrading, naming step and code", () =>
    withEmulator(
      // The rollback takes far longer than the test: only Details shows the failure, Status stays `upgrading`.
      [{ id: "hgwatch-rollback", scenario: "rollback", ...quick, rollbackSeconds: 1_000_000 }],
      async (emulator) => {
        const result = await spawnWatch([
          "hgwatch-rollback",
          ...target(emulator),
          "--interval",
          "100ms",
          "-o",
          "ndjson"
        ])
        assert.strictEqual(result.code, 1, result.stderr)
        const lines = ndjson(result.stdout)
        const last = lines[lines.length - 1]!
        assert.strictEqual(last.state, "failed")
        assert.strictEqual(last.records[0]!.status, "upgrading")
        // Every earlier poll saw the upgrade running or preparing: the watch ended on the first one that saw it fail.
        assert.isAbove(lines.length, 2)
        for (const line of lines.slice(0, -1)) assert.oneOf(line.state, ["preparing", "upgrading"])
        assert.deepStrictEqual(
          lines.map((line) => line.poll),
          lines.map((_, index) => index + 1)
        )
        // ...and asked nothing more after it.
        const ids = answered(emulator, "hgwatch-rollback")
        assert.strictEqual(last.requestId, ids[ids.length - 1])
        assert.strictEqual(ids.length, lines.length)
        assert.match(
          result.stderr,
          new RegExp(
            `hgwatch-rollback: FAILED \\(step Rollback Running[^,]*, StatusCode LeaderRestartFailed, request id ${last.requestId}\\)`
          )
        )
      }
    ))

  it("exits 5 when the timeout passes first, printing the last state seen with its request id", () =>
    withEmulator([{ id: "hgwatch-stuck", scenario: "stuck-preparing" }], async (emulator) => {
      const result = await spawnWatch([
        "hgwatch-stuck",
        ...target(emulator),
        "--interval",
        "100ms",
        "--timeout",
        "800ms",
        "-o",
        "json"
      ])
      assert.strictEqual(result.code, 5, result.stderr)
      const report = JSON.parse(result.stdout).reports[0]
      assert.strictEqual(report.state, "preparing")
      const ids = answered(emulator, "hgwatch-stuck")
      assert.isAbove(ids.length, 1)
      assert.strictEqual(report.requestId, ids[ids.length - 1])
      assert.include(
        result.stderr,
        `watch timed out after 0.8 s; hgwatch-stuck: last seen PREPARING (Status preparing, request id ${report.requestId}, ${ids.length} calls)`
      )
    }))

  it("never counts an unknown state as success: an undocumented Status and an unproven archive wait for the deadline", () =>
    withEmulator(
      [
        { id: "hgwatch-suspended", scenario: "unknown-status", prepareSeconds: 0 },
        // Archived, but the Details holding the steps cannot be read: nothing proves DoUpgrade succeeded.
        { id: "hgwatch-unproven", scenario: "hot-upgrade", prepareSeconds: 0, details: "not-json" }
      ],
      async (emulator) => {
        const result = await spawnWatch([
          "hgwatch-suspended",
          "hgwatch-unproven",
          ...target(emulator),
          "--interval",
          "100ms",
          "--timeout",
          "2s",
          "-o",
          "ndjson"
        ])
        assert.strictEqual(result.code, 5, result.stderr)
        const lines = ndjson(result.stdout)
        for (const id of ["hgwatch-suspended", "hgwatch-unproven"]) {
          const own = lines.filter((line) => line.instanceId === id)
          assert.isAbove(own.length, 3, id)
          assert.notInclude(
            own.map((line) => line.state),
            "succeeded",
            id
          )
          assert.strictEqual(own[own.length - 1]!.state, "unknown", id)
        }
        assert.strictEqual(
          lines.filter((line) => line.instanceId === "hgwatch-unproven" && line.records[0]?.status === "archived")
            .length > 0,
          true
        )
        assert.include(result.stderr, "hgwatch-suspended: last seen UNKNOWN (Status suspended, request id ")
      }
    ))

  it("keeps watching the others after one fails, and refreshes the failed one while its rollback runs", () =>
    withEmulator(
      [
        { id: "hgwatch-a-fails", scenario: "rollback", ...quick, prepareSeconds: 0, rollbackSeconds: 200 },
        { id: "hgwatch-b-ok", scenario: "hot-upgrade", ...quick, startAfterSeconds: 1200 }
      ],
      async (emulator) => {
        const result = await spawnWatch([
          "hgwatch-a-fails",
          "hgwatch-b-ok",
          ...target(emulator),
          "--interval",
          "100ms",
          "-o",
          "json"
        ])
        assert.strictEqual(result.code, 1, result.stderr)
        const [failed, ok] = JSON.parse(result.stdout).reports
        assert.strictEqual(ok.state, "succeeded")
        // The rollback (200 s) ended long before the other upgrade (1200 s + 650 s): the report is not stale.
        assert.strictEqual(failed.state, "rolled-back")
        assert.include(
          result.stderr,
          "hgwatch-a-fails: ROLLED BACK (step Rollback Success, StatusCode LeaderRestartFailed"
        )
      }
    ))

  it("--fail-fast ends at the first failure without waiting for the others", () =>
    withEmulator(
      [
        { id: "hgwatch-c-fails", scenario: "step-failed", ...quick, prepareSeconds: 0 },
        { id: "hgwatch-d-later", scenario: "hot-upgrade", startAfterSeconds: 1_000_000 }
      ],
      async (emulator) => {
        const result = await spawnWatch([
          "hgwatch-c-fails",
          "hgwatch-d-later",
          ...target(emulator),
          "--interval",
          "100ms",
          "--fail-fast",
          "-o",
          "json"
        ])
        assert.strictEqual(result.code, 1, result.stderr)
        const [failed, later] = JSON.parse(result.stdout).reports
        assert.strictEqual(failed.state, "failed")
        assert.strictEqual(later.state, "no-record")
        assert.include(result.stderr, "hgwatch-c-fails: FAILED (step Backup Failed, StatusCode BackupFailed")
      }
    ))

  it("rides out transient errors and stops at once on a permanent one", () =>
    withEmulator(
      [
        // Eight 503s in a row: the first two polls fail after all their retries, the watch goes on.
        { id: "hgwatch-flaky", scenario: "hot-upgrade", ...quick, faults: [{ kind: "server-error", count: 8 }] }
      ],
      async (emulator) => {
        const result = await spawnWatch([
          "hgwatch-flaky",
          "hgwatch-missing",
          ...target(emulator),
          "--interval",
          "100ms",
          "-o",
          "ndjson"
        ])
        // The unknown instance is an API error (4); nothing failed, so 4 it is.
        assert.strictEqual(result.code, 4, result.stderr)
        const lines = ndjson(result.stdout)
        const flaky = lines.filter((line) => line.instanceId === "hgwatch-flaky")
        assert.deepStrictEqual(
          flaky.slice(0, 2).map((line) => line.error?.tag),
          ["HologresApiError", "HologresApiError"]
        )
        assert.strictEqual(flaky[flaky.length - 1]!.state, "succeeded")
        const missing = lines.filter((line) => line.instanceId === "hgwatch-missing")
        assert.strictEqual(missing.length, 1)
        assert.strictEqual(answered(emulator, "hgwatch-missing").length, 1)
        assert.include(result.stderr, "hgwatch-missing:")
        assert.include(result.stderr, "InvalidInstanceId.NotFound")
      }
    ))

  it("on Ctrl-C stops, prints the last known state with its request id, and exits 130", () =>
    withEmulator([{ id: "hgwatch-interrupted", scenario: "stuck-preparing" }], async (emulator) => {
      let signalled = false
      const result = await spawnWatch(
        ["hgwatch-interrupted", ...target(emulator), "--interval", "100ms", "-o", "ndjson"],
        (soFar, child) => {
          if (!signalled && soFar.split("\n").length > 3) {
            signalled = true
            child.kill("SIGINT")
          }
        }
      )
      assert.strictEqual(result.code, 130, result.stderr)
      const lines = ndjson(result.stdout)
      const last = lines[lines.length - 1]!
      assert.include(result.stderr, "interrupted after")
      assert.match(
        result.stderr,
        /hgwatch-interrupted: last seen PREPARING \(Status preparing, request id [0-9A-F-]+, \d+ calls\)/
      )
      assert.include(result.stderr, "request id")
      assert.isDefined(last.requestId)
    }))

  it("refuses a bad interval or timeout before any request (exit 2), and states defaults and exit codes in --help", () =>
    withEmulator([{ id: "hgwatch-usage" }], async (emulator) => {
      for (const flags of [
        ["--interval", "soon"],
        ["--interval", "10ms"],
        ["--timeout", "0s"]
      ]) {
        const result = await spawnWatch(["hgwatch-usage", ...target(emulator), ...flags])
        assert.strictEqual(result.code, 2, `${flags.join(" ")}: ${result.stderr}`)
        assert.include(result.stderr, flags[0]!)
      }
      assert.strictEqual(emulator.requests().length, 0)
      const help = await spawnWatch(["--help"])
      assert.strictEqual(help.code, 0)
      for (const text of [
        "default 30s",
        "default 2h",
        "0 every upgrade succeeded",
        "1 an upgrade failed",
        "5 the timeout"
      ]) {
        assert.include(help.stdout, text)
      }
    }))
})
