import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import * as fc from "fast-check"
import { JsonWriter, TolerantJson } from "../src/index.ts"

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

const isSafe = (n: bigint): boolean => n >= -MAX_SAFE && n <= MAX_SAFE

/** A parsed bigint is right for a number JSON.parse rounded; a safe expected bigint comes back as a number. */
const sameInteger = (actual: unknown, expected: unknown): boolean => {
  if (typeof actual === "bigint" && typeof expected === "bigint") return actual === expected
  if (typeof actual === "bigint") return !isSafe(actual) && Number(actual) === expected
  return typeof expected === "bigint" && isSafe(expected) && actual === Number(expected)
}

/**
 * Compares a parsed value with the expected one without recursion, keys in order. A bigint on the parsed side
 * stands for an integer JSON.parse would have rounded: it matches a bigint with the same digits, or the number
 * JSON.parse gave for it.
 */
const sameValue = (actual: unknown, expected: unknown): boolean => {
  const pending: Array<readonly [unknown, unknown]> = [[actual, expected]]
  while (pending.length > 0) {
    const [a, e] = pending.pop()!
    if (typeof a === "bigint" || typeof e === "bigint") {
      if (!sameInteger(a, e)) return false
      continue
    }
    if (typeof a !== "object" || a === null || typeof e !== "object" || e === null) {
      // `===` on purpose: JSON writes -0 as 0.
      if (a !== e) return false
      continue
    }
    if (Array.isArray(a) !== Array.isArray(e)) return false
    const keys = Object.keys(a)
    const expectedKeys = Object.keys(e)
    if (keys.length !== expectedKeys.length || keys.some((key, i) => key !== expectedKeys[i])) return false
    for (const key of keys) {
      pending.push([(a as Record<string, unknown>)[key], (e as Record<string, unknown>)[key]])
    }
  }
  return true
}

const right = (text: string, options?: TolerantJson.ParseOptions): TolerantJson.Parsed => {
  const result = TolerantJson.parse(text, options)
  if (Either.isLeft(result)) throw new Error(`refused ${JSON.stringify(text)}: ${result.left.message}`)
  return result.right
}

/** A root string whose content is itself a document is unwrapped on purpose; the oracle would disagree. */
const isDocumentString = (value: unknown): boolean =>
  typeof value === "string" && /^\s*[[{"][\s\S]*[\]}"]\s*$/.test(value)

/** JSON values whose integers include ones past 2^53, which only a bigint holds. */
const exactJson = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie("value"), { maxKeys: 5 })
  )
})).value

describe("TolerantJson differential: valid JSON through the repair path equals JSON.parse", () => {
  it("on random JSON documents, with no repairs", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.jsonValue({ stringUnit: "binary" })),
        fc.integer({ min: 0, max: 3 }),
        (value, indent) => {
          fc.pre(!isDocumentString(value))
          const text = JSON.stringify(value, null, indent)
          const result = right(text, { assumeMalformed: true })
          assert.strictEqual(result.repairTotal, 0, `repairs on valid ${text}: ${JSON.stringify(result.repairs)}`)
          assert.isTrue(sameValue(result.value, JSON.parse(text)), text)
          assert.isTrue(sameValue(right(text).value, JSON.parse(text)), text)
        }
      ),
      { numRuns: 400 }
    )
  })

  it("when tokens lie farther apart than the parser looks ahead", () => {
    const far = " ".repeat(300)
    const longKey = "k".repeat(300)
    const texts = [
      `{"a":"x",${far}"b":1}`,
      `{"a":"x"${far},"b":1}`,
      `{"a":"x",\n${far}"${longKey}":1}`,
      `["x",${far}"y",${far}1]`,
      `{"${longKey}"${far}:${far}"${longKey}"}`,
      `[${far}]`
    ]
    for (const text of texts) {
      const result = right(text, { assumeMalformed: true })
      assert.strictEqual(result.repairTotal, 0, text)
      assert.isTrue(sameValue(result.value, JSON.parse(text)), text)
    }
  })

  it("on random JSON with integers past 2^53, keeping every digit", () => {
    fc.assert(
      fc.property(exactJson, (value) => {
        fc.pre(!isDocumentString(value))
        const text = JsonWriter.stringify(value)
        for (const assumeMalformed of [true, false]) {
          const result = right(text, { assumeMalformed })
          assert.strictEqual(result.repairTotal, 0, text)
          assert.isTrue(sameValue(result.value, value), text)
        }
      }),
      { numRuns: 300 }
    )
  })
})

/** Details-like documents: vendor-style keys, short texts, small integers, a few levels deep. */
const detailsLike = fc.letrec<{ node: unknown; leaf: unknown }>((tie) => ({
  leaf: fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9 _.:-]{1,12}$/),
    fc.integer({ min: -100_000, max: 100_000 }),
    fc.boolean(),
    fc.constant(null)
  ),
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("leaf"),
    fc.array(tie("node"), { minLength: 1, maxLength: 4 }),
    fc.dictionary(
      fc.constantFrom("Status", "StartTime", "Database", "db", "user", "Count", "Id", "Name"),
      tie("node"),
      {
        minKeys: 1,
        maxKeys: 5
      }
    )
  )
})).node

const detailsDocument = fc.dictionary(
  fc.constantFrom("UpgradePhase", "StatusCode", "FlightingReport", "UpgradingSteps", "Instances", "Steps"),
  detailsLike,
  { minKeys: 2, maxKeys: 6 }
)

/** Offsets of the structural characters (outside strings) of a JSON text. */
const structural = (text: string, wanted: string): Array<number> => {
  const found: Array<number> = []
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === "\\") i++
      else if (c === '"') inString = false
    } else if (c === '"') {
      inString = true
    } else if (wanted.includes(c!)) {
      found.push(i)
    }
  }
  return found
}

const never = (text: string): void => {
  const result = TolerantJson.parse(text)
  if (Either.isRight(result)) {
    for (const repair of result.right.repairs) assert.isTrue(repair.offset >= 0 && repair.offset <= text.length)
  } else {
    assert.isTrue(result.left.offset >= 0)
  }
}

describe("TolerantJson mutations of Details-like documents", () => {
  it("recovers the original value when a comma is deleted", () => {
    fc.assert(
      fc.property(detailsDocument, fc.integer({ min: 1, max: 4 }), fc.nat(), (value, indent, pick) => {
        const text = JSON.stringify(value, null, indent)
        const commas = structural(text, ",")
        fc.pre(commas.length > 0)
        const at = commas[pick % commas.length]!
        const damaged = text.slice(0, at) + text.slice(at + 1)
        const result = right(damaged)
        assert.isTrue(sameValue(result.value, value), damaged)
        assert.deepStrictEqual(Object.keys(result.repairCounts), ["missing-comma"])
      }),
      { numRuns: 300 }
    )
  })

  it("recovers the original value when a trailing comma is added", () => {
    fc.assert(
      fc.property(detailsDocument, fc.integer({ min: 0, max: 2 }), fc.nat(), (value, indent, pick) => {
        const text = JSON.stringify(value, null, indent)
        const closers = structural(text, "}]").filter((i) => !"{[".includes(text[i - 1]!))
        const at = closers[pick % closers.length]!
        const damaged = `${text.slice(0, at)},${text.slice(at)}`
        const result = right(damaged)
        assert.isTrue(sameValue(result.value, value), damaged)
        assert.deepStrictEqual(result.repairCounts, { "trailing-comma": 1 })
      }),
      { numRuns: 300 }
    )
  })

  it("recovers the original value when quotes are single or curly", () => {
    fc.assert(
      fc.property(detailsDocument, fc.integer({ min: 0, max: 2 }), fc.boolean(), (value, indent, curly) => {
        const text = JSON.stringify(value, null, indent)
        let open = true
        const damaged = curly ? text.replace(/"/g, () => ((open = !open) ? "”" : "“")) : text.replace(/"/g, "'")
        const result = right(damaged)
        assert.isTrue(sameValue(result.value, value), damaged)
      }),
      { numRuns: 200 }
    )
  })

  it("never throws when a closer is dropped, and recovers the value when it was the last one", () => {
    fc.assert(
      fc.property(detailsDocument, fc.integer({ min: 0, max: 2 }), fc.nat(), (value, indent, pick) => {
        const text = JSON.stringify(value, null, indent)
        const closers = structural(text, "}]")
        const at = closers[pick % closers.length]!
        never(text.slice(0, at) + text.slice(at + 1))
        const result = right(text.slice(0, text.length - 1))
        assert.isTrue(sameValue(result.value, value))
        assert.deepStrictEqual(result.repairCounts, { "unexpected-end": 1 })
      }),
      { numRuns: 200 }
    )
  })

  it("never throws on a truncated document, and keeps the members before a cut after a separator", () => {
    fc.assert(
      fc.property(detailsDocument, fc.integer({ min: 0, max: 2 }), fc.nat(), (value, indent, cut) => {
        const text = JSON.stringify(value, null, indent)
        never(text.slice(0, cut % text.length))
        // Cut just after a top-level separator: the object holds exactly the members before it.
        const keys = Object.keys(value)
        const separators = structural(text, ",").filter((i) => {
          const before = text.slice(0, i)
          return structural(before, "{[").length - structural(before, "}]").length === 1
        })
        fc.pre(separators.length > 0)
        const index = cut % separators.length
        const result = right(text.slice(0, separators[index]! + 1))
        const expected = Object.fromEntries(keys.slice(0, index + 1).map((key) => [key, value[key]]))
        assert.isTrue(sameValue(result.value, expected))
      }),
      { numRuns: 200 }
    )
  })

  it("never throws on arbitrary text made of JSON's characters and their look-alikes", () => {
    const piece = fc.constantFrom(
      ..."{}[]\"',:0123456789-+.eE \n\t\\/*truefalsnNoIiy“”‘’，：…`´#&quot;".split(""),
      "true",
      "None",
      "NaN",
      "//",
      "/*",
      "```json",
      "&quot;",
      "\\u12",
      "[Truncated]",
      "\uFEFF"
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => never(pieces.join(""))),
      { numRuns: 2000 }
    )
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 80 }), (text) => never(text)),
      { numRuns: 500 }
    )
  })
})
