// The fetch adapter on real Deno (2.9, from the `deno` npm package the workspace installs), under least privilege.
//
// 1. Platform-free check: nothing reachable from packages/core/src or packages/fetch/src imports a `node:` module
//    (read from Deno's own module graph), and the Biome rules that ban Node modules and Node-only globals there are
//    still in force (a probe file is linted in a scratch copy of the config).
// 2. `deno test` over packages/fetch/test/deno with only `--allow-net=127.0.0.1`, an explicit `--allow-env=` list
//    and `--allow-run` for Deno itself (the least-privilege test starts Deno again with no more rights than that).
//
// Nothing is downloaded: the root deno.json maps the workspace packages to their sources and resolves everything
// else from the installed node_modules.
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const biome = join(root, "node_modules", ".bin", "biome")
const env = { ...process.env, DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" }
if (!process.stdout.isTTY) env.NO_COLOR = "1"

// Variables the Deno test processes may read. The tests pass the emulator's address and keys in code, and the
// least-privilege test grants credential variables only to the programs it starts, so this list is empty.
const allowedEnv = []

const fail = (message) => {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}

const capture = (command, args, options = {}) =>
  spawnSync(command, args, { cwd: root, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options })

// The npm package's bin is a Node shim around the real executable; ask it once where that is, so every later run
// (and the `--allow-run` grant, which names the executable the tests start) uses the binary itself.
const denoShim = join(root, "packages", "fetch", "node_modules", ".bin", "deno")
const located = capture(denoShim, ["eval", "console.log(Deno.execPath())"])
if (located.status !== 0) fail(`cannot run Deno from ${denoShim}; run pnpm install first\n${located.stderr}`)
const deno = located.stdout.trim()

const checkModuleGraph = () => {
  const offenders = []
  let count = 0
  for (const entry of ["packages/core/src/index.ts", "packages/fetch/src/index.ts"]) {
    const result = capture(deno, ["info", "--json", entry])
    if (result.status !== 0) fail(`deno info ${entry} failed:\n${result.stderr}`)
    const graph = JSON.parse(result.stdout)
    for (const module of graph.modules ?? []) {
      if (!module.specifier?.startsWith(pathToFileURL(join(root, "packages")).href)) continue
      count++
      for (const dependency of module.dependencies ?? []) {
        if (dependency.specifier.startsWith("node:")) {
          const file = relative(root, fileURLToPath(module.specifier))
          offenders.push(`${file} imports ${dependency.specifier}`)
        }
      }
    }
  }
  if (offenders.length > 0) fail(`platform-free packages import Node modules:\n${offenders.join("\n")}`)
  return count
}

const checkLintRules = () => {
  const scratch = mkdtempSync(join(tmpdir(), "holo-upgrade-lint-probe-"))
  try {
    const config = JSON.parse(readFileSync(join(root, "biome.json"), "utf8"))
    writeFileSync(join(scratch, "biome.json"), JSON.stringify({ ...config, vcs: { enabled: false } }))
    const probe = [
      'import { readFileSync } from "node:fs"',
      "export const a = readFileSync",
      "export const b = process.env.HOME",
      'export const c = Buffer.from("x")',
      "export const d = __dirname",
      ""
    ].join("\n")
    for (const pkg of ["core", "fetch"]) {
      mkdirSync(join(scratch, "packages", pkg, "src"), { recursive: true })
      writeFileSync(join(scratch, "packages", pkg, "src", "Probe.ts"), probe)
    }
    const result = capture(biome, ["lint", "--max-diagnostics=100", "."], { cwd: scratch })
    const output = `${result.stdout}${result.stderr}`
    const missing = []
    for (const pkg of ["core", "fetch"]) {
      const file = `packages/${pkg}/src/Probe.ts`
      for (const [line, rule] of [
        [1, "noNodejsModules"],
        [3, "noProcessGlobal"],
        [4, "noRestrictedGlobals"],
        [5, "noRestrictedGlobals"]
      ]) {
        if (!new RegExp(`${file}:${line}:\\d+ lint/\\w+/${rule}`).test(output)) missing.push(`${file}:${line} ${rule}`)
      }
    }
    if (missing.length > 0)
      fail(`biome.json no longer bans Node APIs in core and fetch; not reported:\n${missing.join("\n")}`)
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

const modules = checkModuleGraph()
checkLintRules()
process.stdout.write(
  `platform-free: ${modules} modules of core and fetch import no node: module; lint rules in force\n`
)

const testDir = join(root, "packages", "fetch", "test", "deno")
const files = readdirSync(testDir)
  .filter((file) => file.endsWith(".test.ts"))
  .map((file) => relative(root, join(testDir, file)))
const args = [
  "test",
  "--no-prompt",
  "--allow-net=127.0.0.1",
  ...(allowedEnv.length === 0 ? [] : [`--allow-env=${allowedEnv.join(",")}`]),
  `--allow-run=${deno}`,
  ...files
]
process.stdout.write(`deno ${args.join(" ")}\n`)
const result = spawnSync(deno, args, { cwd: root, env, stdio: "inherit" })
process.exit(result.status ?? 1)
