// Bundles the command from the workspace sources so it starts fast on plain Node.
//
// Start-up time goes mostly to parsing and compiling the ~3 MB of bundled JavaScript, not to running it. Node 20 has
// no compile cache for ES modules (`module.enableCompileCache` arrived in Node 22), so the program is bundled as one
// CommonJS script, `dist/holo-upgrade.cjs`, and `dist/main.mjs` is a small loader that compiles it with `node:vm`
// and the V8 code cache recorded here by one training run. When the cache does not fit (another Node or V8 version,
// other V8 flags) V8 rejects it and the loader compiles from source: slower, never wrong. The cache file is named
// after a hash of the script, so a cache can never be paired with a script it was not made from.
//
// Output: dist/main.mjs (run it: `node dist/main.mjs`), dist/holo-upgrade.cjs, dist/holo-upgrade.<hash>.v8cache.

import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const dist = join(root, "dist")
const scriptName = "holo-upgrade.cjs"

const result = await build({
  entryPoints: [join(root, "src/main.ts")],
  bundle: true,
  write: false,
  platform: "node",
  format: "cjs",
  target: "node20",
  conditions: ["@holo-upgrade/source"],
  // Whitespace and syntax only: a third less to read and hash at start-up, while names in stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  // ASCII only (non-ASCII characters escaped), so the loader can read the script as Latin-1, without UTF-8 decoding.
  charset: "ascii",
  legalComments: "none",
  logLevel: "warning"
})
const program = result.outputFiles[0].contents
const hash = createHash("sha256").update(program).digest("hex").slice(0, 16)
const cacheName = `holo-upgrade.${hash}.v8cache`

/** The loader; with `train`, it also writes the code cache when the program exits. */
const loader = (train) => `#!/usr/bin/env node
// Runs the holo-upgrade command: compiles ${scriptName} with the V8 code cache made when it was bundled (see
// apps/report/scripts/bundle.mjs), or from source when the cache is missing or does not fit this Node.
import { readFileSync${train ? ", renameSync, writeFileSync" : ""} } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as vm from "node:vm"

const dir = dirname(fileURLToPath(import.meta.url))
const file = join(dir, ${JSON.stringify(scriptName)})
const cacheFile = join(dir, ${JSON.stringify(cacheName)})
let cachedData
try {
  cachedData = readFileSync(cacheFile)
} catch {}
// The wrapper stays on the script's first line, so line numbers in stack traces are the file's own.
const script = new vm.Script(\`(function (exports, require, module, __filename, __dirname) {\${readFileSync(file, "latin1")}\\n})\`, {
  filename: file,
  cachedData,
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER
})
${
  train
    ? `process.once("exit", () => {
  // After a real run the cache holds the functions that run compiled, not only the top level.
  writeFileSync(cacheFile + ".tmp", script.createCachedData())
  renameSync(cacheFile + ".tmp", cacheFile)
})
`
    : ""
}const module = { exports: {} }
script.runInThisContext()(module.exports, createRequire(file), module, file, dir)
`

mkdirSync(dist, { recursive: true })
// Another bundle's cache is useless now, and so is the single-file ES module of earlier builds.
for (const name of readdirSync(dist)) {
  if (name.endsWith(".v8cache") || name.endsWith(".v8cache.tmp")) rmSync(join(dist, name), { force: true })
}
writeFileSync(join(dist, scriptName), program)
writeFileSync(join(dist, "main.mjs"), loader(false), { mode: 0o755 })

// Training runs take the paths a first-time user takes: the overview, then a report on the vendor's example answer
// (no network needed). Each run starts from the cache the previous one wrote and adds what it compiled. Their exit
// codes are the command's own (1 for the example's rolled-back upgrade), so only a missing cache counts as a failure.
const trainer = join(dist, `train-${process.pid}.mjs`)
const fixture = join(root, "../../fixtures/vendor-example-response.json")
const trainingRuns = [["--help"], ...(existsSync(fixture) ? [["render", fixture]] : [])]
writeFileSync(trainer, loader(true))
try {
  for (const args of trainingRuns) {
    spawnSync(process.execPath, [trainer, ...args], { cwd: root, stdio: "ignore", timeout: 60_000 })
  }
} finally {
  rmSync(trainer, { force: true })
}
if (!existsSync(join(dist, cacheName))) {
  process.stderr.write("bundle: the training runs wrote no code cache; the command will start without one\n")
}
