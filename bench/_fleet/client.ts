/**
 * The client side of the fleet benchmark: the command's fleet runner (`Fleet.run` over `Fleet.clientLayer`, Node's
 * transport), with the limiter `--qps` makes or none, each report turned into its NDJSON line and let go as
 * `status --output ndjson` does. Measures wall and CPU time, what reached the user, and peak memory of this process.
 */
import { Credentials } from "@holo-upgrade/core"
import { Effect } from "effect"
import * as Fleet from "../../apps/report/src/Fleet.ts"
import * as Ndjson from "../../apps/report/src/output/Ndjson.ts"
import * as RateLimiter from "../../apps/report/src/RateLimiter.ts"
import type { Target } from "./server.ts"

/** One run: the first `instances` of the target's instances, with or without a limiter at `qps`. */
export interface Task {
  readonly variant: string
  readonly instances: number
  readonly concurrency: number
  /** `undefined`: no client-side limit. */
  readonly qps: number | undefined
  readonly target: Target
}

/** What one run measured in the client process. */
export interface Figures {
  readonly wallMs: number
  /** From the start to the first report: building the client, the first connection, code not yet optimised. */
  readonly firstReportMs: number
  readonly cpuMs: number
  readonly answered: number
  /** Reports holding an error: what the user sees as a failed call. */
  readonly failedCalls: number
  /** Failed calls whose error is the gateway's throttling. */
  readonly throttledCalls: number
  readonly ndjsonBytes: number
  /** Peak resident set of the process's whole life. */
  readonly peakRssMb: number
  /** Peak V8 heap in use, sampled every few reports during the run. */
  readonly peakHeapMb: number
  /** Heap in use after a forced collection at the end, less the same at the start: what the run still holds. */
  readonly retainedHeapMb: number
  /** Instances the summary lists as needing attention (the runner keeps those entries until the end). */
  readonly attention: number
}

const mb = (bytes: number) => bytes / 2 ** 20

/** Runs the fleet once and returns its figures. */
export const runFleet = (task: Task): Promise<Figures> =>
  Effect.gen(function* () {
    const targets = task.target.instanceIds
      .slice(0, task.instances)
      .map((instanceId) => ({ instanceId, regionId: task.target.regionId }))
    const credentials = yield* Credentials.make({
      accessKeyId: task.target.accessKeyId,
      accessKeySecret: task.target.accessKeySecret,
      source: "the fleet benchmark's emulator"
    })
    const limiter = task.qps === undefined ? RateLimiter.unlimited : yield* RateLimiter.make({ qps: task.qps })
    let throttledCalls = 0
    let ndjsonBytes = 0
    let peakHeap = 0
    let reports = 0
    let firstReportMs = 0
    globalThis.gc?.()
    const heapBefore = process.memoryUsage().heapUsed
    const cpu = process.cpuUsage()
    const start = performance.now()
    const snapshot = yield* Fleet.run({
      targets,
      concurrency: task.concurrency,
      limiter,
      onReport: (report) =>
        Effect.sync(() => {
          if (reports === 0) firstReportMs = performance.now() - start
          ndjsonBytes += Ndjson.line(report).length
          if (report.errorCode?.startsWith("Throttling") === true) throttledCalls++
          // Sampling every report would cost more than the report; every 8th is enough to see a peak.
          if (++reports % 8 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)
        })
    }).pipe(Effect.provide(Fleet.clientLayer({ endpoint: task.target.url, credentials, limiter })))
    const wallMs = performance.now() - start
    const used = process.cpuUsage(cpu)
    const peakHeapMb = mb(Math.max(peakHeap, process.memoryUsage().heapUsed))
    // The final snapshot is still referenced here, so what the runner keeps for its summary counts.
    globalThis.gc?.()
    const retainedHeapMb = mb(process.memoryUsage().heapUsed - heapBefore)
    return {
      wallMs,
      firstReportMs,
      cpuMs: (used.user + used.system) / 1000,
      answered: snapshot.done,
      failedCalls: snapshot.failedCalls,
      throttledCalls,
      ndjsonBytes,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      peakHeapMb,
      retainedHeapMb,
      attention: snapshot.attention.length
    } satisfies Figures
  }).pipe(Effect.runPromise)
