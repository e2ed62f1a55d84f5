// Packaging as users meet it: build and `pnpm pack` every library, install the tarballs in a fresh project outside
// the workspace, then use them the ways users do: ESM import and `require` on Node, import from Deno and (when its
// npm package is installed) Bun, and `tsc --noEmit` consumers checking that the published types resolve.
//
// The consumers in scripts/pack-smoke/ make real calls against an emulator that this script starts from the packed
// emulator package, so a broken `dist` fails here the way it would fail for a user.
//
// Usage: node scripts/pack-smoke.mjs [--keep]   (--keep leaves the temporary project in place for inspection)
import { spawn, spawnSync } from "node:child_process"
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const consumers = join(root, "scripts", "pack-smoke")
const keep = process.argv.includes("--keep")
const bin = (name) => join(root, "packages", "fetch", "node_modules", ".bin", name)
const tsc = join(root, "node_modules", ".bin", "tsc")
const started = Date.now()

const log = (line) => process.stdout.write(`${line}\n`)
const indent = (text) => text.replace(/^/gm, "     ")

/** Runs a setup command to completion; throws with everything it printed when it exits non-zero. */
const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options })
  if (result.error !== undefined || result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim()
    throw new Error(`${command} ${args.join(" ")}: ${result.error?.message ?? `exit ${result.status}`}\n${output}`)
  }
  return result.stdout
}

/**
 * Runs a command without blocking this process, which serves the emulator the command talks to; resolves with its
 * trimmed standard output, rejects with everything it printed when it exits non-zero.
 */
const runAsync = (command, args, options = {}) =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options })
    let output = ""
    let stdout = ""
    child.stdout.on("data", (chunk) => {
      stdout += chunk
      output += chunk
    })
    child.stderr.on("data", (chunk) => {
      output += chunk
    })
    child.on("error", reject)
    child.on("close", (code) => {
      if (code === 0) resolvePromise(stdout.trim())
      else reject(new Error(`${command} ${args.join(" ")}: exit ${code}\n${output.trim()}`))
    })
  })

/** One named check: resolves to its report line, never rejects, so every check runs and reports. */
const check = async (name, body) => {
  const begun = Date.now()
  try {
    const detail = await body()
    return { ok: true, line: `ok   ${name}${detail ? `: ${detail}` : ""} (${Date.now() - begun} ms)` }
  } catch (error) {
    return { ok: false, line: `FAIL ${name}\n${indent(error instanceof Error ? error.message : String(error))}` }
  }
}

const libraries = readdirSync(join(root, "packages"))
  .map((name) => join(root, "packages", name))
  .filter((dir) => existsSync(join(dir, "package.json")))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
  .filter(({ manifest }) => manifest.private !== true)

/** Fails when a packed manifest still holds a workspace-only specifier, or the tarball lacks dist or ships tests. */
const inspectTarball = (name, file) => {
  const manifest = JSON.parse(run("tar", ["-xzOf", file, "package/package.json"]))
  const listing = run("tar", ["-tzf", file]).split("\n")
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [dependency, spec] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|catalog):/.test(spec)) throw new Error(`${name}: ${field}.${dependency} is still "${spec}"`)
    }
  }
  for (const entry of ["package/dist/index.js", "package/dist/index.d.ts"]) {
    if (!listing.includes(entry)) throw new Error(`${name}: ${entry} is missing`)
  }
  const tests = listing.filter((entry) => /\.test\.ts$|^package\/test\//.test(entry))
  if (tests.length > 0) throw new Error(`${name}: ships tests (${tests.join(", ")})`)
}

const project = mkdtempSync(join(tmpdir(), "holo-upgrade-pack-smoke-"))
const tarballs = join(project, "tarballs")
const reports = []
let emulator

try {
  log(`pack smoke: building and packing ${libraries.map(({ manifest }) => manifest.name).join(", ")}`)
  run("pnpm", ["exec", "turbo", "run", "build", "--filter=./packages/*", "--output-logs=errors-only"], { cwd: root })
  const packed = {}
  for (const { dir, manifest } of libraries) {
    const output = run("pnpm", ["pack", "--pack-destination", tarballs], { cwd: dir })
    const file = output
      .split("\n")
      .map((line) => line.trim())
      .findLast((line) => line.endsWith(".tgz"))
    if (file === undefined) throw new Error(`pnpm pack printed no tarball for ${manifest.name}:\n${output}`)
    packed[manifest.name] = resolve(tarballs, file)
  }
  reports.push(
    await check("tarballs: workspace and catalog specifiers rewritten, dist and types shipped, no tests", () => {
      for (const [name, file] of Object.entries(packed)) inspectTarball(name, file)
      return `${Object.keys(packed).length} packages`
    })
  )

  // Overrides pin our packages to the tarballs even where one depends on another (`@holo-upgrade/core@0.1.0`), so npm
  // never asks the registry for them; third-party dependencies come from npm's cache when it has them.
  const local = Object.fromEntries(Object.entries(packed).map(([name, file]) => [name, `file:${file}`]))
  const manifest = {
    name: "holo-upgrade-pack-smoke",
    private: true,
    type: "module",
    dependencies: { ...local, "@types/node": "^20.19.0" },
    overrides: local
  }
  writeFileSync(join(project, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`)
  for (const file of readdirSync(consumers)) copyFileSync(join(consumers, file), join(project, file))
  log(`pack smoke: installing the tarballs in ${project} (${Math.round((Date.now() - started) / 1000)} s so far)`)
  const npmArgs = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"]
  run("npm", npmArgs, { cwd: project })

  // Type checks need no emulator; they run beside the runtime checks. NodeNext also checks the declarations of every
  // package (skipLibCheck off), Bundler only the consumer.
  const typeChecks = [
    check("types: tsc --noEmit, NodeNext (ESM and CommonJS consumers, declarations checked)", () =>
      runAsync(tsc, ["-p", "tsconfig.nodenext.json"], { cwd: project })
    ),
    check("types: tsc --noEmit, Bundler", () => runAsync(tsc, ["-p", "tsconfig.bundler.json"], { cwd: project }))
  ]

  // The emulator comes from the packed package too: starting it is the first use of its dist.
  const emulatorDist = join(project, "node_modules", "@holo-upgrade", "emulator", "dist", "index.js")
  const { AccessKey, startEmulator } = await import(pathToFileURL(emulatorDist).href)
  emulator = await startEmulator({ specs: [{ id: "hgpack-smoke-1", scenario: "hot-upgrade" }] })
  // `show` gives the local test key as ID:SECRET, the notation of the emulator's own banner.
  const [accessKeyId, accessKeySecret] = AccessKey.show(emulator.keys[0]).split(":")
  const target = JSON.stringify({
    endpoint: emulator.url,
    accessKeyId,
    accessKeySecret,
    instanceId: "hgpack-smoke-1",
    regionId: "cn-hangzhou"
  })
  const inProject = { cwd: project, env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" } }

  reports.push(await check("Node: import", () => runAsync(process.execPath, ["esm.mjs", target], inProject)))
  reports.push(await check("Node: require", () => runAsync(process.execPath, ["require.cjs", target], inProject)))
  const denoArgs = ["run", "--no-prompt", "--node-modules-dir=manual", "--allow-net=127.0.0.1"]
  reports.push(await check("Deno: import", () => runAsync(bin("deno"), [...denoArgs, "esm.mjs", target], inProject)))
  if (existsSync(bin("bun"))) {
    reports.push(await check("Bun: import", () => runAsync(bin("bun"), ["esm.mjs", target], inProject)))
    reports.push(await check("Bun: require", () => runAsync(bin("bun"), ["require.cjs", target], inProject)))
  } else {
    reports.push({ ok: true, line: "skip Bun: the bun npm package is not installed here" })
  }
  reports.push(...(await Promise.all(typeChecks)))
} catch (error) {
  reports.push({ ok: false, line: `FAIL setup\n${indent(error instanceof Error ? error.message : String(error))}` })
} finally {
  await emulator?.close()
  if (keep) log(`pack smoke: kept ${project}`)
  else rmSync(project, { recursive: true, force: true })
}

for (const report of reports) log(report.line)
const passed = reports.filter((report) => report.ok && report.line.startsWith("ok")).length
const failed = reports.filter((report) => !report.ok).length
log(`pack smoke: took ${Math.round((Date.now() - started) / 1000)} s`)
log(`pack-smoke: ${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
