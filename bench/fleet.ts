/**
 * Benchmark of a fleet run: the command's fleet runner asking 2,000 instances of the emulator, which allows 200
 * accepted requests per second per access key and answers after 20 ms, the way `holo-upgrade status --qps 200` does.
 * Shows wall time against the ideal (instances / quota), the share of the quota used, throttling answers at the
 * server and throttling errors reaching the user, and the client's peak memory from 200 to 2,000 instances. The same
 * fleet without a client-side limiter, what a script calling in a loop gets, is the comparison row.
 *
 * The emulator runs in its own process and every run in a fresh client process, so CPU and memory are the client's.
 * Roles of this one script: no argument runs the benchmark, `server` is the emulator process, `client` is one run
 * (its task arrives over IPC). Prints a table on stderr and one JSON object on stdout.
 */
import { type ChildProcess, fork } from "node:child_process"
import { setTimeout as sleep } from "node:timers/promises"
import type { Figures, Task } from "./_fleet/client.ts"
import type { Counts, Target } from "./_fleet/server.ts"

const qps = 200
const latencyMs = 20
const fleet = 2000
const sizes = [200, 500, 1000, 2000] as const
// 200 requests per second at a 20 ms round trip keep only 4 to 5 calls in flight; 16 workers leave room for a slow
// answer or a retry without the schedule ever waiting for a free worker.
const concurrency = 16
const runs = Number(process.env.HOLO_BENCH_FLEET_RUNS ?? 3)
// The emulator counts accepted requests in a sliding second: a run starts only once the last one's have left it.
const quietMs = 1100

interface Variant {
  readonly name: string
  readonly qps: number | undefined
  readonly sizes: ReadonlyArray<number>
}

const variants: ReadonlyArray<Variant> = [
  { name: `fleet runner, --qps ${qps}`, qps, sizes },
  { name: "fleet runner, no limiter", qps: undefined, sizes: [fleet] }
]

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const runClient = (task: Task): Promise<Figures> =>
  new Promise((resolve, reject) => {
    const child = fork(process.argv[1]!, ["client"], {
      execArgv: ["--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    let figures: Figures | undefined
    child.once("message", (message: Figures) => {
      figures = message
    })
    child.on("error", reject)
    child.on("exit", (code) => {
      if (code !== 0 || figures === undefined) {
        return reject(new Error(`${task.variant} with ${task.instances} instances exited with ${code}`))
      }
      resolve(figures)
    })
    child.send(task)
  })

const counter = (server: ChildProcess) => (): Promise<Counts> =>
  new Promise((resolve) => {
    server.once("message", (message: { counts: Counts }) => resolve(message.counts))
    server.send("count")
  })

interface Sample extends Figures {
  readonly variant: string
  readonly instances: number
  readonly server: Counts
}

const measure = async (): Promise<ReadonlyArray<Sample>> => {
  const server = fork(process.argv[1]!, ["server"], { stdio: ["ignore", "inherit", "inherit", "ipc"] })
  const target = await new Promise<Target>((resolve) =>
    server.once("message", (message: { target: Target }) => resolve(message.target))
  )
  const count = counter(server)
  const plan = variants.flatMap((variant) => variant.sizes.map((instances) => ({ variant, instances })))
  const samples: Array<Sample> = []
  try {
    for (let round = 0; round < runs; round++) {
      // Rotating the order spreads slow phases of a shared machine over every case.
      for (const [i] of plan.entries()) {
        const { variant, instances } = plan[(i + round) % plan.length]!
        await sleep(quietMs)
        await count()
        const figures = await runClient({ variant: variant.name, instances, concurrency, qps: variant.qps, target })
        const counts = await count()
        samples.push({ ...figures, variant: variant.name, instances, server: counts })
        process.stderr.write(
          `run ${round + 1}/${runs} ${variant.name}, ${instances}: ${(figures.wallMs / 1000).toFixed(2)} s, ${counts.throttled} throttled at the server, ${figures.throttledCalls} surfaced, RSS ${figures.peakRssMb.toFixed(0)} MB\n`
        )
      }
    }
  } finally {
    server.disconnect()
  }
  return samples
}

const summarize = (samples: ReadonlyArray<Sample>) => {
  const of = (variant: string, instances: number) =>
    samples.filter((sample) => sample.variant === variant && sample.instances === instances)
  const quotaUsed = (sample: Sample) => sample.server.accepted / ((sample.wallMs / 1000) * qps)
  // After the first report: the pace the run keeps once the client is built and its first answer is in.
  const steadyQuotaUsed = (sample: Sample) =>
    (sample.server.accepted - 1) / (((sample.wallMs - sample.firstReportMs) / 1000) * qps)

  const rows = variants.flatMap((variant) =>
    variant.sizes.map((instances) => {
      const mine = of(variant.name, instances)
      const idealS = instances / qps
      const wallS = median(mine.map((sample) => sample.wallMs / 1000))
      return {
        client: variant.name,
        instances,
        concurrency,
        wall_s: wallS,
        ideal_s: idealS,
        wall_vs_ideal: wallS / idealS,
        quota_used: median(mine.map(quotaUsed)),
        first_report_ms: median(mine.map((sample) => sample.firstReportMs)),
        steady_quota_used: median(mine.map(steadyQuotaUsed)),
        requests_at_server: median(mine.map((sample) => sample.server.requests)),
        throttled_at_server: median(mine.map((sample) => sample.server.throttled)),
        failed_calls: median(mine.map((sample) => sample.failedCalls)),
        throttling_surfaced: median(mine.map((sample) => sample.throttledCalls)),
        cpu_ms_per_instance: median(mine.map((sample) => sample.cpuMs / instances)),
        peak_rss_mb: median(mine.map((sample) => sample.peakRssMb)),
        peak_heap_mb: median(mine.map((sample) => sample.peakHeapMb))
      }
    })
  )

  const limited = variants[0]!.name
  const memory = sizes.map((instances) => {
    const rssOf = (n: number) => median(of(limited, n).map((sample) => sample.peakRssMb))
    const heapOf = (n: number) => median(of(limited, n).map((sample) => sample.peakHeapMb))
    return {
      instances,
      attention_entries: median(of(limited, instances).map((sample) => sample.attention)),
      retained_heap_mb: median(of(limited, instances).map((sample) => sample.retainedHeapMb)),
      peak_rss_mb: rssOf(instances),
      rss_vs_200: rssOf(instances) / rssOf(sizes[0]),
      peak_heap_mb: heapOf(instances),
      heap_vs_200: heapOf(instances) / heapOf(sizes[0])
    }
  })

  const full = of(limited, fleet)
  const last = memory[memory.length - 1]!
  const surfaced = Math.max(...samples.filter((sample) => sample.variant === limited).map((s) => s.throttledCalls))
  const used = median(full.map(quotaUsed))
  const targets = [
    { target: `quota used >= 90 % with --qps ${qps}, ${fleet} instances`, measured: used, met: used >= 0.9 },
    {
      target: `throttling errors surfaced = 0 with --qps ${qps}, every size and run`,
      measured: surfaced,
      met: surfaced === 0
    },
    {
      target: `peak RSS flat: ${fleet} vs 200 instances <= 1.2x`,
      measured: last.rss_vs_200,
      met: last.rss_vs_200 <= 1.2
    },
    {
      target: `peak heap flat: ${fleet} vs 200 instances <= 1.2x`,
      measured: last.heap_vs_200,
      met: last.heap_vs_200 <= 1.2
    }
  ]
  return { rows, memory, targets }
}

const role = process.argv[2]
if (role === "server") {
  await import("./_fleet/server.ts").then((server) => server.serve({ instances: fleet, qps, latencyMs }))
} else if (role === "client") {
  const { runFleet } = await import("./_fleet/client.ts")
  process.once("message", (task: Task) => {
    runFleet(task).then(
      (figures) => process.send?.(figures, () => process.disconnect()),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
        process.exit(1)
      }
    )
  })
} else {
  const samples = await measure()
  const { rows, memory, targets } = summarize(samples)
  const limited = rows.find((row) => row.client === variants[0]!.name && row.instances === fleet)!
  const naive = rows.find((row) => row.client === variants[1]!.name)!
  const share = (value: number) => `${(value * 100).toFixed(1)} %`
  const extra = (row: typeof naive) => share(row.requests_at_server / row.instances - 1)
  const notes = [
    `Medians of ${runs} runs per row, in rotating order, each in a fresh client process; the emulator (every V3 signature and nonce checked) runs in another process for the whole benchmark, serving ${fleet} instances of its scenario mix with ${latencyMs} ms added before every answer and a quota of ${qps} accepted requests per second per access key in a sliding second, as the gateway's flow control counts them.`,
    `The client is the command's own fleet runner (Fleet.run over Fleet.clientLayer, Node's transport) at concurrency ${concurrency}, with the limiter that --qps ${qps} makes (RateLimiter.make) or none, the default retry policy (4 attempts, the server's x-acs-retry-after honoured), and each report turned into its NDJSON line and let go, as status --output ndjson does.`,
    "wall_s: from the start of the run (building the client included) to the last report; ideal_s = instances / quota. quota_used: requests the server accepted divided by (wall_s x quota); steady_quota_used: the same from the first report on, the pace once the client is built and its first answer is in (first_report_ms). throttled_at_server: Throttling.User answers the emulator gave; throttling_surfaced: reports whose error is throttling, what the user sees as a failed call; failed_calls: every report holding an error.",
    "peak_rss_mb: the client process's peak resident set over its life; peak_heap_mb: the V8 heap in use, sampled every 8 reports, after a forced collection at the start of the run; retained_heap_mb: heap in use after a forced collection at the end (the final snapshot still held) less the same at the start; attention_entries: instances the summary lists, the one thing the runner keeps per instance.",
    `With --qps ${qps} at ${fleet} instances: ${share(limited.quota_used)} of the quota over the whole run, ${share(limited.steady_quota_used)} after the first report; the limiter is designed for 97.5 % (turns (1000 + 25) / ${qps} ms apart). ${limited.throttled_at_server} throttling answers at the server (median), ${limited.throttling_surfaced} surfaced: a throttled attempt is retried after the server's x-acs-retry-after and waits for a turn of its own. The emulator checks the quota after its ${latencyMs} ms sleep and the signature check, not on arrival, so delays on the server's side (a busy machine: see the load average) count against the 25 ms margin as well as the client's.`,
    `Without a limiter the same ${concurrency} workers send as fast as answers come back: ${naive.throttled_at_server} throttling answers out of ${naive.requests_at_server} requests (${extra(naive)} more requests than instances, against ${extra(limited)} with --qps ${qps}), ${naive.throttling_surfaced} throttling errors surfaced, ${share(naive.quota_used)} of the quota, ${naive.wall_s.toFixed(2)} s against ${limited.wall_s.toFixed(2)} s. The emulator's x-acs-retry-after names the exact moment its window frees, and the client honours it, so a naive run here is not slower; a gateway advising coarser waits, or other clients sharing the key, would make it so, and every throttled answer is load the account's quota is meant to spare.`,
    "Peak heap of a short run is lower mostly because V8 has not yet grown its old generation; retained_heap_mb is the figure that would grow if reports were kept. The document formats (table, json, yaml, markdown, html) keep every report until the end by nature, so their memory grows with the fleet; NDJSON does not."
  ]
  process.stderr.write(`${JSON.stringify({ rows, memory, targets }, null, 1)}\n`)
  process.stdout.write(
    `${JSON.stringify({
      name: "fleet",
      title: `A fleet: ${fleet.toLocaleString("en")} instances against a ${qps} QPS quota`,
      summary: `The command's fleet runner asking ${fleet} emulated instances (${latencyMs} ms latency, ${qps} accepted requests per second per key, in another process) with --qps ${qps}, and the same fleet without a client-side limiter.`,
      results: rows,
      memory,
      targets,
      notes
    })}\n`
  )
}
