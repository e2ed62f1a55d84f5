// Runs every benchmark in bench/ in its own Node process and writes BENCHMARKS.md.
// Each benchmark is a TypeScript script, bundled here from the workspace sources; it prints a readable table on
// stderr and one JSON object on stdout. Every array of objects in that object becomes a table in BENCHMARKS.md.
// Usage: pnpm bench [name-filter]
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { cpus, tmpdir, totalmem } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const filter = process.argv[2]
const benches = readdirSync(join(root, "bench"))
  .filter((file) => file.endsWith(".ts") && !file.startsWith("_"))
  .filter((file) => filter === undefined || file.includes(filter))
  .sort()

const outDir = mkdtempSync(join(tmpdir(), "holo-bench-"))
const results = []
try {
  for (const file of benches) {
    const outfile = join(outDir, file.replace(/\.ts$/, ".mjs"))
    await build({
      entryPoints: [join(root, "bench", file)],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      conditions: ["@holo-upgrade/source"],
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      logLevel: "warning"
    })
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
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).toString().trim()
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
if (filter === undefined) {
  writeFileSync(join(root, "BENCHMARKS.md"), `${lines.join("\n").trimEnd()}\n`)
  process.stderr.write("\nwrote BENCHMARKS.md\n")
} else {
  process.stdout.write(`${lines.join("\n")}\n`)
}
if (results.some((result) => result.failed)) process.exitCode = 1
