// `pnpm fuzz`: the property and fuzz tests with budgets many times those of the test command and a fresh random
// seed every round, so each run explores new input. A failure names the seed and the command that replays it
// exactly: the test command itself replays one fixed seed (vitest.setup.ts), and FC_SEED overrides it there too.
//
//   pnpm fuzz                     3 rounds at 20 times the usual runs
//   pnpm fuzz --rounds 10 --scale 50
//   FC_SEED=123 pnpm fuzz         one round with that seed (a replay)
import { spawnSync } from "node:child_process"
import { randomInt } from "node:crypto"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")

// Every test file with a property, by package; `filter` narrows a file that also starts processes.
const suites = [
  {
    name: "@holo-upgrade/core",
    dir: "packages/core",
    files: [
      "test/Fuzz.TolerantJson.test.ts",
      "test/Fuzz.Decoding.test.ts",
      "test/TolerantJson.property.test.ts",
      "test/UpgradeStatus.test.ts",
      "test/Assessment.test.ts",
      "test/JsonWriter.test.ts"
    ]
  },
  {
    name: "@holo-upgrade/report",
    dir: "apps/report",
    files: ["test/hostile.test.ts", "test/outputYaml.test.ts", "test/RateLimiter.test.ts"],
    filter: "every format renders any answer|round-trips|never lets qps"
  }
]

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: process.env.FUZZ_ROUNDS ?? "3" },
    scale: { type: "string", default: process.env.FUZZ_SCALE ?? "20" }
  }
})
const replaying = process.env.FC_SEED !== undefined
const rounds = replaying ? 1 : Number(values.rounds)
const scale = Number(values.scale)
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isFinite(scale) || scale <= 0) {
  process.stderr.write("fuzz: --rounds takes a positive integer and --scale a positive number\n")
  process.exit(2)
}

const vitest = (suite, seed) => {
  const args = ["exec", "vitest", "run", ...suite.files, ...(suite.filter === undefined ? [] : ["-t", suite.filter])]
  const replay = `FC_SEED=${seed} FUZZ_SCALE=${scale} pnpm --filter ${suite.name} ${args.map((arg) => (arg.includes(" ") || arg.includes("|") ? `'${arg}'` : arg)).join(" ")}`
  const result = spawnSync("pnpm", args, {
    cwd: join(root, suite.dir),
    env: { ...process.env, FC_SEED: String(seed), FUZZ_SCALE: String(scale) },
    stdio: "inherit"
  })
  return { ok: result.status === 0, replay }
}

for (let round = 1; round <= rounds; round++) {
  // fast-check takes a 32-bit seed; a fresh one every round unless one is being replayed.
  const seed = replaying ? Number(process.env.FC_SEED) : randomInt(0, 2 ** 31)
  process.stdout.write(`\nfuzz: round ${round} of ${rounds}, FC_SEED=${seed}, FUZZ_SCALE=${scale}\n`)
  for (const suite of suites) {
    const { ok, replay } = vitest(suite, seed)
    if (!ok) {
      process.stderr.write(`\nfuzz: ${suite.name} failed with FC_SEED=${seed}. Replay it with:\n  ${replay}\n`)
      process.exit(1)
    }
  }
}
process.stdout.write(`\nfuzz: ${rounds} round(s) passed\n`)
