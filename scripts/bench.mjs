// Runs every benchmark in bench/ in its own Node process and writes BENCHMARKS.md.
// Each benchmark is a TypeScript script, bundled here from the workspace sources; it prints a readable table on
// stderr and one JSON object on stdout. Every array of objects in that object becomes a table in BENCHMARKS.md;
// `title`, `summary` and `notes` (an array of strings) are used too.
// All benchmarks are bundled in one build with code splitting, so a script that loads a client with `import()` loads
// only that client's code: a child process measuring one client's memory does not carry the others'.
// Usage: pnpm bench [name-filter]
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { cpus, loadavg, tmpdir, totalmem } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

// Benchmarks that are planned but not written yet, listed in BENCHMARKS.md so the gap is visible. Remove an entry
// when its script lands in bench/.
const pending = []
const filter = process.argv[2]
const benches = readdirSync(join(root, "bench"))
  .filter((file) => file.endsWith(".ts") && !file.startsWith("_"))
  .filter((file) => filter === undefined || file.includes(filter))
  .sort()

// The root package does not depend on the workspace packages, so their names are mapped to their sources here.
const alias = Object.fromEntries(
  readdirSync(join(root, "packages")).map((name) => [
    `@holo-upgrade/${name}`,
    join(root, "packages", name, "src/index.ts")
  ])
)

const outDir = mkdtempSync(join(tmpdir(), "holo-bench-"))
const results = []
const loadBefore = loadavg()
try {
  await build({
    entryPoints: benches.map((file) => join(root, "bench", file)),
    outdir: outDir,
    entryNames: "[name]",
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@holo-upgrade/source"],
    alias,
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: "warning"
  })
  for (const file of benches) {
    const outfile = join(outDir, file.replace(/\.ts$/, ".mjs"))
    process.stderr.write(`\n== ${file}\n`)
    const run = spawnSync(process.execPath, ["--expose-gc", outfile], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, HOLO_BENCH_DIR: outDir }
    })
    const text = run.stdout.toString().trim()
    if (run.status !== 0) {
      results.push({ name: file, failed: `exit ${run.status ?? run.signal}` })
      continue
    }
    try {
      results.push(JSON.parse(text.slice(text.lastIndexOf("\n{") + 1)))
    } catch {
      results.push({ name: file, failed: "no JSON result on stdout" })
    }
  }
} finally {
  rmSync(outDir, { recursive: true, force: true })
}

const cell = (value) => {
  if (value === null || value === undefined) return ""
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toPrecision(4)
  if (typeof value === "boolean") return value ? "yes" : "**no**"
  return String(value).replaceAll("|", "\\|")
}
const table = (rows) => {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))]
  return [
    `| ${columns.join(" | ")} |`,
    `| ${columns.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${columns.map((column) => cell(row[column])).join(" | ")} |`)
  ].join("\n")
}

const gitRev = (() => {
  try {
    const rev = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).toString().trim()
    // Benchmarks run on the working tree; say so when it differs from the commit named.
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root }).toString()
    return dirty.trim() === "" ? rev : `${rev} plus uncommitted changes`
  } catch {
    return "unknown"
  }
})()
const cpu = cpus()
const lines = [
  "# Benchmarks",
  "",
  "Written by `pnpm bench`; numbers from one machine, one run of the suite. Ratios compare against the",
  "alternative measured in the same run, so they travel between machines better than absolute times.",
  "",
  `- machine: ${cpu[0]?.model ?? "unknown CPU"}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  `- runtime: Node ${process.version} on ${process.platform}/${process.arch}`,
  `- commit: ${gitRev}, ${new Date().toISOString()}`,
  // Other work on the machine slows wall-clock figures more than CPU-time ones; the load says how busy it was.
  `- load average (1 min) before and after: ${loadBefore[0].toFixed(1)}, ${loadavg()[0].toFixed(1)}`,
  ""
]
for (const result of results) {
  lines.push(`## ${result.title ?? result.name}`, "")
  if (result.failed) {
    lines.push(`The benchmark failed: ${result.failed}.`, "")
    continue
  }
  if (typeof result.summary === "string") lines.push(result.summary, "")
  for (const [key, value] of Object.entries(result)) {
    if (!Array.isArray(value) || value.length === 0 || typeof value[0] !== "object") continue
    lines.push(`### ${key}`, "", table(value), "")
  }
  for (const note of result.notes ?? []) lines.push(`- ${note}`)
  if ((result.notes ?? []).length > 0) lines.push("")
}
for (const plan of pending.filter((plan) => !benches.includes(plan.script))) {
  if (filter !== undefined) continue
  lines.push(`## ${plan.title}`, "", `Not measured yet (bench/${plan.script}). ${plan.reason}`, "")
}
if (filter === undefined) {
  writeFileSync(join(root, "BENCHMARKS.md"), `${lines.join("\n").trimEnd()}\n`)
  process.stderr.write("\nwrote BENCHMARKS.md\n")
} else {
  process.stdout.write(`${lines.join("\n")}\n`)
  process.stderr.write(`\nfiltered run ("${filter}"): printed above, BENCHMARKS.md left as it was\n`)
}
if (results.some((result) => result.failed)) process.exitCode = 1
