/**
 * The adapter contract for the Node adapter: the cases written once in packages/fetch/test/contract, which also run
 * against the fetch adapter on Node and on Deno, so the adapters cannot drift apart.
 */

import { afterAll, beforeAll, describe, it } from "@effect/vitest"
import type { Emulator } from "@holo-upgrade/emulator"
import { startEmulator } from "@holo-upgrade/emulator"
import { Redacted } from "effect"
import { cases, emulatorOptions } from "../../fetch/test/contract/Contract.ts"
import { createClient } from "../src/index.ts"

describe("adapter contract: @holo-upgrade/node", () => {
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
        accessKey: { accessKeyId: key.accessKeyId, accessKeySecret: Redacted.value(key.accessKeySecret) }
      })
    })
  }
})
