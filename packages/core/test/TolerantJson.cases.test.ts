import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import { JsonWriter, TolerantJson } from "../src/index.ts"

interface Case {
  readonly id: string
  readonly input: string
  readonly expect: unknown
  readonly ok_to_reject: boolean
  readonly expect_reject?: boolean
  readonly bigints?: ReadonlyArray<string>
  readonly expect_bigint_paths?: ReadonlyArray<ReadonlyArray<string | number>>
  readonly note?: string
}

const cases: ReadonlyArray<Case> = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../../fixtures/json-cases.json", import.meta.url)), "utf8")
)

/** The places that hold integers past 2^53: `expect_bigint_paths`, or the JSON pointers in `bigints`. */
const bigintPaths = (testCase: Case): ReadonlyArray<ReadonlyArray<string | number>> =>
  testCase.expect_bigint_paths ??
  (testCase.bigints ?? []).map((pointer) =>
    pointer
      .split("/")
      .slice(1)
      .map((step) => step.replace(/~1/g, "/").replace(/~0/g, "~"))
  )

/** Replaces the value at `path` (which must be a bigint or the exact digit string) by its digits. */
const digitsAt = (root: unknown, path: ReadonlyArray<string | number>): unknown => {
  let parent = root as Record<string | number, unknown>
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>
  const last = path[path.length - 1]!
  const found = parent[last]
  assert.isTrue(typeof found === "bigint" || typeof found === "string", `expected a bigint at /${path.join("/")}`)
  parent[last] = String(found)
  return root
}

describe("TolerantJson.parse on fixtures/json-cases.json", () => {
  for (const testCase of cases) {
    it(`${testCase.id}`, () => {
      const result = TolerantJson.parse(testCase.input)
      if (testCase.expect_reject === true) {
        assert.isTrue(Either.isLeft(result), "only a refusal is right here")
        return
      }
      if (Either.isLeft(result)) {
        assert.isTrue(testCase.ok_to_reject, `refused: ${result.left.message}`)
        assert.isAtLeast(result.left.offset, 0)
        return
      }
      let value = result.right.value
      for (const path of bigintPaths(testCase)) value = digitsAt(value, path)
      // Written out, the two must match key for key and in order.
      assert.strictEqual(JsonWriter.stringify(value), JSON.stringify(testCase.expect))
      assert.deepStrictEqual(value, testCase.expect)
    })
  }
})
