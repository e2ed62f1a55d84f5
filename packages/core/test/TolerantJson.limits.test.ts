import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import { JsonWriter, TolerantJson } from "../src/index.ts"

const right = (text: string, options?: TolerantJson.ParseOptions): TolerantJson.Parsed => {
  const result = TolerantJson.parse(text, options)
  if (Either.isLeft(result)) assert.fail(`expected a value, got ${result.left.message}`)
  return result.right
}

/** Follows the first child down, without recursion, and returns how many containers were passed. */
const depthAlongFirstChild = (value: unknown): number => {
  let depth = 0
  let current = value
  while (typeof current === "object" && current !== null) {
    depth++
    current = Array.isArray(current) ? current[0] : Object.values(current)[0]
  }
  return depth
}

describe("TolerantJson: deep nesting", () => {
  it("builds 100,000 levels of unclosed arrays and objects without growing the call stack", () => {
    const arrays = right("[".repeat(100_000))
    assert.strictEqual(depthAlongFirstChild(arrays.value), 100_000)
    assert.deepStrictEqual(arrays.repairCounts, { "unexpected-end": 1 })

    const objects = right('{"a":'.repeat(100_000))
    assert.strictEqual(depthAlongFirstChild(objects.value), 100_000)
    assert.isTrue(TolerantJson.exceedsDepth(objects.value, 99_999))
    assert.isFalse(TolerantJson.exceedsDepth(objects.value, 100_000))
  })

  it("refuses broken nesting past maxDepth with the offset where it stopped", () => {
    const result = TolerantJson.parse("[".repeat(100_001))
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.strictEqual(result.left.reason, "max-depth-exceeded")
      assert.strictEqual(result.left.offset, 100_000)
    }
  })

  it("handles runs of wrong closers through deep nesting", () => {
    const stray = right(`${"[".repeat(50_000)}1${"}".repeat(50_000)}`)
    assert.strictEqual(depthAlongFirstChild(stray.value), 50_000)
    assert.strictEqual(stray.repairCounts["extra-closer"], 50_000)
    const swapped = right(`${'[{"a":'.repeat(20_000)}1${"]}".repeat(20_000)}`)
    assert.strictEqual(depthAlongFirstChild(swapped.value), 40_000)
    assert.strictEqual(swapped.repairCounts["closers-reordered"], 20_000)
  })

  it("reads 1,000,000 levels of valid nesting (the fast path)", () => {
    const text = `${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`
    const result = right(text)
    assert.strictEqual(result.repairTotal, 0)
    assert.strictEqual(depthAlongFirstChild(result.value), 1_000_000)
  })
})

describe("TolerantJson: large input", () => {
  it("reads a 50 MB string, valid or cut off", () => {
    const body = "x".repeat(50_000_000)
    const valid = right(`{"blob":"${body}"}`)
    assert.strictEqual((valid.value as { blob: string }).blob.length, 50_000_000)
    const cut = right(`{"blob":"${body}`, { assumeMalformed: true })
    assert.strictEqual((cut.value as { blob: string }).blob.length, 50_000_000)
    assert.deepStrictEqual(cut.repairCounts, { "unterminated-string": 1, "unexpected-end": 1 })
  })

  it("reads a long run of damage and counts every repair", () => {
    const text = `[${Array.from({ length: 100_000 }, (_, i) => `{"i":${i}}`).join("")}]`
    const result = right(text)
    assert.strictEqual((result.value as Array<unknown>).length, 100_000)
    assert.strictEqual(result.repairTotal, 99_999)
    assert.strictEqual(result.repairs.length, 100)
  })

  it("keeps huge integers exact at any size", () => {
    const digits = "9".repeat(400)
    const result = right(`{"n":${digits}}`)
    assert.strictEqual((result.value as { n: bigint }).n, BigInt(digits))
    assert.strictEqual(JsonWriter.stringify(result.value), `{"n":${digits}}`)
  })
})
