/**
 * The server side of the fleet benchmark, run in its own process so its CPU never counts against the client: the
 * emulator serving a mix of instances under a per-key QPS quota with added latency, counting what it answered.
 */
import { AccessKey, startEmulator } from "@holo-upgrade/emulator"
import { Redacted } from "effect"

/** The emulator a fleet client asks, the instances it serves and the key it signs with. */
export interface Target {
  readonly url: string
  readonly instanceIds: ReadonlyArray<string>
  readonly regionId: string
  readonly accessKeyId: string
  readonly accessKeySecret: string
}

/** What the server answered since the last `count`. */
export interface Counts {
  readonly requests: number
  /** Answered with a report (status 200, no error code). */
  readonly accepted: number
  /** Turned away by the quota (`Throttling.User`). */
  readonly throttled: number
  /** Any other answer: a signature or nonce refusal would show up here. */
  readonly other: number
}

/** How the emulator is run. */
export interface ServerOptions {
  readonly instances: number
  readonly qps: number
  readonly latencyMs: number
}

/** Starts the emulator, reports its `Target` over IPC, and answers `count` until the parent disconnects. */
export const serve = async (options: ServerOptions): Promise<void> => {
  let counts = { requests: 0, accepted: 0, throttled: 0, other: 0 }
  const emulator = await startEmulator({
    scenario: "mix",
    instances: options.instances,
    qps: options.qps,
    latencyMs: options.latencyMs,
    // The counts below are all the benchmark needs; a long log would only cost the server memory.
    logCapacity: 16,
    onRequest: (entry) => {
      counts.requests++
      if (entry.code === "Throttling.User") counts.throttled++
      else if (entry.status === 200 && entry.code === undefined) counts.accepted++
      else counts.other++
    }
  })
  const target: Target = {
    url: emulator.url,
    instanceIds: emulator.instances(),
    regionId: "cn-hangzhou",
    accessKeyId: AccessKey.demo.accessKeyId,
    accessKeySecret: Redacted.value(AccessKey.demo.accessKeySecret)
  }
  process.on("message", (message: unknown) => {
    if (message !== "count") return
    process.send?.({ counts })
    counts = { requests: 0, accepted: 0, throttled: 0, other: 0 }
  })
  process.once("disconnect", () => {
    emulator.close().then(() => process.exit(0))
  })
  process.send?.({ target })
}
