/**
 * Assertions that need no test framework, so the contract suite and the Deno tests run unchanged under vitest, under
 * `deno test` and from a plain script. Each throws an `Error` whose message shows both sides.
 */

const show = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value)
  try {
    return JSON.stringify(value, (_key, item) => (typeof item === "bigint" ? `${item}n` : item)) ?? String(value)
  } catch {
    return String(value)
  }
}

const sameValue = (actual: unknown, expected: unknown): boolean => {
  if (Object.is(actual, expected)) return true
  if (typeof actual !== "object" || typeof expected !== "object" || actual === null || expected === null) return false
  if (Array.isArray(actual) !== Array.isArray(expected)) return false
  const actualKeys = Object.keys(actual).filter((key) => (actual as Record<string, unknown>)[key] !== undefined)
  const expectedKeys = Object.keys(expected).filter((key) => (expected as Record<string, unknown>)[key] !== undefined)
  if (actualKeys.length !== expectedKeys.length) return false
  return expectedKeys.every((key) =>
    sameValue((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key])
  )
}

/** Fails unless `actual` and `expected` are the same primitive or structurally equal plain data. */
export const equal = <A>(actual: A, expected: A, what: string): void => {
  if (!sameValue(actual, expected)) throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`)
}

/** Fails unless `condition` holds. */
export const ok = (condition: boolean, what: string): void => {
  if (!condition) throw new Error(what)
}

/** Fails unless `text` matches `pattern`. */
export const matches = (text: string, pattern: RegExp, what: string): void => {
  if (!pattern.test(text)) throw new Error(`${what}: ${show(text)} does not match ${pattern}`)
}

/** Awaits `promise` and returns what it was rejected with; fails when it resolves. */
export const rejects = async (promise: Promise<unknown>, what: string): Promise<unknown> => {
  try {
    const value = await promise
    throw new ResolvedError(`${what}: expected a rejection, got ${show(value)}`)
  } catch (error) {
    if (error instanceof ResolvedError) throw error
    return error
  }
}

class ResolvedError extends Error {}
