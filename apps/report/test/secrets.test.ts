import { randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { AccessKey, type Emulator, startEmulator } from "@holo-upgrade/emulator"
import type { Run } from "./cli.ts"
import { fixture } from "./cli.ts"
import { homeWith as withFiles } from "./homes.ts"
import { rolledBack, run } from "./spawn.ts"

// One canary AccessKey secret and one canary STS token, given through every source the command reads (environment,
// the CLI's config.json, the INI file), then every command and failure path run with them: the canaries must appear
// nowhere a person or a program could read them. `emulator` and `demo` read no credentials of the user's (the demo
// signs with the emulator's public demo key), so they are not run here.

const fresh = (label: string) => `CANARY-${label}-${randomBytes(12).toString("hex")}`
const secret = fresh("SECRET")
// Tokens carry characters that JSON writers and URL encoders change: the spellings must be caught too.
const token = `${fresh("STS")}/sts+token/${randomBytes(6).toString("base64")}==`
const wrongSecret = fresh("WRONG")
const canaries = [secret, token, wrongSecret]

/** Every spelling of a canary that would still give it away: as is, JSON-escaped, percent-encoded, base64. */
const spellings = (value: string): ReadonlyArray<string> => [
  value,
  JSON.stringify(value).slice(1, -1).replaceAll("/", "\\/"),
  encodeURIComponent(value),
  Buffer.from(value).toString("base64").slice(0, 24),
  // Enough of the start to recognise it, should an excerpt cut it off.
  value.slice(0, 20)
]

const stsKey = AccessKey.make("LTAIcanarySts", secret, token)
const plainKey = AccessKey.make("LTAIcanaryPlain", secret)

const ids = {
  running: "hgsecret-running",
  rolledBack: "hgsecret-rollback",
  throttled: "hgsecret-throttled",
  html502: "hgsecret-html",
  truncated: "hgsecret-truncated",
  forbidden: "hgsecret-forbidden",
  replayed: "hgsecret-replayed"
} as const
const hugePage = "hgsecret-huge"

let emulator: Emulator.Handle
const homes: Array<string> = []
const outDir = mkdtempSync(join(tmpdir(), "holo-upgrade-secrets-out-"))

beforeAll(async () => {
  emulator = await startEmulator({
    keys: [stsKey, plainKey],
    specs: [
      { id: ids.running, scenario: "hot-upgrade" },
      rolledBack(ids.rolledBack),
      { id: ids.throttled, scenario: "hot-upgrade", faults: [{ kind: "throttle", count: 2, retryAfterMs: 1 }] },
      { id: ids.html502, scenario: "hot-upgrade", faults: [{ kind: "html-502" }] },
      { id: ids.truncated, scenario: "truncated-details", faults: [{ kind: "truncated-body", count: 1 }] },
      { id: ids.forbidden, scenario: "hot-upgrade", faults: [{ kind: "forbidden" }] },
      { id: ids.replayed, scenario: "vendor-example", faults: [{ kind: "replay", count: 1 }] },
      { id: hugePage, scenario: "hot-upgrade", faults: [{ kind: "huge-body", status: 502, bytes: 9 * 1024 * 1024 }] }
    ]
  })
})
afterAll(async () => {
  await emulator.close()
  for (const home of [...homes, outDir]) rmSync(home, { recursive: true, force: true })
})

/** A home directory holding the given files, removed after the tests. */
const homeWith = (files: Readonly<Record<string, string>>): string => {
  const home = withFiles(files)
  homes.push(home)
  return home
}

const cliConfig = (profile: Record<string, unknown>) =>
  JSON.stringify({ current: "canary", profiles: [{ name: "canary", region_id: "cn-hangzhou", ...profile }] }, null, 2)

/** One way of giving the command its key: a home directory and environment variables. */
interface Source {
  readonly name: string
  readonly home: string
  readonly env: Readonly<Record<string, string>>
}

const envSource = (accessKeySecret: string, accessKeyId = stsKey.accessKeyId): Source => ({
  name: "environment",
  home: homeWith({}),
  env: {
    ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: token,
    ALIBABA_CLOUD_REGION_ID: "cn-hangzhou"
  }
})

/** A run to make: its arguments, its source, the exit code it must end with, the files it writes. */
interface Step {
  readonly args: ReadonlyArray<string>
  readonly source: Source
  readonly code: number
  readonly out?: string
}

describe("secrets", () => {
  it("no command or failure path shows the canary secret or token: stdout, stderr, --out files, the request log", async () => {
    const sources: ReadonlyArray<Source> = [
      envSource(secret),
      {
        name: "CLI profile",
        home: homeWith({
          ".aliyun/config.json": cliConfig({
            mode: "StsToken",
            access_key_id: stsKey.accessKeyId,
            access_key_secret: secret,
            sts_token: token
          })
        }),
        env: {}
      },
      {
        name: "INI file",
        home: homeWith({
          ".alibabacloud/credentials": `[default]\naccess_key_id = ${plainKey.accessKeyId}\naccess_key_secret = ${secret}\nregion_id = cn-hangzhou\n`
        }),
        env: {}
      }
    ]
    const wrong = envSource(wrongSecret)
    const failing: ReadonlyArray<readonly [Source, number]> = [
      // Broken files, each holding the canaries right where the parser stops.
      [
        {
          name: "broken config.json",
          home: homeWith({
            ".aliyun/config.json": `{"profiles": [{"access_key_secret": "${secret}" "sts_token": "${token}"}]}`
          }),
          env: {}
        },
        3
      ],
      [
        {
          name: "broken INI",
          home: homeWith({ ".alibabacloud/credentials": `[default]\naccess_key_id = x\n${secret}\n${token}\n` }),
          env: {}
        },
        3
      ],
      [
        {
          name: "unsupported profile mode",
          home: homeWith({
            ".aliyun/config.json": cliConfig({ mode: "RamRoleArn", access_key_secret: secret, sts_token: token })
          }),
          env: {}
        },
        3
      ],
      [{ name: "a profile that is not there", home: homeWith({}), env: { ALIBABA_CLOUD_PROFILE: "absent" } }, 3],
      [{ ...envSource(secret), env: { ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret } }, 3],
      [envSource(`${secret}\u200B`, `${stsKey.accessKeyId}\u200B`), 3],
      // A secret pasted with an invisible character: a warning, then the gateway's refusal.
      [envSource(`\u200B${secret}`), 4]
    ]
    const endpoint = ["--endpoint", emulator.url]
    const out = (name: string) => join(outDir, name)
    const steps: Array<Step> = []
    const fleet = Object.values(ids)
    const written = (source: Source, args: ReadonlyArray<string>, code: number, name: string): Step => ({
      args: [...args, "--out", out(name)],
      source,
      code,
      out: out(name)
    })
    // Through every source: a fleet with every kind of answer, with --debug, and config show.
    for (const [index, source] of sources.entries()) {
      steps.push(
        { args: ["status", ...fleet, ...endpoint, "--debug", "-o", "json"], source, code: 1 },
        written(source, ["config", "show", "-o", "json", "-v"], 0, `${index}-config.json`)
      )
    }
    // Through one source: every other format, watch, the table of config show, render, a huge error page.
    const [env] = sources as [Source]
    for (const format of ["table", "ndjson", "yaml", "markdown", "html"] as const) {
      steps.push(written(env, ["status", ...fleet, ...endpoint, "-o", format], 1, `fleet.${format}`))
    }
    steps.push(
      { args: ["watch", ids.rolledBack, ...endpoint, "--debug", "-o", "ndjson"], source: env, code: 1 },
      { args: ["watch", ids.html502, ...endpoint, "--timeout", "1s", "--interval", "500ms"], source: env, code: 5 },
      { args: ["config", "show", "--debug"], source: env, code: 0 },
      { args: ["render", fixture("vendor-example-response.json"), "--debug", "-o", "html"], source: env, code: 1 },
      { args: ["status", hugePage, ...endpoint, "--debug", "-o", "json"], source: env, code: 4 }
    )
    // A wrong secret beside the token: the gateway's refusal quotes the token back.
    steps.push(
      { args: ["status", ids.running, ...endpoint, "--debug", "-o", "json"], source: wrong, code: 4 },
      { args: ["status", ids.running, ...endpoint, "-o", "yaml"], source: wrong, code: 4 },
      written(wrong, ["status", ids.running, ...endpoint, "-o", "html"], 4, "wrong.html"),
      written(wrong, ["status", ids.running, ...endpoint, "-o", "markdown"], 4, "wrong.md"),
      { args: ["watch", ids.running, ...endpoint, "--debug", "--timeout", "2s"], source: wrong, code: 4 }
    )
    // Credentials that are broken, partial or refused; config show reads them too.
    for (const [source, code] of failing) {
      steps.push({ args: ["status", ids.running, ...endpoint, "--debug", "-o", "json"], source, code })
    }
    steps.push({ args: ["config", "show", "-o", "json"], source: failing[0]![0], code: 3 })

    const results: Array<readonly [Step, Run]> = []
    // A few at a time: each is a process of its own, answered by the emulator in this one.
    for (let at = 0; at < steps.length; at += 4) {
      const batch = steps.slice(at, at + 4)
      const runs = await Promise.all(
        batch.map((step) => run(step.args, { home: step.source.home, env: step.source.env }))
      )
      results.push(...batch.map((step, index) => [step, runs[index]!] as const))
    }

    const leaks: Array<string> = []
    const look = (where: string, text: string) => {
      for (const canary of canaries) {
        for (const spelling of spellings(canary)) if (text.includes(spelling)) leaks.push(`${where}: ${spelling}`)
      }
    }
    for (const [step, result] of results) {
      const where = `${step.source.name}: holo-upgrade ${step.args.join(" ")}`
      assert.strictEqual(result.code, step.code, `${where}\n${result.stderr}`)
      look(`${where} (stdout)`, result.stdout)
      look(`${where} (stderr)`, result.stderr)
      if (step.out !== undefined) look(`${where} (${step.out})`, readFileSync(step.out, "utf8"))
    }
    look("the emulator's request log", JSON.stringify(emulator.requests()))
    assert.deepStrictEqual(leaks, [])

    // The paths ran as intended: the signature failure and the broken files said what they were.
    const stderrOf = (match: (step: Step) => boolean) =>
      results
        .filter(([step]) => match(step))
        .map(([, result]) => result.stderr)
        .join("\n")
    assert.include(
      stderrOf((step) => step.source === wrong),
      "SignatureDoesNotMatch"
    )
    assert.include(
      stderrOf((step) => step.source.name === "broken INI"),
      "credentials:3"
    )
    assert.include(
      stderrOf((step) => step.source.name === "broken config.json"),
      "config.json:1 is not valid JSON"
    )
    assert.include(
      stderrOf((step) => step.args.includes("--debug")),
      "debug: attempt 1 GET"
    )
  })
})
