import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import * as fc from "fast-check"
import { UpgradeStatus } from "../src/index.ts"
import { decodeCleanAnswer } from "../src/internal/response/cleanAnswer.ts"

const vendorExample = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../../fixtures/vendor-example-response.json", import.meta.url)), "utf8")
)

const bySchema = Schema.decodeUnknownEither(UpgradeStatus.Response)

/** Equal values with the same keys in the same order, numbers compared with `Object.is` (so -0 is not 0). */
const sameShape = (a: unknown, b: unknown, path = "$"): void => {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) {
    assert.isTrue(Object.is(a, b), `${path}: ${String(a)} vs ${String(b)}`)
    return
  }
  assert.strictEqual(Array.isArray(a), Array.isArray(b), `${path}: array vs object`)
  assert.deepStrictEqual(Object.keys(a), Object.keys(b), `${path}: keys`)
  for (const key of Object.keys(a)) {
    sameShape((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`)
  }
}

const absentLike = fc.constantFrom(null, "", " ", "null", " null\n")
const drift = fc.oneof(
  fc.string(),
  fc.integer({ min: -5, max: 1_200 }),
  fc.double(),
  fc.constant(-0),
  fc.boolean(),
  fc.constantFrom("true", "FALSE", "200", " 404 ", "2e2", "0x1F"),
  fc.bigInt(),
  fc.constantFrom("2023-05-09T06:48:28.843Z", "2024-02-30 10:00:00", "2024-01-02 03:04:05.6", "soon"),
  fc.array(fc.jsonValue(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 })
)
// Mostly the documented type, so that whole answers come out clean often; otherwise anything.
const field = (documented: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: documented, weight: 6 }, { arbitrary: absentLike, weight: 1 }, { arbitrary: drift, weight: 1 })
const text = field(fc.string())
const time = field(fc.constantFrom("2023-05-09T06:48:28.843Z", "2024-02-30 10:00:00", "2024-01-02 03:04:05.6", "x"))
const optionalKeys = <T>(model: Record<string, fc.Arbitrary<T>>) =>
  fc.record(model, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>

const upgradeRecord = optionalKeys({
  FromVersion: text,
  ToVersion: text,
  Status: text,
  Details: field(fc.jsonValue({ maxDepth: 2 })),
  PrepareFinishTime: time,
  Extra: field(drift)
})
const answer = optionalKeys({
  RequestId: text,
  Data: field(fc.oneof(fc.array(upgradeRecord, { maxLength: 3 }), upgradeRecord, fc.constant({}))),
  Success: field(fc.boolean()),
  ErrorCode: text,
  ErrorMessage: text,
  HttpStatusCode: field(fc.oneof(fc.integer({ min: 0, max: 999 }), fc.constantFrom("200", " 404 ", "0", "-0"))),
  Unknown: field(drift)
})

describe("decoding a clean answer without the schema", () => {
  it("builds exactly what the Response schema builds, whenever it decides", () => {
    let decided = 0
    fc.assert(
      fc.property(answer, (value) => {
        const clean = decodeCleanAnswer(value)
        if (clean === undefined) return
        decided++
        const expected = bySchema(value)
        assert.isTrue(Either.isRight(expected), "the schema refused an answer the fast path accepted")
        if (Either.isRight(expected)) sameShape(clean, expected.right)
      }),
      { numRuns: 3_000 }
    )
    // The comparison means something only if the generator reaches the fast path often.
    assert.isAbove(decided, 600)
  })

  it("decides the vendor's example and answers in the documented types", () => {
    const clean = decodeCleanAnswer(vendorExample)
    assert.isDefined(clean)
    sameShape(clean, Either.getOrThrow(bySchema(vendorExample)))
    const documented = {
      RequestId: "r-1",
      Data: [{ FromVersion: "r1", ToVersion: "r2", Status: "upgrading", Details: "{}", PrepareFinishTime: "null" }],
      Success: true,
      HttpStatusCode: 200
    }
    assert.isDefined(decodeCleanAnswer(documented))
  })

  it("leaves drift to the schema: text for a boolean, a number for text, a record that is not an object", () => {
    assert.isUndefined(decodeCleanAnswer({ Data: [], Success: "true" }))
    assert.isUndefined(decodeCleanAnswer({ Data: [], ErrorCode: 404 }))
    assert.isUndefined(decodeCleanAnswer({ Data: ["x"] }))
    assert.isUndefined(decodeCleanAnswer({ Data: [{ PrepareFinishTime: 1_700_000_000_000 }] }))
  })
})
