import type { UserConfig } from "vitest/config"

/** Settings every package's tests share: resolve workspace packages to their sources. */
const config: UserConfig = {
  resolve: { conditions: ["@holo-upgrade/source"] },
  ssr: { resolve: { conditions: ["@holo-upgrade/source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: [new URL("./vitest.setup.ts", import.meta.url).pathname],
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
}

export default config
