import { defineConfig, mergeConfig } from "vitest/config"
import shared from "../../vitest.shared.ts"

// test/deno holds suites for `deno test` (they use the `Deno` namespace); scripts/deno-test.mjs runs them.
export default mergeConfig(
  defineConfig(shared),
  defineConfig({ test: { exclude: ["test/deno/**", "**/node_modules/**"] } })
)
