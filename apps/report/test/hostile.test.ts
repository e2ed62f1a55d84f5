import { rmSync } from "node:fs"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { UpgradeStatus } from "@holo-upgrade/core"
import { type Emulator, startEmulator } from "@holo-upgrade/emulator"
import { Effect, Either } from "effect"
import * as fc from "fast-check"
import { parse as parseYaml } from "yaml"
import { answerValue, runs } from "../../../packages/core/test/support/Fuzz.ts"
import * as Output from "../src/Output.ts"
import * as Report from "../src/Report.ts"
import { homeWith } from "./homes.ts"
import { demoEnv, emptyHome, run } from "./spawn.ts"

// Input chosen to break the command: regions that would change the host, instance ids that would change the path,
// endpoints that expose the key, broken credential files, and answers full of terminal control sequences.

const home = emptyHome()
let emulator: Emulator.Handle

/** Ids with every character that means something in a URL path, or in a terminal. */
const hostileIds = [
  "hg/with/slashes",
  "hg-..-dots",
  "..hg",
  "hg with spaces",
  "hg%2Fencoded",
  "hg#fragment",
  "hg?query=1",
  "hg-ünïcødé-实例",
  "hg+plus&amp;=x"
] as const

beforeAll(async () => {
  emulator = await startEmulator({ specs: hostileIds.map((id) => ({ id, scenario: "hot-upgrade" })) })
})
afterAll(async () => {
  await emulator.close()
  rmSync(home, { recursive: true, force: true })
})

const endpoint = () => ["--endpoint", emulator.url]

/** Runs several commands at once and checks that the emulator saw none of their requests. */
const runSilently = async (
  runs: ReadonlyArray<readonly [ReadonlyArray<string>, { home?: string; env?: Record<string, string>; input?: string }]>
) => {
  const before = emulator.requests().length
  const results = await Promise.all(runs.map(([args, options]) => run(args, { home, ...options })))
  assert.strictEqual(emulator.requests().length, before, "requests sent")
  return results
}

describe("hostile regions", () => {
  const regions = [
    "cn-hangzhou.attacker.example",
    "cn-hangzhou/..",
    "CN-HANGZHOU",
    "cn-hängzhou",
    "cn-hangzhou:443",
    ""
  ]

  it("as --region or in --from-file, are usage errors (exit 2) before any request", async () => {
    const results = await runSilently([
      ...regions.map((region) => [["status", "hg-1", ...endpoint(), "--region", region], {}] as const),
      ...regions.slice(0, 3).map((region) => [["watch", "hg-1", ...endpoint(), "--region", region], {}] as const),
      [["status", "--from-file", "-", ...endpoint()], { input: `hg-1,cn-hangzhou\nhg-2,${regions[0]}\n` }],
      [["watch", "--from-file", "-", ...endpoint(), "-r", "cn-hangzhou"], { input: `hg-1,${regions[1]}\n` }]
    ])
    for (const result of results) {
      assert.strictEqual(result.code, 2, result.stderr)
      assert.match(result.stderr, /is not (a region id|valid)/)
      assert.strictEqual(result.stdout, "")
    }
    assert.include(results.at(-2)!.stderr, "stdin:2")
  })

  it("from the environment or a profile, are configuration errors (exit 3) naming where they came from", async () => {
    const profile = homeWith({
      ".aliyun/config.json": JSON.stringify({
        current: "p",
        profiles: [{ name: "p", mode: "AK", access_key_id: "a", access_key_secret: "b", region_id: regions[1] }]
      })
    })
    const results = await runSilently([
      [["status", "hg-1", ...endpoint()], { env: { ...demoEnv, ALIBABA_CLOUD_REGION_ID: regions[0]! } }],
      [["watch", "hg-1", ...endpoint()], { env: { ...demoEnv, ALIBABA_CLOUD_REGION_ID: regions[2]! } }],
      [["status", "hg-1", ...endpoint()], { home: profile, env: {} }],
      [["config", "show"], { env: { ...demoEnv, ALIBABA_CLOUD_REGION_ID: regions[0]! } }]
    ])
    for (const result of results) assert.strictEqual(result.code, 3, result.stderr)
    assert.include(results[0]!.stderr, `"${regions[0]}" from ALIBABA_CLOUD_REGION_ID is not a region id`)
    assert.include(results[1]!.stderr, `"${regions[2]}" from ALIBABA_CLOUD_REGION_ID is not a region id`)
    assert.include(results[2]!.stderr, `"${regions[1]}" from profile "p" (AK) in ${profile}/.aliyun/config.json`)
    rmSync(profile, { recursive: true, force: true })
  })
})

describe("hostile instance ids", () => {
  it("travel as one encoded path segment, signed correctly: the emulator accepts them and reads them back", async () => {
    const result = await run(["status", ...hostileIds, ...endpoint(), "-r", "cn-hangzhou", "-o", "json"], { home })
    assert.strictEqual(result.code, 0, result.stderr)
    assert.notInclude(result.stderr, "warning")
    const reports = JSON.parse(result.stdout).reports as ReadonlyArray<{ instanceId: string; state: string }>
    assert.deepStrictEqual(
      reports.map((report) => [report.instanceId, report.state]),
      hostileIds.map((id) => [id, "preparing"])
    )
    for (const id of hostileIds) {
      const seen = emulator.requests().filter((entry) => entry.instanceId === id)
      assert.strictEqual(seen.length, 1, id)
      assert.strictEqual(seen[0]!.verdict, "valid", id)
      assert.strictEqual(seen[0]!.status, 200, id)
      assert.match(seen[0]!.path, /^\/api\/v1\/instances\/[A-Za-z0-9%._~-]+\/upgrade\/status$/, id)
    }
  })

  it("that cannot be a path segment, or look like options, are usage errors before any request", async () => {
    const results = await runSilently([
      [["status", "..", ...endpoint(), "-r", "cn-hangzhou"], {}],
      [["status", ".", ...endpoint(), "-r", "cn-hangzhou"], {}],
      [["status", "--from-file", "-", ...endpoint(), "-r", "cn-hangzhou"], { input: "hg-1\n..\n" }],
      [["watch", "hg-1", "--evil", ...endpoint(), "-r", "cn-hangzhou"], {}]
    ])
    for (const result of results) assert.strictEqual(result.code, 2, result.stderr)
  })
})

describe("hostile endpoints", () => {
  const exposed = "http://192.0.2.10:8080"

  it("plain http to another machine is warned about, before anything is sent (here: nothing is, without credentials)", async () => {
    const results = await runSilently([
      [["status", "hg-1", "--endpoint", exposed, "-r", "cn-hangzhou"], { env: {} }],
      [["watch", "hg-1", "--endpoint", exposed, "-r", "cn-hangzhou"], { env: {} }],
      [["config", "show", "--endpoint", exposed, "-r", "cn-hangzhou"], { env: demoEnv }],
      [["config", "show", "--endpoint", "https://hologram.{regionId}.example.com", "-r", "cn-hangzhou"], {}],
      [["config", "show", "--endpoint", "http://localhost:8080", "-r", "cn-hangzhou"], {}]
    ])
    const warning = `warning: The endpoint ${exposed} is plain http to a host other than this machine`
    assert.deepStrictEqual(
      results.map((result) => result.code),
      [3, 3, 0, 0, 0]
    )
    for (const result of results.slice(0, 3)) assert.include(result.stderr, warning)
    for (const result of results.slice(3)) assert.notInclude(result.stderr, "warning")
  })

  it("a password in an endpoint is never repeated", async () => {
    const withPassword = "http://ops:CANARY-endpoint-password@192.0.2.10:3128"
    const results = await runSilently([
      [["config", "show", "--endpoint", withPassword, "-r", "cn-hangzhou"], {}],
      [["config", "show", "--endpoint", withPassword, "-r", "cn-hangzhou", "-o", "json"], {}],
      [["status", "hg-1", "--endpoint", withPassword, "-r", "cn-hangzhou"], {}]
    ])
    for (const result of results) {
      assert.strictEqual(result.code, 3, result.stderr)
      assert.include(result.stderr, "must not carry a user or password")
      assert.notInclude(result.stdout + result.stderr, "CANARY-endpoint-password")
    }
  })
})

describe("hostile credentials", () => {
  it("a key with surrounding whitespace or an invisible character is named, never quoted; one no header can carry is refused", async () => {
    const secret = "CANARY-hostile-secret-0b1c"
    // The refused key first and alone, so that no other run's request is counted against it.
    const [unsendable] = await runSilently([
      [
        ["status", hostileIds[1], ...endpoint(), "-r", "cn-hangzhou"],
        { env: { ...demoEnv, ALIBABA_CLOUD_ACCESS_KEY_ID: "holo-demo-key\u200B" } }
      ]
    ])
    const [spaced, invisible] = await Promise.all(
      [` ${secret}\t`, `${secret}\u200B`].map((pasted) =>
        run(["status", hostileIds[1], ...endpoint(), "-r", "cn-hangzhou"], {
          home,
          env: { ...demoEnv, ALIBABA_CLOUD_ACCESS_KEY_SECRET: pasted }
        })
      )
    )
    if (spaced === undefined || invisible === undefined || unsendable === undefined)
      return assert.fail("a run is missing")
    assert.strictEqual(spaced.code, 4, spaced.stderr)
    assert.include(spaced.stderr, "warning: AccessKey secret has leading or trailing whitespace (from environment")
    assert.strictEqual(invisible.code, 4, invisible.stderr)
    assert.include(invisible.stderr, "warning: AccessKey secret contains an invisible (zero-width) character")
    assert.strictEqual(unsendable.code, 3, unsendable.stderr)
    assert.include(unsendable.stderr, "AccessKey ID contains an invisible (zero-width) character")
    for (const result of [spaced, invisible, unsendable]) assert.notInclude(result.stdout + result.stderr, secret)
  })

  it("a missing profile, an unsupported mode and a broken file are configuration errors (exit 3) naming the file", async () => {
    const unsupported = homeWith({
      ".aliyun/config.json": JSON.stringify({ current: "role", profiles: [{ name: "role", mode: "RamRoleArn" }] })
    })
    const brokenIni = homeWith({ ".alibabacloud/credentials": "[default]\naccess_key_id = a\nnot a pair\n" })
    const brokenJson = homeWith({ ".aliyun/config.json": '{"profiles": [\n  {"name": "x",}\n' })
    const results = await runSilently([
      [["status", "hg-1", ...endpoint(), "-r", "cn-hangzhou", "--profile", "nope"], { env: {} }],
      [["status", "hg-1", ...endpoint(), "-r", "cn-hangzhou"], { env: { ALIBABA_CLOUD_PROFILE: "nope" } }],
      [["status", "hg-1", ...endpoint(), "-r", "cn-hangzhou"], { home: unsupported, env: {} }],
      [["watch", "hg-1", ...endpoint(), "-r", "cn-hangzhou"], { home: brokenIni, env: {} }],
      [["status", "hg-1", ...endpoint(), "-r", "cn-hangzhou"], { home: brokenJson, env: {} }]
    ])
    for (const result of results) assert.strictEqual(result.code, 3, result.stderr)
    for (const result of results.slice(0, 2)) {
      assert.include(result.stderr, 'Profile "nope" was not found')
      assert.include(result.stderr, `${home}/.aliyun/config.json`)
      assert.include(result.stderr, `${home}/.alibabacloud/credentials`)
    }
    assert.include(results[2]!.stderr, `uses mode RamRoleArn`)
    assert.include(results[2]!.stderr, `${unsupported}/.aliyun/config.json`)
    assert.include(results[3]!.stderr, `${brokenIni}/.alibabacloud/credentials:3`)
    assert.include(results[4]!.stderr, `${brokenJson}/.aliyun/config.json:2 is not valid JSON`)
    for (const dir of [unsupported, brokenIni, brokenJson]) rmSync(dir, { recursive: true, force: true })
  })
})

describe("hostile answers", () => {
  const reportOf = (text: string) =>
    Effect.runSync(
      Either.match(UpgradeStatus.decodeBodyWithRepairs(text), {
        onLeft: (error) => Effect.succeed(Report.fromError(error)),
        onRight: ({ repairs, response }) => Report.fromResponse(response, { instanceId: "hg-1" }, repairs)
      })
    )

  // What a terminal would act on: escape and control sequences, and the marks that reorder a line.
  const terminalControl = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

  it("every format renders any answer; the machine formats parse, and nothing the API sent can steer a terminal", () => {
    fc.assert(
      fc.property(answerValue, (value) => {
        const reports = [reportOf(JSON.stringify(value, (_key, item) => (typeof item === "bigint" ? `${item}` : item)))]
        const json = JSON.parse(Output.render(reports, "json"))
        assert.strictEqual(json.reports.length, 1)
        for (const line of Output.render(reports, "ndjson").trimEnd().split("\n")) JSON.parse(line)
        assert.deepStrictEqual(parseYaml(Output.render(reports, "yaml")), json)
        const html = Output.render(reports, "html")
        // No element or event handler from the API: escaped as text, `<img onerror=` stays `&lt;img onerror=`.
        assert.notMatch(html, /<(script|img|iframe)\b|<[a-z][^>]*\son\w+\s*=/i)
        for (const format of ["table", "markdown"] as const) {
          const text = Output.render(reports, format)
          assert.notMatch(text, terminalControl, `${format}: ${JSON.stringify(text.match(terminalControl)?.[0])}`)
        }
      }),
      { numRuns: runs(150) }
    )
  })

  it("control sequences in an answer reach neither stdout nor stderr of the command", async () => {
    const details = {
      StatusCode: "Failed\u001b[2J\u001b]0;owned\u0007",
      Instances: {
        LeaderInstanceId: "hg\u001b[31m",
        LeaderInstanceName: "line\r\nholo-upgrade: all fine",
        LeaderInstanceStatus: "Down\u202Egnin"
      }
    }
    const body = JSON.stringify({
      RequestId: "r\u009b1m",
      Success: true,
      Data: [{ Status: "upgrading\u001b[1A", FromVersion: "a\u0008b", Details: JSON.stringify(details) }]
    })
    for (const format of ["table", "markdown"]) {
      const result = await run(["render", "-", "-o", format], { home, input: body })
      assert.strictEqual(result.code, 1, result.stderr)
      assert.notMatch(result.stdout, terminalControl, format)
      assert.notMatch(result.stderr, terminalControl, format)
      assert.include(result.stdout, "holo-upgrade: all fine", "the text itself is kept")
    }
  })

  it("a million levels of nesting, a 50 MB string and an endless stdin end in a report, never a crash", async () => {
    const deep = `{"Success":true,"Data":${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}}`
    const deepDetails = JSON.stringify({
      Success: true,
      Data: [{ Status: "upgrading", Details: "[".repeat(1_000_000) }]
    })
    const [nested, inDetails, long, endless] = await Promise.all([
      run(["render", "-", "-o", "json"], { home, input: deep }),
      run(["render", "-", "-o", "json"], { home, input: deepDetails }),
      run(["render", "-", "-o", "json"], { home, input: `{"Success":true,"RequestId":"${"x".repeat(50_000_000)}"}` }),
      run(["render", "-", "-o", "json"], { home, input: " ".repeat(64 * 1024 * 1024 + 1) })
    ])
    assert.deepStrictEqual(
      [nested, inDetails, long, endless].map((result) => result.code),
      [4, 0, 4, 4]
    )
    for (const result of [nested, inDetails, long, endless]) JSON.parse(result.stdout)
    assert.include(nested.stderr, "deeper than")
    assert.include(long.stderr, "more than the 16777216 accepted")
    assert.include(endless.stderr, "more than 67108864 bytes")
    assert.include(JSON.parse(inDetails.stdout).reports[0].records[0].issues[0].message, "unreadable")
  })
})
