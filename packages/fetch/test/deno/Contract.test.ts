/// <reference lib="deno.ns" />
/**
 * The adapter contract for the fetch adapter on Deno's `fetch`. The emulator runs in the same Deno process (through
 * Deno's Node compatibility) and listens on 127.0.0.1, the only address this suite may reach.
 */
import { startEmulator } from "@holo-upgrade/emulator"
import { createClient } from "@holo-upgrade/fetch"
import { Redacted } from "effect"
import { cases, emulatorOptions } from "../contract/Contract.ts"

Deno.test("adapter contract: @holo-upgrade/fetch on Deno", async (t) => {
  const emulator = await startEmulator(emulatorOptions)
  const key = emulator.keys[0]!
  const accessKey = { accessKeyId: key.accessKeyId, accessKeySecret: Redacted.value(key.accessKeySecret) }
  try {
    for (const contractCase of cases) {
      await t.step({
        name:
          contractCase.skip === undefined ? contractCase.name : `${contractCase.name} (skipped: ${contractCase.skip})`,
        ignore: contractCase.skip !== undefined,
        fn: () => contractCase.run({ createClient, emulator, accessKey, startEmulator })
      })
    }
  } finally {
    await emulator.close()
  }
})
