/**
 * Benchmark of the command's start-up: `holo-upgrade render` of the vendor's example answer, run as users run it
 * (`node apps/report/dist/main.mjs`), against `node -e 0`. The bundle is built first from the current sources. Runs
 * are interleaved, so a busy moment of a shared machine slows every command alike; figures are medians of wall time.
 *
 * Also shown: the same bundle started without its V8 code cache (what the cache buys) and two other invocations.
 * Prints a table on stderr and one JSON object on stdout.
 */
import { spawnSync } from "node:child_process"
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const root = process.cwd()
const runs = Number(process.env.HOLO_BENCH_STARTUP_RUNS ?? 31)
const fixture = join(root, "fixtures/vendor-example-response.json")
const bundled = join(root, "apps/report/dist/main.mjs")

const built = spawnSync(process.execPath, [join(root, "apps/report/scripts/bundle.mjs")], { stdio: "inherit" })
if (built.status !== 0) throw new Error("bundling the command failed")

// The same files without the cache: the loader then compiles the script from source.
const uncached = mkdtempSync(join(tmpdir(), "holo-startup-"))
cpSync(join(root, "apps/report/dist"), uncached, { recursive: true })
for (const name of readdirSync(uncached)) if (name.endsWith(".v8cache")) rmSync(join(uncached, name))

interface Case {
  readonly name: string
  readonly args: ReadonlyArray<string>
  /** The exit code the command must end with, so a broken build cannot look fast. */
  readonly exit: number
}

const cases: ReadonlyArray<Case> = [
  { name: "node -e 0", args: ["-e", "0"], exit: 0 },
  // The vendor's example is a rolled-back upgrade: exit code 1 is the verdict, not a failure.
  { name: "holo-upgrade render (vendor example)", args: [bundled, "render", fixture], exit: 1 },
  { name: "holo-upgrade render --output json", args: [bundled, "render", fixture, "--output", "json"], exit: 1 },
  { name: "holo-upgrade --help", args: [bundled, "--help"], exit: 0 },
  { name: "render without the code cache", args: [join(uncached, "main.mjs"), "render", fixture], exit: 1 }
]

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const times = cases.map(() => [] as Array<number>)
try {
  for (let run = -2; run < runs; run++) {
    for (const [index, one] of cases.entries()) {
      const start = performance.now()
      const result = spawnSync(process.execPath, one.args, { cwd: root, stdio: "ignore" })
      const elapsed = performance.now() - start
      if (result.status !== one.exit) throw new Error(`${one.name} exited with ${result.status}, expected ${one.exit}`)
      // The first two rounds only warm the file cache.
      if (run >= 0) times[index]!.push(elapsed)
    }
  }
} finally {
  rmSync(uncached, { recursive: true, force: true })
}

const baseline = median(times[0]!)
const rows = cases.map((one, index) => {
  const ms = median(times[index]!)
  return {
    command: one.name,
    median_ms: ms,
    min_ms: Math.min(...times[index]!),
    vs_node_e_0: ms / baseline
  }
})
const ratio = rows[1]!.vs_node_e_0
const targets = [{ target: "holo-upgrade render <= 3x node -e 0 (median wall time)", measured: ratio, met: ratio <= 3 }]
const notes = [
  `Medians of ${runs} interleaved runs of each command, wall time of the whole process (spawn to exit).`,
  "dist/main.mjs is a small loader that compiles the bundled CommonJS script with a V8 code cache recorded when it was bundled; without the cache it compiles from source (last row). Node 20 has no module compile cache of its own.",
  "Wall time suffers from other work on the machine; the load average at the top of this file says how busy it was.",
  "holo-upgrade --help, outside the target, also builds the overview of every subcommand; its time goes there, not to loading.",
  "Where the rest goes (node --cpu-prof): evaluating the modules of every subcommand (effect, @effect/cli, the emulator, the Node adapter) and @effect/cli's parsing; a bundle with render alone starts about 15% faster, so loading each subcommand's implementation on demand is the next step."
]

process.stderr.write(`${JSON.stringify({ rows, targets }, null, 1)}\n`)
process.stdout.write(
  `${JSON.stringify({
    name: "startup",
    title: "Start-up: holo-upgrade render against node -e 0",
    summary: "The bundled command, started as users start it, against a Node process that does nothing.",
    results: rows,
    targets,
    notes
  })}\n`
)
