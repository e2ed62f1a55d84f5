/**
 * The server side of the call-cost benchmark, run in its own process so its CPU never counts against a client: the
 * emulator with every signature check on, and a count of the TCP connections clients open to it.
 */
import { subscribe } from "node:diagnostics_channel"
import { AccessKey, startEmulator } from "@holo-upgrade/emulator"
import { Redacted } from "effect"
import type { Target } from "./protocol.ts"

/** Messages the parent sends: `count` asks for the connections opened and the CPU time used since the last `count`. */
export type Request = "count"

/** What may differ between benchmarks using this server: a QPS quota and added latency, as the emulator takes them. */
export interface ServerOptions {
  readonly qps?: number
  readonly latencyMs?: number
}

/** Starts the emulator, reports its `Target` over IPC, and answers `count` until the parent disconnects. */
export const serve = async (options: ServerOptions = {}): Promise<void> => {
  let connections = 0
  subscribe("net.server.socket", () => {
    connections++
  })
  const emulator = await startEmulator({ scenario: "hot-upgrade", instances: 1, logCapacity: 16, ...options })
  const target: Target = {
    url: emulator.url,
    instanceId: emulator.instances()[0]!,
    regionId: "cn-hangzhou",
    accessKeyId: AccessKey.demo.accessKeyId,
    accessKeySecret: Redacted.value(AccessKey.demo.accessKeySecret)
  }
  let cpu = process.cpuUsage()
  process.on("message", (message: Request) => {
    if (message !== "count") return
    const used = process.cpuUsage(cpu)
    process.send?.({ connections, cpuMs: (used.user + used.system) / 1000 })
    connections = 0
    cpu = process.cpuUsage()
  })
  process.once("disconnect", () => {
    emulator.close().then(() => process.exit(0))
  })
  process.send?.({ target })
}
