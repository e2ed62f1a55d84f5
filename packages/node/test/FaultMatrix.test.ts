/**
 * The adapter contract on Node, for both adapters, with what each call leaves behind watched: the cases (written once
 * in packages/fetch/test/contract, and also run on Deno, whose test sanitizers watch the same things there) cover
 * every emulator fault, clock skew and a replayed nonce. After each case no timer may be left pending, no promise
 * rejection unhandled, and, for the Node adapter, which owns its connection pool, no client socket open once the
 * client is closed. (The fetch adapter on Node shares the runtime's pool; the contract itself checks that the
 * emulator has no request left open, so an abandoned request cannot hide in that pool.)
 */

import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type { Emulator } from "@holo-upgrade/emulator"
import { startEmulator } from "@holo-upgrade/emulator"
import { Redacted } from "effect"
import { createClient as createFetchClient } from "../../fetch/src/index.ts"
import { type Context, cases, emulatorOptions } from "../../fetch/test/contract/Contract.ts"
import { createClient as createNodeClient } from "../src/index.ts"
import { watcher } from "./support/Leaks.ts"

const adapters = [
  { name: "@holo-upgrade/node", createClient: createNodeClient as Context["createClient"], ownsPool: true },
  { name: "@holo-upgrade/fetch on Node", createClient: createFetchClient as Context["createClient"], ownsPool: false }
] as const

for (const adapter of adapters) {
  describe(`adapter contract and fault matrix: ${adapter.name}`, () => {
    let emulator: Emulator.Handle
    const leaks = watcher()
    beforeAll(async () => {
      emulator = await startEmulator(emulatorOptions)
    })
    afterAll(async () => {
      leaks.stop()
      await emulator.close()
    })

    for (const contractCase of cases) {
      if (contractCase.skip !== undefined) {
        it.skip(`${contractCase.name} (skipped: ${contractCase.skip})`, () => {})
        continue
      }
      it(contractCase.name, async () => {
        const key = emulator.keys[0]!
        const watch = leaks.begin()
        await contractCase.run({
          createClient: adapter.createClient,
          emulator,
          accessKey: { accessKeyId: key.accessKeyId, accessKeySecret: Redacted.value(key.accessKeySecret) },
          startEmulator
        })
        assert.deepStrictEqual(await watch.leftovers({ socketsClosed: adapter.ownsPool }), [])
      })
    }
  })
}
