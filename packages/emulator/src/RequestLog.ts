/**
 * What the emulator remembers about each API request: enough for a test to assert how a client behaved (which key,
 * which nonce, whether the signature held, what came back) without reading sockets.
 */

/**
 * The gateway's verdict on a request's credentials: `valid`, or why it was refused. `not-checked` means the request
 * was turned away before the signature was looked at (unknown route, wrong action or version).
 */
export type Verdict =
  | "valid"
  | "missing"
  | "malformed"
  | "unknown-key"
  | "bad-timestamp"
  | "expired"
  | "mismatch"
  | "token-mismatch"
  | "nonce-reused"
  | "not-checked"

/** One logged request. `status` is absent when no HTTP answer was written (a reset or a reply that never came). */
export interface Entry {
  /** Position in the log, from 1; it keeps counting when old entries fall out of the ring. */
  readonly seq: number
  /** Arrival time on the emulator's clock, ISO-8601. */
  readonly time: string
  readonly method: string
  readonly path: string
  readonly query: string
  readonly accessKeyId: string | undefined
  readonly nonce: string | undefined
  readonly signatureVersion: "v3" | "v1" | undefined
  readonly verdict: Verdict
  readonly instanceId: string | undefined
  readonly status: number | undefined
  /** The error code answered, when the answer was an error document. */
  readonly code: string | undefined
  /** The fault injected, if any. */
  readonly fault: string | undefined
  readonly requestId: string | undefined
}

/** A bounded log: the newest `capacity` entries, oldest first. */
export interface Ring {
  readonly add: (entry: Omit<Entry, "seq">) => Entry
  readonly entries: () => ReadonlyArray<Entry>
  readonly clear: () => void
}

/** A ring buffer of log entries holding at most `capacity` of them. */
export const ring = (capacity: number): Ring => {
  const slots: Array<Entry> = []
  let next = 0
  let seq = 0
  return {
    add: (partial) => {
      const entry = { seq: ++seq, ...partial }
      if (slots.length < capacity) slots.push(entry)
      else slots[next] = entry
      next = (next + 1) % capacity
      return entry
    },
    entries: () => (slots.length < capacity ? [...slots] : [...slots.slice(next), ...slots.slice(0, next)]),
    clear: () => {
      slots.length = 0
      next = 0
    }
  }
}

/** One line for a terminal: time, method, path, key, verdict, status, fault. */
export const format = (entry: Entry): string =>
  [
    entry.time,
    entry.method,
    `${entry.path}${entry.query === "" ? "" : `?${entry.query}`}`,
    `key=${entry.accessKeyId ?? "-"}`,
    `sig=${entry.signatureVersion ?? "-"}:${entry.verdict}`,
    `status=${entry.status ?? "none"}${entry.code === undefined ? "" : ` ${entry.code}`}`,
    ...(entry.fault === undefined ? [] : [`fault=${entry.fault}`])
  ].join(" ")
