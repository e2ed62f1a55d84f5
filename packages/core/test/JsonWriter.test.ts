import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import * as fc from "fast-check"
import { JsonWriter, TolerantJson } from "../src/index.ts"

describe("JsonWriter.stringify", () => {
  it("writes what JSON.stringify writes for JSON values, compact and indented", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.jsonValue({ stringUnit: "binary" })),
        fc.integer({ min: 0, max: 4 }),
        (value, indent) => {
          assert.strictEqual(JsonWriter.stringify(value, { indent }), JSON.stringify(value, null, indent))
        }
      ),
      { numRuns: 300 }
    )
  })

  it("writes bigints as their exact digits, and TolerantJson reads them back", () => {
    const value = { id: 300433463265624129n, neg: -9007199254740993n, list: [1n, 2, 12345678901234567890123n] }
    const text = JsonWriter.stringify(value)
    assert.strictEqual(text, '{"id":300433463265624129,"neg":-9007199254740993,"list":[1,2,12345678901234567890123]}')
    const back = TolerantJson.parse(text)
    assert.isTrue(Either.isRight(back))
    if (Either.isRight(back))
      assert.deepStrictEqual(back.right.value, { ...value, list: [1, 2, 12345678901234567890123n] })
  })

  it("round-trips a string that starts like a document and ends in an escaped quote", () => {
    for (const value of ['{"', '["', ['{"', 0], { k: '{""' }]) {
      const text = JsonWriter.stringify(value)
      const back = TolerantJson.parse(text, { assumeMalformed: true })
      assert.isTrue(Either.isRight(back))
      if (Either.isRight(back)) {
        assert.strictEqual(back.right.repairTotal, 0, text)
        assert.deepStrictEqual(back.right.value, value)
      }
    }
  })

  it("round-trips random values holding bigints through TolerantJson", () => {
    const withBigints = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.bigInt({ min: 2n ** 53n, max: 2n ** 80n }),
        fc.integer(),
        fc.string(),
        fc.constant(null),
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(fc.string({ minLength: 1 }), tie("value"), { maxKeys: 4, noNullPrototype: true })
      )
    })).value
    fc.assert(
      fc.property(withBigints, fc.integer({ min: 0, max: 2 }), (value, indent) => {
        const text = JsonWriter.stringify(value, { indent })
        const back = TolerantJson.parse(text, { assumeMalformed: true })
        assert.isTrue(Either.isRight(back))
        if (Either.isRight(back)) {
          assert.strictEqual(back.right.repairTotal, 0)
          assert.strictEqual(JsonWriter.stringify(back.right.value, { indent }), text)
        }
      }),
      { numRuns: 200 }
    )
  })

  it("writes values nested far deeper than JSON.stringify can", () => {
    const depth = 200_000
    let value: unknown = 1n
    for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value }
    assert.throws(() => JSON.stringify(value, (_, item) => (typeof item === "bigint" ? String(item) : item)))
    const text = JsonWriter.stringify(value)
    assert.strictEqual(text.length, depth * 2 + (depth / 2) * 4 + 1)
    const back = TolerantJson.parse(text)
    assert.isTrue(Either.isRight(back) && TolerantJson.exceedsDepth(back.right.value, depth - 1))
  })

  it("follows JSON.stringify for toJSON, boxed values, and what JSON cannot hold", () => {
    const date = new Date(Date.UTC(2023, 4, 9, 6, 48, 28, 843))
    const value = {
      at: date,
      boxed: [Object(1), Object("s"), Object(true), Object(5n)],
      skipped: undefined,
      fn: () => 1,
      list: [undefined, () => 1, Number.NaN, Number.POSITIVE_INFINITY, -0]
    }
    assert.strictEqual(
      JsonWriter.stringify(value),
      '{"at":"2023-05-09T06:48:28.843Z","boxed":[1,"s",true,5],"list":[null,null,null,null,0]}'
    )
    assert.strictEqual(JsonWriter.stringify(undefined), "null")
    assert.strictEqual(JsonWriter.stringify({ a: [], b: {} }, { indent: 2 }), JSON.stringify({ a: [], b: {} }, null, 2))
  })

  it("refuses a cyclic value with a TypeError, as JSON.stringify does", () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = { again: cyclic }
    assert.throws(() => JsonWriter.stringify(cyclic), TypeError)
    const shared = { x: 1 }
    assert.strictEqual(JsonWriter.stringify([shared, shared]), '[{"x":1},{"x":1}]')
  })
})
