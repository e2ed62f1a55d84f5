/**
 * Flow control per access key, like the gateway's per-account quota: at most `qps` accepted requests in any sliding
 * second. A refused request does not count, so a client that waits the advertised time gets through.
 */
export const throttle = (qps: number, now: () => number) => {
  const windows = new Map<string, Array<number>>()
  return {
    /** Admits a request for a key, or returns how many milliseconds to wait before the next one can pass. */
    admit: (
      accessKeyId: string
    ): { readonly admitted: true } | { readonly admitted: false; readonly retryAfterMs: number } => {
      const at = now()
      const recent = (windows.get(accessKeyId) ?? []).filter((time) => time > at - 1000)
      if (recent.length >= qps) {
        windows.set(accessKeyId, recent)
        return { admitted: false, retryAfterMs: Math.max(1, recent[0]! + 1000 - at) }
      }
      recent.push(at)
      windows.set(accessKeyId, recent)
      return { admitted: true }
    }
  }
}
