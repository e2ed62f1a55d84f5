import { rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { type Emulator, startEmulator } from "@holo-upgrade/emulator"
import { emptyHome, rolledBack, run, start, untilStdout } from "./spawn.ts"

// Fleets against the emulator on loopback: ids from arguments, a file and stdin, mixed regions, failing instances,
// NDJSON streaming, the --qps limit counted at the emulator, and Ctrl-C.

const home = emptyHome()
let emulator: Emulator.Handle

const ids = {
  none: ["hgfleet-none-1", "hgfleet-none-2", "hgfleet-none-3"],
  rolledBack: "hgfleet-rollback",
  hang: "hgfleet-hang",
  missing: "hgfleet-missing"
} as const

beforeAll(async () => {
  emulator = await startEmulator({
    specs: [
      ...ids.none.map((id) => ({ id, scenario: "no-record" })),
      rolledBack(ids.rolledBack),
      { id: ids.hang, scenario: "no-record", faults: [{ kind: "hang" }] }
    ]
  })
})
afterAll(async () => {
  await emulator.close()
  rmSync(home, { recursive: true, force: true })
})

const endpoint = () => ["--endpoint", emulator.url]

// The RegionId each instance was asked with, from the emulator's log.
const regionsAsked = (since: number): Record<string, string> =>
  Object.fromEntries(
    emulator
      .requests()
      .filter((entry) => entry.seq > since && entry.instanceId !== undefined)
      .map((entry) => [entry.instanceId!, new URLSearchParams(entry.query).get("RegionId") ?? ""])
  )

const lastSeq = () => emulator.requests().at(-1)?.seq ?? 0

const fleetCsv = [
  "instanceId,regionId",
  `${ids.none[1]},cn-shanghai`,
  "# a comment, then an instance in the default region",
  ids.none[2],
  `${ids.missing},cn-beijing`,
  `${ids.rolledBack},cn-shenzhen`,
  ""
].join("\n")

describe("holo-upgrade status, a fleet", () => {
  it("mixes arguments, a CSV file and regions; a missing instance is its own row and JSON stays parseable", async () => {
    const file = join(home, "fleet.csv")
    writeFileSync(file, fleetCsv)
    const since = lastSeq()
    const result = await run(
      ["status", ids.none[0], "--from-file", file, ...endpoint(), "-r", "cn-hangzhou", "-o", "json"],
      {
        home
      }
    )
    assert.strictEqual(result.code, 1, result.stderr)
    const document = JSON.parse(result.stdout)
    const rows = document.reports.map((report: Record<string, unknown>) => [
      report.instanceId,
      report.regionId,
      report.state
    ])
    assert.deepStrictEqual(rows, [
      [ids.none[0], "cn-hangzhou", "no-record"],
      [ids.none[1], "cn-shanghai", "no-record"],
      [ids.none[2], "cn-hangzhou", "no-record"],
      [ids.missing, "cn-beijing", "unknown"],
      [ids.rolledBack, "cn-shenzhen", "rolled-back"]
    ])
    assert.strictEqual(document.reports[3].errorCode, "InvalidInstanceId.NotFound")
    assert.deepStrictEqual(regionsAsked(since), {
      [ids.none[0]]: "cn-hangzhou",
      [ids.none[1]]: "cn-shanghai",
      [ids.none[2]]: "cn-hangzhou",
      [ids.missing]: "cn-beijing",
      [ids.rolledBack]: "cn-shenzhen"
    })
    assert.include(result.stderr, `holo-upgrade: ${ids.missing}: `)
    assert.notInclude(result.stdout, "holo-upgrade:")
  })

  it("reads the list from stdin with --from-file -, and the table starts with the summary", async () => {
    const result = await run(["status", "--from-file", "-", ...endpoint(), "-r", "cn-hangzhou"], {
      home,
      input: fleetCsv
    })
    assert.strictEqual(result.code, 1, result.stderr)
    const lines = result.stdout.split("\n")
    assert.match(lines[0]!, /^Summary +4 instances in 4 regions: 1 ROLLED BACK · 1 CALL FAILED · 2 NO RECORD$/)
    assert.match(lines[1]!, /^Attention 2 of 4$/)
    assert.match(lines[2]!, new RegExp(`^ +${ids.rolledBack} +cn-shenzhen +ROLLED BACK `))
    assert.match(lines[3]!, new RegExp(`^ +${ids.missing} +cn-beijing +UNKNOWN +.*InvalidInstanceId\\.NotFound`))
    assert.include(result.stdout, `Instance ${ids.none[1]} · region cn-shanghai`)
    // Progress is for terminals: none in a pipe.
    assert.notInclude(result.stderr, "answered ·")
  })

  it("a list without a region for some instances and no default is a configuration error (exit 3)", async () => {
    const result = await run(["status", "--from-file", "-", ...endpoint()], { home, input: fleetCsv })
    assert.strictEqual(result.code, 3, result.stderr)
    assert.include(result.stderr, "No region for an instance")
    assert.strictEqual(result.stdout, "")
  })

  it("a malformed line is a usage error naming it (exit 2), before any request", async () => {
    const since = lastSeq()
    const result = await run(["status", "--from-file", "-", ...endpoint(), "-r", "cn-hangzhou"], {
      home,
      input: `${ids.none[0]}\n${ids.none[1]},Not A Region\n`
    })
    assert.strictEqual(result.code, 2, result.stderr)
    assert.include(result.stderr, "stdin:2")
    assert.strictEqual(lastSeq(), since)
  })

  it("ndjson streams each report as it completes; Ctrl-C then exits 130 with the last known state on stderr", async () => {
    const running = start(
      ["status", ...ids.none, ids.rolledBack, ids.hang, ...endpoint(), "-r", "cn-hangzhou", "-o", "ndjson"],
      { home }
    )
    // Four reports arrive while the fifth call still hangs: they were written as they completed.
    await untilStdout(running, (text) => text.split("\n").length > 4)
    running.child.kill("SIGINT")
    const result = await running.done
    assert.strictEqual(result.code, 130, result.stderr)
    const lines = result.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line))
    assert.sameMembers(
      lines.map((line) => line.instanceId),
      [...ids.none, ids.rolledBack]
    )
    assert.match(result.stderr, /interrupted after [\d.]+ (?:s|min): 4 of 5 instances answered; last known state:/)
    assert.include(result.stderr, "1 ROLLED BACK · 3 NO RECORD")
    assert.include(result.stderr, `cancelled while being asked: ${ids.hang}`)
  })
})

describe("holo-upgrade status --qps", () => {
  let limited: Emulator.Handle
  beforeAll(async () => {
    limited = await startEmulator({ scenario: "no-record", instances: 12, qps: 4 })
  })
  afterAll(() => limited.close())

  // The limit is set below the emulator's quota of 4: on a loaded machine a late first request bunches the next ones
  // together, and the margin keeps that from reading as a limiter fault.
  it("keeps every second of requests at the emulator within the quota, and none is throttled", async () => {
    const list = `${limited.instances().join("\n")}\n`
    const result = await run(
      [
        "status",
        "--from-file",
        "-",
        "--endpoint",
        limited.url,
        "-r",
        "cn-hangzhou",
        "--qps",
        "3",
        "--concurrency",
        "8"
      ],
      { home, input: list }
    )
    assert.strictEqual(result.code, 0, result.stderr)
    const log = limited.requests()
    assert.deepStrictEqual(
      log.filter((entry) => entry.code !== undefined).map((entry) => entry.code),
      []
    )
    const times = log.map((entry) => Date.parse(entry.time)).sort((a, b) => a - b)
    assert.strictEqual(times.length, 12)
    // Arrival times carry some jitter from this (busy) test process, so windows are counted 100 ms short of a second.
    const most = Math.max(...times.map((time) => times.filter((other) => other >= time && other < time + 900).length))
    assert.isAtMost(most, 4)
    // Twelve requests at three a second take at least eleven spacings of a third of a second.
    assert.isAtLeast(times[11]! - times[0]!, 3300)
  })
})

describe("holo-upgrade status into a closed pipe", () => {
  let slow: Emulator.Handle
  beforeAll(async () => {
    slow = await startEmulator({ scenario: "no-record", instances: 20, latencyMs: 50 })
  })
  afterAll(() => slow.close())

  it("stops quietly with 141 once its reader has gone, like a tool ended by SIGPIPE", async () => {
    const running = start(
      ["status", "--from-file", "-", "--endpoint", slow.url, "-r", "cn-hangzhou", "-o", "ndjson", "--concurrency", "1"],
      { home, input: `${slow.instances().join("\n")}\n` }
    )
    await untilStdout(running, (text) => text.includes("\n"))
    running.child.stdout!.destroy()
    const result = await running.done
    assert.strictEqual(result.code, 141, result.stderr)
    assert.notInclude(result.stderr, "EPIPE")
    assert.isBelow(slow.requests().length, 20, "it stopped asking once nobody read the answers")
  })
})
