import { rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { type Emulator, type Scenario, startEmulator } from "@holo-upgrade/emulator"
import { emptyHome, run } from "./spawn.ts"

// `watch` lists its instances as `status` does: arguments and --from-file (a path or stdin, CSV with regions), each
// instance asked once however often it is listed, and every request under the --qps limit. The command runs as a
// child process against an emulator started here on 127.0.0.1:0.

const home = emptyHome()
afterAll(() => rmSync(home, { recursive: true, force: true }))

/** Runs `body` with an emulator, then stops it. */
const withEmulator = async <A>(
  options: Parameters<typeof startEmulator>[0],
  body: (emulator: Emulator.Handle) => Promise<A>
): Promise<A> => {
  const emulator = await startEmulator(options)
  try {
    return await body(emulator)
  } finally {
    await emulator.close()
  }
}

/** An upgrade that has already succeeded at the first request. */
const done = (id: string): Scenario.InstanceSpec => ({
  id,
  scenario: "hot-upgrade",
  startAfterSeconds: 0,
  prepareSeconds: 0,
  waitSeconds: 0,
  stepSeconds: { Stop: 0, Backup: 0, DoUpgrade: 0 }
})

// The RegionId each instance was asked with, from the emulator's log.
const regionsAsked = (emulator: Emulator.Handle): Record<string, Array<string>> => {
  const asked: Record<string, Array<string>> = {}
  for (const entry of emulator.requests()) {
    if (entry.instanceId === undefined) continue
    const region = new URLSearchParams(entry.query).get("RegionId") ?? ""
    asked[entry.instanceId] = [...new Set([...(asked[entry.instanceId] ?? []), region])]
  }
  return asked
}

const lines = (stdout: string): Array<{ instanceId: string; poll: number; state: string }> =>
  stdout
    .trimEnd()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line))

describe("holo-upgrade watch, a fleet", () => {
  it("asks about an instance listed twice once per round, and says so with -v", () => {
    // The emulator's clock moves 100 scenario seconds per request, so the upgrade plays out over a known number of
    // polls however slowly the command starts.
    const origin = Date.now()
    let answered = 0
    return withEmulator(
      {
        specs: [{ id: "hgwf-twice", scenario: "hot-upgrade", prepareSeconds: 200, stepSeconds: { DoUpgrade: 300 } }],
        timeScale: 1000,
        now: () => origin + answered * 100,
        onRequest: () => {
          answered += 1
        }
      },
      async (emulator) => {
        const result = await run(
          [
            "watch",
            "hgwf-twice",
            "hgwf-twice",
            "--endpoint",
            emulator.url,
            "-r",
            "cn-hangzhou",
            "--interval",
            "100ms"
          ].concat(["-o", "ndjson", "-v"]),
          { home }
        )
        assert.strictEqual(result.code, 0, result.stderr)
        assert.include(result.stderr, "1 duplicate instance skipped")
        const seen = lines(result.stdout)
        assert.isAbove(seen.length, 2)
        // One line per poll, numbered 1, 2, 3...: a second copy of the instance would repeat each number.
        assert.deepStrictEqual(
          seen.map((line) => line.poll),
          seen.map((_, index) => index + 1)
        )
        assert.strictEqual(seen[seen.length - 1]!.state, "succeeded")
        assert.strictEqual(emulator.requests().length, seen.length)
      }
    )
  })

  it("reads a CSV list from stdin with --from-file -: regions mixed, header and comments skipped, order kept", () =>
    withEmulator({ specs: [done("hgwf-a"), done("hgwf-b"), done("hgwf-c")] }, async (emulator) => {
      const csv = ["instanceId,regionId", "hgwf-a,cn-shanghai", "# the default region", "hgwf-b", "hgwf-a,cn-shanghai"]
      const result = await run(
        ["watch", "hgwf-c", "--from-file", "-", "--endpoint", emulator.url, "-r", "cn-hangzhou", "-o", "json"],
        { home, input: `${csv.join("\n")}\n` }
      )
      assert.strictEqual(result.code, 0, result.stderr)
      const reports = JSON.parse(result.stdout).reports as Array<Record<string, unknown>>
      assert.deepStrictEqual(
        reports.map((report) => [report.instanceId, report.regionId, report.state]),
        [
          ["hgwf-c", "cn-hangzhou", "succeeded"],
          ["hgwf-a", "cn-shanghai", "succeeded"],
          ["hgwf-b", "cn-hangzhou", "succeeded"]
        ]
      )
      assert.deepStrictEqual(regionsAsked(emulator), {
        "hgwf-c": ["cn-hangzhou"],
        "hgwf-a": ["cn-shanghai"],
        "hgwf-b": ["cn-hangzhou"]
      })
      // Each was decided at its first answer, and the duplicate line was not asked about again.
      assert.strictEqual(emulator.requests().length, 3)
    }))

  it("refuses a malformed list file, or no instance at all, before any request (exit 2)", () =>
    withEmulator({ specs: [done("hgwf-file")] }, async (emulator) => {
      const file = join(home, "watch-list.csv")
      writeFileSync(file, "hgwf-file\nhgwf-file,Not A Region\n")
      const malformed = await run(["watch", "--from-file", file, "--endpoint", emulator.url, "-r", "cn-hangzhou"], {
        home
      })
      assert.strictEqual(malformed.code, 2, malformed.stderr)
      assert.include(malformed.stderr, `${file}:2`)
      const none = await run(["watch", "--endpoint", emulator.url, "-r", "cn-hangzhou"], { home })
      assert.strictEqual(none.code, 2, none.stderr)
      assert.include(none.stderr, "Name instances: INSTANCE_ID arguments, or --from-file FILE")
      const zero = await run(["watch", "hgwf-file", "--qps", "0", "--endpoint", emulator.url, "-r", "cn-hangzhou"], {
        home
      })
      assert.strictEqual(zero.code, 2, zero.stderr)
      assert.include(zero.stderr, "--qps must be a positive number")
      assert.strictEqual(emulator.requests().length, 0)
    }))

  // The limit is set below the emulator's quota of 4, as in the status test, so a late timer on a loaded machine
  // bunching two requests cannot read as a limiter fault.
  it("--qps keeps every second of polls at the emulator within the quota, and none is throttled", () => {
    const ids = Array.from({ length: 8 }, (_, index) => `hgwf-q${index + 1}`)
    return withEmulator(
      {
        specs: ids.map(done),
        qps: 4
      },
      async (emulator) => {
        const result = await run(
          ["watch", ...ids, "--endpoint", emulator.url, "-r", "cn-hangzhou", "--qps", "3", "--concurrency", "8"],
          { home }
        )
        assert.strictEqual(result.code, 0, result.stderr)
        const log = emulator.requests()
        assert.deepStrictEqual(
          log.filter((entry) => entry.code !== undefined).map((entry) => entry.code),
          []
        )
        const times = log.map((entry) => Date.parse(entry.time)).sort((a, b) => a - b)
        assert.strictEqual(times.length, ids.length)
        // Arrival times carry some jitter from this (busy) test process, so windows are counted 100 ms short.
        const most = Math.max(
          ...times.map((time) => times.filter((other) => other >= time && other < time + 900).length)
        )
        assert.isAtMost(most, 4)
        // n requests at three a second take at least n - 1 spacings of a third of a second.
        assert.isAtLeast(times[times.length - 1]! - times[0]!, (times.length - 1) * 330)
      }
    )
  })
})
