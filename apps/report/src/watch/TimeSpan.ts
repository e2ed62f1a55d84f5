/**
 * Lengths of time as people type and read them: `500ms`, `30s`, `5m`, `2h`, `1h30m`; a bare number is seconds.
 */

import { Assessment } from "@holo-upgrade/core"

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

/** A span for a person, as every report and message writes one: `0.8 s`, `42 s`, `7.1 min`, `2 h 03 min`. */
export const format = (ms: number): string => Assessment.describeSeconds(ms / 1000)
