/// <reference lib="deno.ns" />
/**
 * The fetch adapter under Deno's least privilege: a child Deno runs examples/deno-status.ts against an emulator in
 * this process with `--allow-net=127.0.0.1` and an explicit `--allow-env=` list, and a cleared environment.
 */

import { startEmulator } from "@holo-upgrade/emulator"
import { FetchCredentials } from "@holo-upgrade/fetch"
import { Redacted } from "effect"
import { equal, matches } from "../contract/assert.ts"

const example = new URL("../../examples/deno-status.ts", import.meta.url).pathname
const credentialVariables = FetchCredentials.variablesOf()

// Variables read merely by importing the library: none, so the programs below need no `--allow-env` of their own.
const importTimeVariables: ReadonlyArray<string> = []

const allowEnv = (names: ReadonlyArray<string>) => (names.length === 0 ? [] : [`--allow-env=${names.join(",")}`])

interface Outcome {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const runExample = async (
  permissions: ReadonlyArray<string>,
  args: ReadonlyArray<string>,
  env: Record<string, string> = {}
): Promise<Outcome> => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--allow-net=127.0.0.1", ...permissions, example, ...args],
    cwd: new URL("../../../..", import.meta.url).pathname,
    clearEnv: true,
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...env },
    stdout: "piped",
    stderr: "piped"
  }).output()
  const text = new TextDecoder()
  return { code: output.code, stdout: text.decode(output.stdout), stderr: text.decode(output.stderr) }
}

Deno.test("least privilege: credentials as arguments or granted variables, and a clear refusal", async (t) => {
  const emulator = await startEmulator({ scenario: "hot-upgrade" })
  const key = emulator.keys[0]!
  const secret = Redacted.value(key.accessKeySecret)
  const call = ["--endpoint", emulator.url, "--instance", emulator.instances()[0]!, "--region", "cn-hangzhou"]
  const expectStatus = (outcome: Outcome) => {
    equal(outcome.code, 0, `exit code (stderr: ${outcome.stderr})`)
    equal(JSON.parse(outcome.stdout).Data[0].Status, "preparing", "status")
  }
  try {
    await t.step("credentials passed as arguments: no credential variable is granted or read", async () => {
      const outcome = await runExample(allowEnv(importTimeVariables), [
        ...call,
        "--access-key-id",
        key.accessKeyId,
        "--access-key-secret",
        secret
      ])
      expectStatus(outcome)
    })

    await t.step("no credentials and no grant: the message names the variables and the flag to add", async () => {
      const outcome = await runExample(allowEnv(importTimeVariables), call, {
        ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret
      })
      equal(outcome.code, 1, "exit code")
      equal(outcome.stdout, "", "stdout")
      for (const name of credentialVariables) matches(outcome.stderr, new RegExp(name), "stderr names the variable")
      matches(
        outcome.stderr,
        new RegExp(`^HologresConfigError: .*grant --allow-env=${credentialVariables.join(",")} `, "m"),
        "stderr names the flag"
      )
      equal(emulator.requests().length, 1, "no request was sent")
    })

    await t.step("the variables granted and set: the key is read from them", async () => {
      const outcome = await runExample(allowEnv([...importTimeVariables, ...credentialVariables]), call, {
        ALIBABA_CLOUD_ACCESS_KEY_ID: key.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret
      })
      expectStatus(outcome)
    })

    await t.step("the variables granted but unset: the message says which to set", async () => {
      const outcome = await runExample(allowEnv([...importTimeVariables, ...credentialVariables]), call)
      equal(outcome.code, 1, "exit code")
      matches(
        outcome.stderr,
        /^HologresConfigError: No credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET/m,
        "stderr"
      )
    })
  } finally {
    await emulator.close()
  }
})
