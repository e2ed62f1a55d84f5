/** What the call-cost benchmark's processes tell each other: the server's address, a client's task and its figures. */

/** The emulator a client calls, and the key it signs with. */
export interface Target {
  readonly url: string
  readonly instanceId: string
  readonly regionId: string
  readonly accessKeyId: string
  readonly accessKeySecret: string
}

/** One client under test: `call` sends one signed `GetUpgradeStatus` and rejects unless the answer is a success. */
export interface BenchClient {
  readonly call: () => Promise<unknown>
  readonly close: () => Promise<void>
}

/** What a client process is asked to do. */
export interface Task {
  readonly kind: string
  readonly target: Target
  readonly concurrency: number
  readonly warmup: number
  readonly requests: number
}

/** What a client process measured over its `requests` timed calls (after the warm-up). */
export interface Figures {
  readonly kind: string
  readonly concurrency: number
  readonly requests: number
  readonly wallMs: number
  /** User plus system CPU time of the client process over the timed calls. */
  readonly cpuMs: number
  /** Peak resident set size of the whole process life, warm-up included. */
  readonly peakRssMb: number
  /** Peak V8 heap in use, sampled every few calls during the timed calls. */
  readonly peakHeapMb: number
}

/** Throws unless a decoded body looks like a successful answer with at least one record. */
export const expectRecords = (body: unknown): void => {
  const data = (body as { Data?: unknown } | null)?.Data
  if (!Array.isArray(data) || data.length === 0) throw new Error(`unexpected answer: ${JSON.stringify(body)}`)
}
