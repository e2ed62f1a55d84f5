import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { AccessKey, Emulator } from "@holo-upgrade/emulator"
import { Effect, Option } from "effect"
import * as Connection from "../src/Connection.ts"
import * as Demo from "../src/commands/Demo.ts"
import * as Watcher from "../src/watch/Watcher.ts"
import { bundle, type Run } from "./cli.ts"

const home = mkdtempSync(join(tmpdir(), "holo-upgrade-demo-"))
afterAll(() => rmSync(home, { recursive: true, force: true }))

/**
 * Runs `holo-upgrade demo` as a user would after a fresh install: no Alibaba Cloud variable, an empty home (no
 * profile to fall back on), and proxy variables pointing at a closed port, which loopback calls must ignore.
 */
const demo = (args: ReadonlyArray<string>): Promise<Run> => {
  const env: Record<string, string | undefined> = { ...process.env, HOME: home }
  for (const name of Object.keys(env)) if (name.startsWith("ALIBABA_CLOUD_")) delete env[name]
  delete env.FORCE_COLOR
  Object.assign(env, { HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9" })
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, "demo", ...args], { env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })
}

describe("holo-upgrade demo", () => {
  // The two runs of the demo take ten seconds each; they run side by side.
  it.concurrent("plays the three upgrades to their scripted ends with no credentials and exits 0; the report shows the rollback", async () => {
    const result = await demo([])
    assert.strictEqual(result.code, 0, result.stderr)

    const blocks = result.stdout.split(/\n(?=Instance )/)
    assert.strictEqual(blocks.length, 3, result.stdout)
    const [succeeds, rollsBack, followerDown] = blocks as [string, string, string]
    assert.match(succeeds, /^Instance hgdemo-succeeds · region cn-hangzhou · request [0-9A-F-]+ · HTTP 200/)
    assert.match(succeeds, /Verdict {3}SUCCEEDED/)
    assert.match(succeeds, /DoUpgrade +Success/)

    assert.match(rollsBack, /^Instance hgdemo-rolls-back /)
    assert.match(rollsBack, /Verdict {3}ROLLED BACK {2}record 1 of 1: 1\.3\.23 → 1\.3\.24, status archived/)
    assert.match(
      rollsBack,
      /critical +rolled-back +The upgrade to 1\.3\.24 did not succeed \(StatusCode LeaderRestartFailed\)/
    )
    assert.match(rollsBack, /Rollback +Success/)
    assert.match(rollsBack, /details-repaired +Details was not valid JSON/)
    assert.include(rollsBack, "WMS readonly Unavailable")

    assert.match(followerDown, /^Instance hgdemo-follower-down /)
    assert.match(followerDown, /Verdict {3}SUCCEEDED/)
    assert.match(followerDown, /warning +follower-unavailable +A read-only follower is not running: dashboard-ro/)

    // Diagnostics on stderr only: the emulator's address, the rollback with its step and code, the verdict of the check.
    assert.match(
      result.stderr,
      /^holo-upgrade demo: emulator on http:\/\/127\.0\.0\.1:\d+, signing with its demo key\n/
    )
    assert.include(
      result.stderr,
      "hgdemo-rolls-back: ROLLED BACK (step Rollback Success, StatusCode LeaderRestartFailed"
    )
    assert.include(result.stderr, "holo-upgrade demo: every upgrade ended as scripted")
    assert.notInclude(result.stdout, "holo-upgrade demo:")
  })

  it.concurrent("prints the report in the format asked for", async () => {
    const result = await demo(["-o", "json"])
    assert.strictEqual(result.code, 0, result.stderr)
    const reports: ReadonlyArray<{ instanceId: string; state: string }> = JSON.parse(result.stdout).reports
    assert.deepStrictEqual(
      reports.map((report) => [report.instanceId, report.state]),
      [
        ["hgdemo-succeeds", "succeeded"],
        ["hgdemo-rolls-back", "rolled-back"],
        ["hgdemo-follower-down", "succeeded"]
      ]
    )
  })

  it.live("is a real check: upgrades that end otherwise than scripted are named, and the exit code is not 0", () =>
    Effect.scoped(
      Effect.gen(function* () {
        // The demo's instances, played differently: the first fails, the second succeeds, the third keeps its follower.
        const specs = [
          { id: "hgdemo-succeeds", scenario: "step-failed", prepareSeconds: 0 },
          { id: "hgdemo-rolls-back", scenario: "hot-upgrade", prepareSeconds: 0 },
          { id: "hgdemo-follower-down", scenario: "hot-upgrade", prepareSeconds: 0 }
        ]
        const emulator = yield* Emulator.make({ specs, timeScale: 5000 })
        const connection = yield* Connection.connect(
          specs.map((spec) => spec.id),
          {
            region: Option.some(Demo.regionId),
            endpoint: Option.some(emulator.url),
            profile: Option.none(),
            debug: false,
            explicit: { accessKeyId: AccessKey.demo.accessKeyId, accessKeySecret: AccessKey.demo.accessKeySecret },
            env: {}
          }
        )
        const outcome = yield* Watcher.run({
          targets: specs.map((spec) => ({ instanceId: spec.id, regionId: connection.regionId })),
          intervalMs: 20,
          timeoutMs: 20_000,
          concurrency: 3
        }).pipe(Effect.provide(connection.layer))
        const reports = outcome.instances.map(Watcher.reportOf)

        const problems = Demo.mismatches(reports)
        assert.deepStrictEqual(problems, [
          "hgdemo-succeeds: ended failed, scripted succeeded",
          "hgdemo-succeeds: StatusCode BackupFailed, scripted Success",
          "hgdemo-succeeds: no succeeded finding",
          "hgdemo-rolls-back: ended succeeded, scripted rolled-back",
          "hgdemo-rolls-back: StatusCode Success, scripted LeaderRestartFailed",
          "hgdemo-rolls-back: no rolled-back finding",
          "hgdemo-rolls-back: no details-repaired finding",
          "hgdemo-rolls-back: no flighting-regressions finding",
          "hgdemo-follower-down: no follower-unavailable finding"
        ])
        assert.strictEqual(Demo.exitCode(problems, Watcher.exitCode(outcome)), 70)
        assert.strictEqual(Demo.exitCode(problems, 5), 5)
        assert.strictEqual(Demo.exitCode([], 1), 0)
        assert.deepStrictEqual(Demo.mismatches(reports.slice(1)).slice(0, 1), ["hgdemo-succeeds: no report"])
      })
    )
  )
})
