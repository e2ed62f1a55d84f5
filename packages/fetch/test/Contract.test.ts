/**
 * The adapter contract for the fetch adapter on Node's own `fetch`. The same cases run on Deno
 * (test/deno/Contract.test.ts) and against the Node adapter (packages/node/test/Contract.test.ts).
 */

import { afterAll, beforeAll, describe, it } from "@effect/vitest"
import type { Emulator } from "@holo-upgrade/emulator"
import { startEmulator } from "@holo-upgrade/emulator"
import { Redacted } from "effect"
import { createClient } from "../src/index.ts"
import { cases, emulatorOptions } from "./contract/Contract.ts"

describe("adapter contract: @holo-upgrade/fetch on Node", () => {
  let emulator: Emulator.Handle
  beforeAll(async () => {
    emulator = await startEmulator(emulatorOptions)
  })
  afterAll(() => emulator.close())

  for (const contractCase of cases) {
    if (contractCase.skip !== undefined) {
      it.skip(`${contractCase.name} (skipped: ${contractCase.skip})`, () => {})
      continue
    }
    it(contractCase.name, () => {
      const key = emulator.keys[0]!
      return contractCase.run({
        createClient,
        emulator,
        accessKey: { accessKeyId: key.accessKeyId, accessKeySecret: Redacted.value(key.accessKeySecret) },
        startEmulator
      })
    })
  }
})
