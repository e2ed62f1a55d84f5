import { spawn, spawnSync } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { type Emulator, startEmulator } from "@holo-upgrade/emulator"
import { bundle } from "./cli.ts"
import { childEnv, demoEnv, emptyHome, rolledBack, run, shellQuote } from "./spawn.ts"

// The command's manners: colour rules, options in any order, --help, the global verbosity flags, config show.

const home = emptyHome()
let emulator: Emulator.Handle
const ids = ["hgcmd-rollback", "hgcmd-none"] as const

beforeAll(async () => {
  emulator = await startEmulator({
    specs: [rolledBack(ids[0]), { id: ids[1], scenario: "no-record" }]
  })
})
afterAll(async () => {
  await emulator.close()
  rmSync(home, { recursive: true, force: true })
})

const csi = "\u001b["

// `script` gives the child a pseudo-terminal for stdin, stdout and stderr, which it writes together.
const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0

const onTerminal = (args: ReadonlyArray<string>, env: Record<string, string>): Promise<string> => {
  const command = [process.execPath, bundle, ...args].map(shellQuote).join(" ")
  // Not spawnSync: the emulator answering the child runs in this process.
  const child = spawn("script", ["-qec", command, "/dev/null"], {
    env: childEnv(home, { ...demoEnv, ...env }),
    stdio: ["ignore", "pipe", "inherit"]
  })
  let output = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
  return new Promise((resolve, reject) => {
    child.on("error", reject)
    child.on("close", () => resolve(output))
  })
}

const statusArgs = () => ["status", ...ids, "--endpoint", emulator.url, "-r", "cn-hangzhou"]

describe("colour", () => {
  it.skipIf(!hasScript)(
    "on a terminal: colour and a progress line; none with NO_COLOR, TERM=dumb or --color never",
    async () => {
      const coloured = await onTerminal(statusArgs(), { TERM: "xterm-256color" })
      assert.include(coloured, `${csi}31m`)
      assert.include(coloured, "of 2 answered")
      const emptyNoColor = await onTerminal(statusArgs(), { TERM: "xterm-256color", NO_COLOR: "" })
      assert.include(emptyNoColor, `${csi}31m`)
      for (const [env, extra] of [
        [{ TERM: "xterm-256color", NO_COLOR: "1" }, []],
        [{ TERM: "dumb" }, []],
        [{ TERM: "xterm-256color" }, ["--color", "never"]]
      ] as const) {
        const plain = await onTerminal([...statusArgs(), ...extra], env)
        assert.include(plain, "ROLLED BACK")
        assert.notInclude(plain, `${csi}31m`, JSON.stringify(env))
        assert.notInclude(plain, `${csi}1m`, JSON.stringify(env))
      }
      const help = await onTerminal(["status", "--help"], { TERM: "xterm-256color" })
      assert.include(help, `${csi}0;1mOPTIONS`)
      assert.notInclude(help, "37;")
    }
  )

  it("in a pipe: no colour, unless --color always", async () => {
    const piped = await run(statusArgs(), { home })
    assert.strictEqual(piped.code, 1, piped.stderr)
    assert.notInclude(piped.stdout + piped.stderr, "\u001b")
    const forced = await run([...statusArgs(), "--color=always"], { home, env: { ...demoEnv, NO_COLOR: "1" } })
    assert.include(forced.stdout, `${csi}31m`)
    const help = await run(["status", "--help"], { home })
    assert.notInclude(help.stdout, "\u001b")
  })
})

describe("options", () => {
  it("work the same before, between and after the instance ids, global flags included", async () => {
    const orders = [
      ["status", "--endpoint", emulator.url, "-r", "cn-hangzhou", "-o", "json", "--concurrency", "1", ...ids],
      ["status", ...ids, "-o", "json", "--concurrency", "1", "-r", "cn-hangzhou", "--endpoint", emulator.url],
      [
        "-v",
        "status",
        ids[0],
        "--output=json",
        ids[1],
        "--endpoint",
        emulator.url,
        "--region",
        "cn-hangzhou",
        "--qps",
        "50"
      ],
      [
        "status",
        ids[0],
        "--color",
        "never",
        ids[1],
        "-o",
        "json",
        "--endpoint",
        emulator.url,
        "-r",
        "cn-hangzhou",
        "-v"
      ]
    ]
    const seen: Array<unknown> = []
    for (const args of orders) {
      const result = await run(args, { home })
      assert.strictEqual(result.code, 1, `${args.join(" ")}: ${result.stderr}`)
      const document = JSON.parse(result.stdout)
      seen.push(
        document.reports.map((report: Record<string, unknown>) => [report.instanceId, report.regionId, report.state])
      )
    }
    for (const rows of seen) assert.deepStrictEqual(rows, seen[0])
    assert.deepStrictEqual(seen[0], [
      [ids[0], "cn-hangzhou", "rolled-back"],
      [ids[1], "cn-hangzhou", "no-record"]
    ])
  })

  it("-q leaves only errors on stderr, -v says what is done, --debug every attempt; -q with -v is a usage error", async () => {
    const quiet = await run([...statusArgs(), "-q", "--from-file", "-"], { home, input: "hgcmd-missing\n" })
    assert.strictEqual(quiet.code, 1)
    assert.match(quiet.stderr, /^holo-upgrade: hgcmd-missing: .*InvalidInstanceId\.NotFound/m)
    assert.notInclude(quiet.stderr, "credentials from")
    const verbose = await run([...statusArgs(), "-v"], { home })
    assert.include(verbose.stderr, "holo-upgrade: credentials from environment (ALIBABA_CLOUD_ACCESS_KEY_ID)")
    assert.notInclude(verbose.stderr, "debug: attempt")
    const debug = await run(["--debug", ...statusArgs()], { home })
    assert.include(debug.stderr, "holo-upgrade: debug: attempt 1 GET")
    const both = await run([...statusArgs(), "-q", "-v"], { home })
    assert.strictEqual(both.code, 2)
    assert.include(both.stderr, "cannot be combined")
    assert.strictEqual(both.stdout, "")
  })

  it("a bad flag value is a usage error (exit 2) on stderr, with nothing on stdout", async () => {
    for (const args of [
      [...statusArgs(), "--concurrency", "0"],
      [...statusArgs(), "--qps", "0"],
      [...statusArgs(), "--color", "sometimes"],
      ["status", ids[0], "--bogus", "--endpoint", emulator.url, "-r", "cn-hangzhou"],
      ["watch", ids[0], "--bogus", "--endpoint", emulator.url, "-r", "cn-hangzhou"],
      ["status", "--endpoint", emulator.url, "-r", "cn-hangzhou"]
    ]) {
      const result = await run(args, { home })
      assert.strictEqual(result.code, 2, `${args.join(" ")}: ${result.stderr}`)
      assert.strictEqual(result.stdout, "")
      assert.notStrictEqual(result.stderr, "")
    }
  })
})

describe("--help", () => {
  it("lists the commands, the global flags and the exit codes, and none of the parser's built-ins", async () => {
    const result = await run(["--help"], { home })
    assert.strictEqual(result.code, 0)
    for (const name of ["render", "status", "watch", "config", "emulator"]) {
      assert.match(result.stdout, new RegExp(`^  ${name} +\\S`, "m"))
    }
    for (const code of ["0", "1", "2", "3", "4", "5", "70", "130"]) {
      assert.match(result.stdout, new RegExp(`^  ${code} +\\S`, "m"))
    }
    for (const builtIn of ["--wizard", "--completions", "--log-level"]) assert.notInclude(result.stdout, builtIn)
    const bare = await run([], { home })
    assert.strictEqual(bare.code, 2)
    assert.strictEqual(bare.stdout, "")
    assert.include(bare.stderr, "COMMANDS")
  })

  it("a command's help lists its own flags with their defaults, the global flags and the exit codes", async () => {
    const result = await run(["status", "--help"], { home })
    assert.strictEqual(result.code, 0)
    assert.include(result.stdout, "$ holo-upgrade status")
    assert.include(result.stdout, "--from-file")
    assert.include(result.stdout, "default 8")
    assert.include(result.stdout, "default no limit")
    assert.include(result.stdout, "--color auto|always|never")
    assert.match(result.stdout, /^ {2}130 +interrupted/m)
    for (const noise of [
      "--wizard",
      "--completions",
      "--log-level",
      "A user-defined piece of text",
      "This setting is optional"
    ]) {
      assert.notInclude(result.stdout, noise)
    }
  })
})

describe("config show", () => {
  // Random-looking canaries, so that no four characters of them occur in ordinary text by chance.
  const keyId = "LTAIq7ZxW2vK9mRt"
  const secret = "Zq8vX3kTn7Wp2Lr9Hs4J"
  const token = "Hm4Yc8Qs1Vd6Fj0Gx5Nb"

  // Every four-character piece of a secret: none may appear anywhere.
  const pieces = (value: string) =>
    Array.from({ length: value.length - 3 }, (_, index) => value.slice(index, index + 4))

  it("prints region, endpoint, profile and credential source; the key id cut to a prefix, secrets never", async () => {
    const env = {
      ALIBABA_CLOUD_ACCESS_KEY_ID: keyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret,
      ALIBABA_CLOUD_SECURITY_TOKEN: token,
      ALIBABA_CLOUD_REGION_ID: "cn-shanghai"
    }
    const table = await run(["config", "show"], { home, env })
    assert.strictEqual(table.code, 0, table.stderr)
    assert.match(table.stdout, /^region +cn-shanghai {2}\(from ALIBABA_CLOUD_REGION_ID\)$/m)
    assert.match(table.stdout, /^endpoint +https:\/\/hologram\.cn-shanghai\.aliyuncs\.com {2}\(default\)$/m)
    assert.match(table.stdout, /^credentials +environment \(ALIBABA_CLOUD_ACCESS_KEY_ID\)$/m)
    assert.match(table.stdout, /^access key id +LTAI…$/m)
    assert.match(table.stdout, /^access key secret +set \(never shown\)$/m)
    const json = await run(["config", "show", "-o", "json", "--endpoint", emulator.url, "-r", "cn-beijing"], {
      home,
      env
    })
    assert.strictEqual(json.code, 0, json.stderr)
    const shown = JSON.parse(json.stdout)
    assert.deepStrictEqual(shown.region, { value: "cn-beijing", source: "--region" })
    assert.deepStrictEqual(shown.endpoint, { value: emulator.url, source: "--endpoint" })
    assert.strictEqual(shown.credentials.accessKeyIdPrefix, "LTAI…")
    assert.strictEqual(shown.credentials.securityToken, "set")
    for (const output of [table.stdout + table.stderr, json.stdout + json.stderr]) {
      for (const piece of [...pieces(secret), ...pieces(token)]) assert.notInclude(output, piece)
      assert.notInclude(output, keyId.slice(0, 5))
    }
  })

  it("names the profile and the file the credentials came from; missing credentials exit 3 with the rest shown", async () => {
    const profileHome = emptyHome()
    mkdirSync(join(profileHome, ".aliyun"))
    writeFileSync(
      join(profileHome, ".aliyun", "config.json"),
      JSON.stringify({
        current: "default",
        profiles: [
          { name: "ops", mode: "AK", access_key_id: keyId, access_key_secret: secret, region_id: "cn-hongkong" }
        ]
      })
    )
    const result = await run(["config", "show", "--profile", "ops"], { home: profileHome, env: {} })
    assert.strictEqual(result.code, 0, result.stderr)
    assert.match(result.stdout, /^profile +ops {2}\(from --profile\)$/m)
    assert.match(result.stdout, /^region +cn-hongkong {2}\(from profile "ops"/m)
    assert.include(result.stdout, `profile "ops" (AK) in ${join(profileHome, ".aliyun", "config.json")}`)
    for (const piece of pieces(secret)) assert.notInclude(result.stdout + result.stderr, piece)
    const none = await run(["config", "show"], { home, env: {} })
    assert.strictEqual(none.code, 3)
    assert.match(none.stdout, /^credentials +none found$/m)
    assert.include(none.stderr, "No Alibaba Cloud credentials found")
    rmSync(profileHome, { recursive: true, force: true })
  })
})
