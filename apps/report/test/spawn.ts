// Runs the bundled command as a child process without blocking this one (tests serve the emulator from here), with a
// clean environment: HOME at an empty directory, no ALIBABA_* or colour variable from the developer's shell.
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { AccessKey, type Scenario } from "@holo-upgrade/emulator"
import { Redacted } from "effect"
import { bundle, type Run } from "./cli.ts"

/** An empty home directory, so no developer profile is read. */
export const emptyHome = (): string => mkdtempSync(join(tmpdir(), "holo-upgrade-home-"))

/** The emulator's demo key pair as environment variables. */
export const demoEnv: Readonly<Record<string, string>> = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: AccessKey.demo.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: Redacted.value(AccessKey.demo.accessKeySecret)
}

/** An instance whose upgrade was rolled back before the first request: every step takes no time. */
export const rolledBack = (id: string): Scenario.InstanceSpec => ({
  id,
  scenario: "rollback",
  startAfterSeconds: 0,
  prepareSeconds: 0,
  waitSeconds: 0,
  stepSeconds: { Stop: 0, Backup: 0, DoUpgrade: 0 },
  rollbackSeconds: 0
})

/** The environment of a child: this process's, minus credentials and colour settings, plus `extra`. */
export const childEnv = (home: string, extra: Readonly<Record<string, string>>): Record<string, string> => {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name.startsWith("ALIBABA_CLOUD_")) continue
    if (name === "NO_COLOR" || name === "FORCE_COLOR" || name === "TERM") continue
    env[name] = value
  }
  return { ...env, HOME: home, ...extra }
}

/** A running child: its process, what it wrote so far, and its end. */
export interface Running {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  readonly done: Promise<Run>
}

/** Starts `holo-upgrade <args>`; `input`, when given, is written to stdin and closed. */
export const start = (
  args: ReadonlyArray<string>,
  options: { readonly home: string; readonly env?: Readonly<Record<string, string>>; readonly input?: string }
): Running => {
  const child = spawn(process.execPath, [bundle, ...args], {
    env: childEnv(options.home, options.env ?? demoEnv),
    stdio: ["pipe", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  child.stdin!.end(options.input ?? "")
  const done = new Promise<Run>((resolve, reject) => {
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })
  return { child, stdout: () => stdout, stderr: () => stderr, done }
}

/** Runs `holo-upgrade <args>` to its end. */
export const run = (
  args: ReadonlyArray<string>,
  options: { readonly home: string; readonly env?: Readonly<Record<string, string>>; readonly input?: string }
): Promise<Run> => start(args, options).done

/** Resolves once `predicate` holds for the child's stdout; rejects if the child ends first. */
export const untilStdout = (running: Running, predicate: (stdout: string) => boolean): Promise<void> =>
  new Promise((resolve, reject) => {
    const check = () => {
      if (predicate(running.stdout())) {
        running.child.stdout!.off("data", check)
        resolve()
      }
    }
    running.child.stdout!.on("data", check)
    running.done.then(() => reject(new Error(`the command ended first: ${running.stderr()}`)), reject)
    check()
  })

/** Quotes a word for `sh -c`. */
export const shellQuote = (word: string): string => `'${word.replaceAll("'", "'\\''")}'`
