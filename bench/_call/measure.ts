/** Drives one client: a warm-up, then the timed calls at a fixed concurrency, with CPU time and memory of this process. */
import { getHeapStatistics } from "node:v8"
import type { BenchClient, Figures, Task } from "./protocol.ts"

const mb = (bytes: number) => bytes / 2 ** 20

/** Runs `task` against `client` and returns what it cost. Any failed call fails the run. */
export const measure = async (client: BenchClient, task: Task): Promise<Figures> => {
  let peakHeap = 0
  const run = async (count: number) => {
    let started = 0
    let done = 0
    const worker = async () => {
      while (started < count) {
        started++
        await client.call()
        // Sampling every call would cost more than some clients' own work; every 16th is enough to see a peak. The V8
        // statistics are read without `process.memoryUsage()`, whose resident-set read costs a system call.
        if (++done % 16 === 0) peakHeap = Math.max(peakHeap, getHeapStatistics().used_heap_size)
      }
    }
    await Promise.all(Array.from({ length: task.concurrency }, worker))
  }

  await run(task.warmup)
  globalThis.gc?.()
  peakHeap = 0
  const cpu = process.cpuUsage()
  const start = performance.now()
  await run(task.requests)
  const wallMs = performance.now() - start
  const used = process.cpuUsage(cpu)
  await client.close()
  return {
    kind: task.kind,
    concurrency: task.concurrency,
    requests: task.requests,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    peakHeapMb: mb(peakHeap)
  }
}
