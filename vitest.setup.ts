// Property tests in the test command replay one known seed, so a run is reproducible and CI does not flake on a
// freshly drawn counterexample; `pnpm fuzz` draws new seeds with larger budgets. Set FC_SEED to replay another seed.
import fc from "fast-check"

const seed = Number(process.env.FC_SEED ?? 20261204)
fc.configureGlobal({ seed: Number.isFinite(seed) ? seed : 20261204 })
