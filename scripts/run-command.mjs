// Runs the holo-upgrade command from the workspace (`pnpm -s holo-upgrade ARGS`, `pnpm demo`), bundling it first only
// when the bundle is missing or older than a source it is made from, so a repeated call starts as fast as
// `node apps/report/dist/main.mjs` itself.
//
// "Older" is judged by modification times: every file under apps/report/src and packages/*/src, the bundler script,
// the lockfile and the package manifests, against the bundle's script and loader. A checkout or an edit bumps them;
// a source that went back in time (an archive unpacked with old dates) is not seen, and `pnpm --filter
// @holo-upgrade/report bundle` rebuilds by hand.
import { spawnSync } from "node:child_process"
import { readdirSync, statSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const app = join(root, "apps", "report")
const outputs = [join(app, "dist", "main.mjs"), join(app, "dist", "holo-upgrade.cjs")]

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs
  } catch {
    return undefined
  }
}

/** The newest modification time of the files under `dir` (0 when it does not exist). */
const newest = (dir) => {
  let latest = 0
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return 0
  }
  for (const entry of entries) {
    const path = join(dir, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : (mtime(path) ?? 0))
  }
  return latest
}

const packages = readdirSync(join(root, "packages"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(root, "packages", entry.name))
const inputs = Math.max(
  newest(join(app, "src")),
  ...packages.map((dir) => Math.max(newest(join(dir, "src")), mtime(join(dir, "package.json")) ?? 0)),
  mtime(join(app, "scripts", "bundle.mjs")) ?? 0,
  mtime(join(app, "package.json")) ?? 0,
  mtime(join(root, "pnpm-lock.yaml")) ?? 0
)
const built = Math.min(...outputs.map((path) => mtime(path) ?? -1))

if (built < inputs) {
  // The bundler reports on stdout; that must not mix with the command's output (`-o json | jq`).
  const result = spawnSync(process.execPath, [join(app, "scripts", "bundle.mjs")], {
    cwd: app,
    stdio: ["ignore", "ignore", "inherit"]
  })
  if (result.status !== 0) {
    process.stderr.write("holo-upgrade: bundling the command failed (see above)\n")
    process.exit(result.status ?? 1)
  }
}

// The loader reads its arguments from process.argv as if started directly.
process.argv = [process.argv[0], outputs[0], ...process.argv.slice(2)]
await import(pathToFileURL(outputs[0]).href)
