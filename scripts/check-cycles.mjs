// Fails when packages depend on each other in a cycle, or when modules inside a package import each other in a cycle.
// Module edges come from static `import`/`export ... from` specifiers; type-only imports count too, since a
// cycle through types is still a cycle a reader has to untangle.
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"

const root = resolve(dirname(new URL(import.meta.url).pathname), "..")
const packageDirs = ["packages", "apps"].flatMap((group) =>
  readdirSync(join(root, group)).map((name) => join(root, group, name))
)

const listSources = (dir) =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) return listSources(path)
    return /\.(ts|mts)$/.test(entry) ? [path] : []
  })

const findCycle = (graph) => {
  const state = new Map()
  for (const start of graph.keys()) {
    if (state.has(start)) continue
    const stack = [[start, [...(graph.get(start) ?? [])], 0]]
    const path = [start]
    state.set(start, "open")
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]
      const [, next] = frame
      if (frame[2] === next.length) {
        state.set(frame[0], "done")
        stack.pop()
        path.pop()
        continue
      }
      const target = next[frame[2]++]
      if (state.get(target) === "open") return [...path.slice(path.indexOf(target)), target]
      if (!state.has(target)) {
        state.set(target, "open")
        path.push(target)
        stack.push([target, [...(graph.get(target) ?? [])], 0])
      }
    }
  }
  return undefined
}

const problems = []

const packageGraph = new Map()
for (const dir of packageDirs) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
  const deps = { ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies }
  packageGraph.set(
    manifest.name,
    Object.keys(deps).filter((name) => name.startsWith("@holo-upgrade/"))
  )
}
const packageCycle = findCycle(packageGraph)
if (packageCycle) problems.push(`package cycle: ${packageCycle.join(" -> ")}`)

const importPattern =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|(?:^|\n)\s*import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g
for (const dir of packageDirs) {
  let files
  try {
    files = listSources(join(dir, "src"))
  } catch {
    continue
  }
  const graph = new Map()
  for (const file of files) {
    const text = readFileSync(file, "utf8")
    const targets = []
    for (const match of text.matchAll(importPattern)) {
      const spec = match[1] ?? match[2] ?? match[3]
      if (spec.startsWith(".")) targets.push(resolve(dirname(file), spec))
    }
    graph.set(file, targets)
  }
  const cycle = findCycle(graph)
  if (cycle) problems.push(`module cycle: ${cycle.map((file) => relative(root, file)).join(" -> ")}`)
}

if (problems.length > 0) {
  for (const problem of problems) process.stderr.write(`${problem}\n`)
  process.exit(1)
}
process.stdout.write(`no import cycles among ${packageGraph.size} packages\n`)
