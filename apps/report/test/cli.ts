// Runs the bundled command as a child process and captures everything it says.
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

/** The bundle the global setup builds. */
export const bundle = fileURLToPath(new URL("../dist/main.mjs", import.meta.url))

/** The repository root, where the fixtures live. */
export const fixture = (name: string): string => fileURLToPath(new URL(`../../../fixtures/${name}`, import.meta.url))

/** What a run produced. */
export interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `holo-upgrade <args>` with optional stdin and extra environment variables. */
export const run = (
  args: ReadonlyArray<string>,
  options: { input?: string; env?: Record<string, string> } = {}
): Run => {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env }
  delete env.FORCE_COLOR
  const result = spawnSync(process.execPath, [bundle, ...args], {
    input: options.input ?? "",
    env,
    encoding: "utf8",
    timeout: 20_000
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}
