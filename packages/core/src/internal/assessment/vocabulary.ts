/**
 * How free-text status values are read. The vendor defines none of the step statuses or status codes, so these
 * patterns are deliberately narrow: a value they do not recognise stays "unknown" and never counts as done.
 */

/** Where a step stands, read from its status text (and, without one, from its times). */
export type StepPhase = "done" | "running" | "failed" | "pending" | "unknown"

const failureWords = /fail|error|abort|timeout|timed[\s_-]?out|cancel|reject|denied/i
const doneWords = /^(?:success|succeeded|successful|succeed|finished|finish|done|complete|completed|ok)$/i
const runningWords = /^(?:running|processing|in[\s_-]?progress|executing|doing|started|ongoing)$/i
const pendingWords = /^(?:pending|waiting|wait|not[\s_-]?started|init|initial|queued|scheduled|todo|created)$/i

/** Whether a status or status code names a failure (`LeaderRestartFailed`, `Error`, `Timeout`, `Cancelled`). */
export const namesFailure = (value: string): boolean => failureWords.test(value)

/** Reads a step's phase from its status; without a recognised status, a start without a stop means it is running. */
export const stepPhase = (status: string | undefined, started: boolean, stopped: boolean): StepPhase => {
  if (status !== undefined) {
    const text = status.trim()
    if (namesFailure(text)) return "failed"
    if (doneWords.test(text)) return "done"
    if (runningWords.test(text)) return "running"
    if (pendingWords.test(text)) return "pending"
  }
  return started && !stopped ? "running" : "unknown"
}
