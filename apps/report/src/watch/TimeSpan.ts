/**
 * Lengths of time as people type and read them: `500ms`, `30s`, `5m`, `2h`, `1h30m`; a bare number is seconds.
 */

const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y

/** Milliseconds in a span such as `30s` or `1h30m`; `undefined` when the text is not one. */
export const parse = (text: string): number | undefined => {
  const trimmed = text.trim().toLowerCase()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000
  if (trimmed === "") return undefined
  let total = 0
  part.lastIndex = 0
  while (part.lastIndex < trimmed.length) {
    const at = part.lastIndex
    const match = part.exec(trimmed)
    if (match === null || match.index !== at) return undefined
    total += Number(match[1]) * unitMs[match[2] as keyof typeof unitMs]
  }
  return Number.isFinite(total) ? total : undefined
}

/** A span for a person: `750ms`, `42s`, `7m 05s`, `2h 03m`. */
export const format = (ms: number): string => {
  if (ms <= 0) return "0s"
  if (ms < 1000) return `${Math.round(ms)}ms`
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`
}
