import { execFileSync } from "node:child_process"
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, assert, describe, it } from "@effect/vitest"
import type { HologresError } from "@holo-upgrade/core"
import { Cause, Effect, Exit, Fiber, Option, Redacted, TestClock } from "effect"
import { CredentialChain } from "../src/index.ts"

const canary = "CANARY-chain-secret-3c4d"

const homes: Array<string> = []
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true })
})

/** A temporary home directory with the given files (paths relative to it). */
const home = (files: Record<string, string> = {}): string => {
  const dir = mkdtempSync(join(tmpdir(), "holo-chain-"))
  homes.push(dir)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

const cliConfig = (current: string, profiles: ReadonlyArray<Record<string, string>>) =>
  JSON.stringify({ current, profiles }, null, 2)

const iniFile = (text: string) => ({ ".alibabacloud/credentials": text })

const failure = (exit: Exit.Exit<unknown, HologresError.ConfigError>): HologresError.ConfigError => {
  if (Exit.isSuccess(exit)) return assert.fail("expected a ConfigError")
  const error = Cause.failureOption(exit.cause)
  if (Option.isNone(error)) return assert.fail(Cause.pretty(exit.cause))
  for (const text of [String(error.value), JSON.stringify(error.value), error.value.message]) {
    assert.notInclude(text, canary)
  }
  return error.value
}

const resolve = (options: CredentialChain.Options) => Effect.exit(CredentialChain.resolve(options))

const envKeys = { ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAIenv", ALIBABA_CLOUD_ACCESS_KEY_SECRET: canary }

describe("CredentialChain", () => {
  it.effect("explicit credentials win over everything", () =>
    Effect.gen(function* () {
      const resolved = yield* CredentialChain.resolve({
        explicit: { accessKeyId: "LTAIexplicit", accessKeySecret: canary },
        env: envKeys,
        homeDir: home()
      })
      assert.strictEqual(resolved.credentials.accessKeyId, "LTAIexplicit")
      assert.strictEqual(resolved.credentials.source, "explicit options")
    })
  )

  it.effect("the environment comes next, with its STS token and region", () =>
    Effect.gen(function* () {
      const resolved = yield* CredentialChain.resolve({
        env: { ...envKeys, ALIBABA_CLOUD_SECURITY_TOKEN: "sts-env", ALIBABA_CLOUD_REGION_ID: "cn-beijing" },
        homeDir: home({
          ".aliyun/config.json": cliConfig("default", [
            { name: "default", mode: "AK", access_key_id: "LTAIfile", access_key_secret: "x" }
          ])
        })
      })
      assert.strictEqual(resolved.credentials.accessKeyId, "LTAIenv")
      assert.strictEqual(Redacted.value(resolved.credentials.accessKeySecret), canary)
      assert.strictEqual(Redacted.value(resolved.credentials.securityToken!), "sts-env")
      assert.strictEqual(resolved.credentials.source, "environment (ALIBABA_CLOUD_ACCESS_KEY_ID)")
      assert.strictEqual(resolved.regionId, "cn-beijing")
    })
  )

  it.effect("half a key pair in the environment is an error naming the missing variable", () =>
    Effect.gen(function* () {
      const error = failure(yield* resolve({ env: { ALIBABA_CLOUD_ACCESS_KEY_SECRET: canary }, homeDir: home() }))
      assert.strictEqual(error.reason, "InvalidCredentials")
      assert.include(error.message, "ALIBABA_CLOUD_ACCESS_KEY_ID is not")
    })
  )

  it.effect("the CLI profile named by `current`, with its region", () =>
    Effect.gen(function* () {
      const dir = home({
        ".aliyun/config.json": cliConfig("work", [
          { name: "default", mode: "AK", access_key_id: "LTAIdefault", access_key_secret: "x" },
          { name: "work", mode: "AK", access_key_id: "LTAIwork", access_key_secret: canary, region_id: "cn-shanghai" }
        ])
      })
      const resolved = yield* CredentialChain.resolve({ env: {}, homeDir: dir })
      assert.strictEqual(resolved.credentials.accessKeyId, "LTAIwork")
      assert.strictEqual(resolved.credentials.source, `profile "work" (AK) in ${join(dir, ".aliyun", "config.json")}`)
      assert.strictEqual(resolved.regionId, "cn-shanghai")
      assert.notInclude(resolved.credentials.source, canary)
    })
  )

  it.effect("a profile chosen by option or ALIBABA_CLOUD_PROFILE; StsToken mode carries the token", () =>
    Effect.gen(function* () {
      const dir = home({
        ".aliyun/config.json": cliConfig("default", [
          { name: "default", mode: "AK", access_key_id: "LTAIdefault", access_key_secret: "x" },
          { name: "sts", mode: "StsToken", access_key_id: "STS.id", access_key_secret: canary, sts_token: "tok" }
        ])
      })
      const byOption = yield* CredentialChain.resolve({ env: envKeys, homeDir: dir, profile: "sts" })
      assert.strictEqual(byOption.credentials.accessKeyId, "STS.id")
      assert.strictEqual(Redacted.value(byOption.credentials.securityToken!), "tok")
      const byEnv = yield* CredentialChain.resolve({ env: { ALIBABA_CLOUD_PROFILE: "sts" }, homeDir: dir })
      assert.strictEqual(byEnv.credentials.accessKeyId, "STS.id")
    })
  )

  it.effect("an unsupported mode is a clear error naming the mode and the file", () =>
    Effect.gen(function* () {
      const dir = home({
        ".aliyun/config.json": cliConfig("role", [
          { name: "role", mode: "RamRoleArn", access_key_id: "LTAI", access_key_secret: canary }
        ])
      })
      const error = failure(yield* resolve({ env: {}, homeDir: dir }))
      assert.strictEqual(error.reason, "UnsupportedProfileMode")
      assert.include(error.message, "RamRoleArn")
      assert.strictEqual(error.path, join(dir, ".aliyun", "config.json"))
    })
  )

  it.effect("a broken config.json names the file and line, not its content", () =>
    Effect.gen(function* () {
      const dir = home({
        ".aliyun/config.json": `{\n  "current": "default",\n  "profiles": [ { "access_key_secret": "${canary}" ,, } ]\n}`
      })
      const error = failure(yield* resolve({ env: {}, homeDir: dir }))
      assert.strictEqual(error.reason, "BrokenCredentialsFile")
      assert.include(error.message, `${join(dir, ".aliyun", "config.json")}:3`)
    })
  )

  it.effect("the INI file comes last; a named section is used", () =>
    Effect.gen(function* () {
      const dir = home(
        iniFile(
          `# keys\n[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = ${canary}\n\n[other]\ntype = access_key\naccess_key_id = LTAIother\naccess_key_secret = y\n`
        )
      )
      const resolved = yield* CredentialChain.resolve({ env: {}, homeDir: dir })
      assert.strictEqual(resolved.credentials.accessKeyId, "LTAIini")
      assert.strictEqual(
        resolved.credentials.source,
        `section [default] of ${join(dir, ".alibabacloud", "credentials")}`
      )
      const other = yield* CredentialChain.resolve({ env: {}, homeDir: dir, profile: "other" })
      assert.strictEqual(other.credentials.accessKeyId, "LTAIother")
    })
  )

  it.effect("ALIBABA_CLOUD_CREDENTIALS_FILE points elsewhere; a missing one is an error", () =>
    Effect.gen(function* () {
      const dir = home({
        "elsewhere.ini": `[default]\ntype = access_key\naccess_key_id = LTAIelse\naccess_key_secret = z\n`
      })
      const resolved = yield* CredentialChain.resolve({
        env: { ALIBABA_CLOUD_CREDENTIALS_FILE: join(dir, "elsewhere.ini") },
        homeDir: dir
      })
      assert.strictEqual(resolved.credentials.accessKeyId, "LTAIelse")
      const error = failure(
        yield* resolve({ env: { ALIBABA_CLOUD_CREDENTIALS_FILE: join(dir, "absent.ini") }, homeDir: dir })
      )
      assert.strictEqual(error.reason, "BrokenCredentialsFile")
      assert.include(error.message, "absent.ini")
    })
  )

  it.effect("a broken INI file names the path and line, not the line's text", () =>
    Effect.gen(function* () {
      const dir = home(iniFile(`[default]\ntype = access_key\n${canary}\n`))
      const error = failure(yield* resolve({ env: {}, homeDir: dir }))
      assert.strictEqual(error.reason, "BrokenCredentialsFile")
      assert.include(error.message, `${join(dir, ".alibabacloud", "credentials")}:3`)
    })
  )

  it.effect("an INI type other than access_key is unsupported", () =>
    Effect.gen(function* () {
      const dir = home(iniFile("[default]\ntype = ecs_ram_role\nrole_name = x\n"))
      const error = failure(yield* resolve({ env: {}, homeDir: dir }))
      assert.strictEqual(error.reason, "UnsupportedProfileMode")
      assert.include(error.message, "ecs_ram_role")
    })
  )

  it.effect("nothing anywhere is MissingCredentials listing what was tried", () =>
    Effect.gen(function* () {
      const dir = home()
      const error = failure(yield* resolve({ env: {}, homeDir: dir }))
      assert.strictEqual(error.reason, "MissingCredentials")
      assert.include(error.message, "ALIBABA_CLOUD_ACCESS_KEY_ID is not set")
      assert.include(error.message, join(dir, ".aliyun", "config.json"))
      assert.include(error.message, join(dir, ".alibabacloud", "credentials"))
    })
  )

  it.effect("a named profile found nowhere is MissingProfile", () =>
    Effect.gen(function* () {
      const dir = home({ ".aliyun/config.json": cliConfig("default", []) })
      const error = failure(yield* resolve({ env: envKeys, homeDir: dir, profile: "ghost" }))
      assert.strictEqual(error.reason, "MissingProfile")
      assert.include(error.message, '"ghost"')
    })
  )

  it.effect("whitespace around a key from a file becomes a warning, not a quote of the key", () =>
    Effect.gen(function* () {
      const dir = home({
        ".aliyun/config.json": cliConfig("default", [
          { name: "default", mode: "AK", access_key_id: "LTAIws", access_key_secret: ` ${canary}\u200B` }
        ])
      })
      const resolved = yield* CredentialChain.resolve({ env: {}, homeDir: dir })
      assert.strictEqual(resolved.credentials.warnings.length, 2)
      for (const warning of resolved.credentials.warnings) assert.notInclude(warning, canary)
    })
  )

  it.effect("a region in the CLI profile is found even when the keys come from the environment", () =>
    Effect.gen(function* () {
      const dir = home({
        ".aliyun/config.json": cliConfig("default", [
          { name: "default", mode: "AK", access_key_id: "a", access_key_secret: "b", region_id: "cn-shenzhen" }
        ])
      })
      const resolved = yield* CredentialChain.resolve({ env: envKeys, homeDir: dir })
      assert.strictEqual(resolved.credentials.accessKeyId, "LTAIenv")
      assert.strictEqual(resolved.regionId, "cn-shenzhen")
    })
  )

  it.effect("a file that never finishes reading is given up on after the time box", () =>
    Effect.gen(function* () {
      // A FIFO with no writer blocks every reader: the stand-in for a hung network home directory.
      const dir = home()
      mkdirSync(join(dir, ".aliyun"))
      const fifo = join(dir, ".aliyun", "config.json")
      execFileSync("mkfifo", [fifo])
      const fiber = yield* Effect.fork(resolve({ env: {}, homeDir: dir, timeoutMs: 500 }))
      yield* TestClock.adjust(499)
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust(1)
      const error = failure(yield* Fiber.join(fiber))
      assert.strictEqual(error.reason, "BrokenCredentialsFile")
      assert.include(error.message, "took longer than 500 ms")
      // Release the blocked read so no thread stays stuck after the test.
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK))
    })
  )
})
