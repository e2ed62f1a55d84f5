import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import { JsonWriter, TolerantJson } from "../src/index.ts"

const vendorResponse = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../../fixtures/vendor-example-response.json", import.meta.url)), "utf8")
)
const vendorDetails: string = vendorResponse.Data[0].Details

const parsed = (text: string, options?: TolerantJson.ParseOptions): TolerantJson.Parsed => {
  const result = TolerantJson.parse(text, options)
  if (Either.isLeft(result)) assert.fail(`expected a value, got ${result.left.message}`)
  return result.right
}

const refused = (text: string, options?: TolerantJson.ParseOptions): TolerantJson.TolerantJsonError => {
  const result = TolerantJson.parse(text, options)
  if (Either.isRight(result)) assert.fail(`expected a refusal, got ${JsonWriter.stringify(result.right.value)}`)
  return result.left
}

const kinds = (result: TolerantJson.Parsed): ReadonlyArray<string> => result.repairs.map((repair) => repair.kind)

/** The value written out (keys in order, bigints exact) and the repair kinds, for compact comparisons. */
const summary = (text: string, options?: TolerantJson.ParseOptions) => {
  const result = parsed(text, options)
  return { json: JsonWriter.stringify(result.value), kinds: kinds(result) }
}

describe("TolerantJson.parse: the vendor example", () => {
  it("repairs Details with exactly the four expected repairs, keeping TotalExecuted a number", () => {
    for (const assumeMalformed of [false, true]) {
      const result = parsed(vendorDetails, { assumeMalformed })
      assert.deepStrictEqual(
        result.repairs.map((repair) => [repair.offset, repair.kind, repair.severity]),
        [
          [117, "missing-comma", "structure"],
          [170, "missing-comma", "structure"],
          [622, "trailing-comma", "syntax"],
          [1296, "missing-comma", "structure"]
        ]
      )
      assert.strictEqual(result.repairTotal, 4)
      assert.deepStrictEqual(result.repairCounts, { "missing-comma": 3, "trailing-comma": 1 })
      const value = result.value as { FlightingReport: { SQLResultStat: { TotalExecuted: unknown } } }
      assert.strictEqual(value.FlightingReport.SQLResultStat.TotalExecuted, 9000)
    }
  })

  it("reads the valid outer response exactly as JSON.parse does, with no repairs", () => {
    const text = JSON.stringify(vendorResponse)
    const result = parsed(text)
    assert.deepStrictEqual(result.value, JSON.parse(text))
    assert.strictEqual(result.repairTotal, 0)
  })
})

describe("TolerantJson.parse: repairs", () => {
  const table: ReadonlyArray<readonly [string, string, ReadonlyArray<string>]> = [
    // separators
    ['{"a":1 "b":2}', '{"a":1,"b":2}', ["missing-comma"]],
    ["[1 2 3]", "[1,2,3]", ["missing-comma", "missing-comma"]],
    ['{"a":"x""b":2}', '{"a":"x","b":2}', ["missing-comma"]],
    ['["a" "b"]', '["a","b"]', ["missing-comma"]],
    ["[1,2,]", "[1,2]", ["trailing-comma"]],
    ['{"a":1,}', '{"a":1}', ["trailing-comma"]],
    ["[1,,2]", "[1,2]", ["extra-comma"]],
    ['{,"a":1}', '{"a":1}', ["extra-comma"]],
    ['{"a" 1}', '{"a":1}', ["missing-colon"]],
    ['{"a"：1，"b":2}', '{"a":1,"b":2}', ["fullwidth-punctuation", "fullwidth-punctuation"]],
    // closers
    ["[1,2", "[1,2]", ["unexpected-end"]],
    ['{"a":[1,2}', '{"a":[1,2]}', ["missing-closer"]],
    ['{"a":[1,2},"b":3}', '{"a":[1,2],"b":3}', ["wrong-closer"]],
    ['[{"a":1]}', '[{"a":1}]', ["closers-reordered"]],
    ['{"a":1}}', '{"a":1}', ["extra-closer"]],
    ['{"a":[1,2]]}', '{"a":[1,2]}', ["extra-closer"]],
    ['{"a":{"b":1}},"c":2}', '{"a":{"b":1},"c":2}', ["extra-closer"]],
    ['[{"i":1{"i":2}]', '[{"i":1},{"i":2}]', ["missing-comma", "missing-closer"]],
    // quotes and keys
    ["{'a':'b'}", '{"a":"b"}', ["single-quotes", "single-quotes"]],
    ["{‘a’:‘b’}", '{"a":"b"}', ["smart-quotes", "smart-quotes"]],
    ["{`a`:1}", '{"a":1}', ["single-quotes"]],
    ["{a:1,$b_2:2}", '{"a":1,"$b_2":2}', ["unquoted-key", "unquoted-key"]],
    ['{"a":hello world}', '{"a":"hello world"}', ["unquoted-string"]],
    ['{"a":hello b:1}', '{"a":"hello","b":1}', ["unquoted-string", "missing-comma", "unquoted-key"]],
    ['{"text":"Ship the 55" monitor"}', '{"text":"Ship the 55\\" monitor"}', ["unescaped-quote"]],
    ['{"a":"He said "hi", then left"}', '{"a":"He said \\"hi\\", then left"}', ["unescaped-quote", "unescaped-quote"]],
    ['{"size":"53"","b":1}', '{"size":"53\\"","b":1}', ["unescaped-quote"]],
    ['{"a":"hello, "b":1}', '{"a":"hello","b":1}', ["missing-end-quote"]],
    ['{"a":"x", "y" z"}', '{"a":"x\\", \\"y\\" z"}', Array(3).fill("unescaped-quote")],
    ['{"a":"hello\n "b":1}', '{"a":"hello","b":1}', ["missing-end-quote", "missing-comma"]],
    ['{"a":"hello,\n "b":1}', '{"a":"hello","b":1}', ["missing-end-quote"]],
    ['["a,\n "b"]', '["a","b"]', ["missing-end-quote"]],
    ['{"a":"hello\n}', '{"a":"hello"}', ["missing-end-quote"]],
    ['{"a":"line1\nline2"}', '{"a":"line1\\nline2"}', ["raw-control-char"]],
    ['{"a":"b\tc\u0000"}', '{"a":"b\\tc\\u0000"}', ["raw-control-char", "raw-control-char"]],
    // strings cut off and escapes
    ['{"a":"hello', '{"a":"hello"}', ["unterminated-string", "unexpected-end"]],
    ['{"a":"b}', '{"a":"b"}', ["unterminated-string"]],
    ['{"a":"x\\u12', '{"a":"x"}', ["unterminated-string", "truncated-escape", "unexpected-end"]],
    ['{"a":"x\\', '{"a":"x"}', ["unterminated-string", "truncated-escape", "unexpected-end"]],
    ['{"p":"C:\\Windows\\new"}', '{"p":"C:\\\\Windows\\\\new"}', ["invalid-escape"]],
    ['{"p":"it\\\'s"}', '{"p":"it\'s"}', ["invalid-escape"]],
    [
      '{"a":"abc...[Truncated 300 chars]',
      '{"a":"abc"}',
      ["unterminated-string", "truncation-marker", "unexpected-end"]
    ],
    // comments, ellipses, markers
    ['{"a":1 /* x */, // y\n"b":2}', '{"a":1,"b":2}', ["comment", "comment"]],
    ["[1,2,...]", "[1,2]", ["ellipsis"]],
    ['{"a":1, …}', '{"a":1}', ["ellipsis"]],
    ["[1,2 [Truncated]", "[1,2]", ["truncation-marker", "unexpected-end"]],
    // literals and numbers
    ["[True,False,None,undefined]", "[true,false,null,null]", Array(4).fill("non-json-literal")],
    ["[NaN,Infinity,-Infinity]", "[null,null,null]", Array(3).fill("non-finite-number")],
    ['{"z":00123,"n":-05}', '{"z":"00123","n":"-05"}', ["leading-zeros", "leading-zeros"]],
    ["[.5,1.,+1,1.5e]", "[0.5,1,1,1.5]", Array(4).fill("number-syntax")],
    [
      '{"t":2024-10-18T06:48:28Z,"v":0.0.1,"h":12:20}',
      '{"t":"2024-10-18T06:48:28Z","v":"0.0.1","h":"12:20"}',
      ["unquoted-string", "unquoted-string", "unquoted-string"]
    ],
    ['{"TotalExecuted":9000"Exceptions":0}', '{"TotalExecuted":9000,"Exceptions":0}', ["missing-comma"]],
    ['{"id":300433463265624129"x":1}', '{"id":300433463265624129,"x":1}', ["missing-comma"]],
    // members
    ['{"a":1,"a":2,"b":1,}', '{"a":2,"b":1}', ["duplicate-key", "trailing-comma"]],
    ['{"a":,"b":1}', '{"a":null,"b":1}', ["missing-value"]],
    ['{"a":}', '{"a":null}', ["missing-value"]],
    ['{"a"}', '{"a":null}', ["missing-value"]],
    ['{"a":', '{"a":null}', ["missing-value", "unexpected-end"]],
    ['{"a":1,"b"', '{"a":1}', ["unexpected-end"]],
    ['{"ok":tru', '{"ok":true}', ["unexpected-end"]],
    ['{:1,"b":2}', '{"b":2}', ["missing-key"]],
    // framing
    ['\uFEFF{"a":1}', '{"a":1}', ["bom"]],
    ['here it is:\n```json\n{"a":1}\n```\nbye', '{"a":1}', ["garbage-prefix", "markdown-fence", "trailing-garbage"]],
    ['2024-05-09 06:48:28 INFO details={"a":1}', '{"a":1}', ["garbage-prefix"]],
    ['{"a":1} (took 3 ms)', '{"a":1}', ["trailing-garbage"]],
    ["Result: [1, 2]", "[1,2]", ["garbage-prefix"]],
    ['{"a":1}\n{"a":2}\n', '[{"a":1},{"a":2}]', ["multiple-documents"]],
    ['{"a":1}{"a":2}', '[{"a":1},{"a":2}]', ["multiple-documents"]],
    ['"{\\"a\\":1}"', '{"a":1}', ["unwrapped-double-encoded"]],
    ['"{\\"a\\":1 \\"b\\":2}"', '{"a":1,"b":2}', ["unwrapped-double-encoded", "missing-comma"]],
    ['{\\"a\\":1}', '{"a":1}', ["unescaped-document"]],
    ['"{""a"":1}"', '{"a":1}', ["unwrapped-doubled-quotes"]],
    ["{&quot;a&quot;:&quot;x &amp; y&quot;}", '{"a":"x & y"}', ["html-entities"]]
  ]
  for (const [input, json, expectedKinds] of table) {
    it(`${JSON.stringify(input)} -> ${json}`, () => {
      for (const assumeMalformed of [false, true]) {
        const result = summary(input, { assumeMalformed })
        assert.strictEqual(result.json, json)
        assert.deepStrictEqual([...result.kinds].sort(), [...expectedKinds].sort())
      }
    })
  }

  it("gives every repair an offset inside the input and a severity", () => {
    for (const [input] of table) {
      for (const repair of parsed(input).repairs) {
        assert.isAtLeast(repair.offset, 0)
        assert.isAtMost(repair.offset, input.length)
        assert.include(["syntax", "structure", "guess", "loss"], repair.severity)
      }
    }
  })

  it("points repairs inside an unwrapped document back into the outer text", () => {
    const input = '"{\\"a\\":1 \\"b\\":2}"'
    const result = parsed(input)
    const missingComma = result.repairs.find((repair) => repair.kind === "missing-comma")!
    // The inner `"b"` is written `\"b` outside; the repair points at its backslash.
    assert.strictEqual(input.slice(missingComma.offset, missingComma.offset + 3), '\\"b')
  })

  it("keeps a string that only looks like a document", () => {
    assert.strictEqual(parsed('"{not json}"').value, "{not json}")
    assert.strictEqual(parsed('"[1, 2"').value, "[1, 2")
  })
})

describe("TolerantJson.parse: values", () => {
  it("keeps integers past 2^53 exact, as bigint or as digits", () => {
    const text = '{"id":5000000000000000001,"neg":-9007199254740993,"safe":9007199254740991,"f":1.5e300}'
    const asBigint = parsed(text).value as Record<string, unknown>
    assert.strictEqual(asBigint.id, 5000000000000000001n)
    assert.strictEqual(asBigint.neg, -9007199254740993n)
    assert.strictEqual(asBigint.safe, 9007199254740991)
    assert.strictEqual(asBigint.f, 1.5e300)
    assert.strictEqual(parsed(text).repairTotal, 0)
    const asDigits = parsed(text, { bigint: "string" }).value as Record<string, unknown>
    assert.strictEqual(asDigits.id, "5000000000000000001")
    assert.strictEqual(asDigits.neg, "-9007199254740993")
  })

  it("keeps digits inside strings as they are", () => {
    const result = parsed('{"user":"v4_300433463265624129","n":12345678901234567890}')
    assert.deepStrictEqual(result.value, { user: "v4_300433463265624129", n: 12345678901234567890n })
  })

  it("makes __proto__ an own data property, without touching the prototype", () => {
    for (const text of ['{"__proto__":{"polluted":true}}', "{'__proto__':{'polluted':true} 'a':1}"]) {
      const value = parsed(text).value as Record<string, unknown>
      assert.isTrue(Object.hasOwn(value, "__proto__"))
      assert.strictEqual(Object.getPrototypeOf(value), Object.prototype)
      assert.isUndefined((value as { polluted?: unknown }).polluted)
      assert.isUndefined(({} as { polluted?: unknown }).polluted)
      assert.deepStrictEqual(Object.getOwnPropertyDescriptor(value, "__proto__")?.value, { polluted: true })
    }
  })

  it("returns root scalars and literals", () => {
    assert.strictEqual(parsed("42").value, 42)
    assert.strictEqual(parsed("None").value, null)
    assert.strictEqual(parsed('"text"').value, "text")
  })
})

describe("TolerantJson.parse: refusals and limits", () => {
  it("refuses empty and blank input", () => {
    for (const text of ["", "   \n\t", "\uFEFF", "```json\n```"])
      assert.strictEqual(refused(text).reason, "empty-input")
  })

  it("refuses text without a value, with the offset and the repairs made", () => {
    const error = refused("}}}")
    assert.strictEqual(error.reason, "no-value")
    assert.strictEqual(error.repairs.length, 3)
    assert.strictEqual(refused("Internal server error").reason, "no-value")
    assert.match(error.message, /no JSON value/)
    assert.strictEqual(error._tag, "TolerantJsonError")
  })

  it("refuses input longer than maxLength", () => {
    const error = refused("[1,2,3]", { maxLength: 5 })
    assert.strictEqual(error.reason, "input-too-large")
    assert.strictEqual(parsed("[1,2,3]", { maxLength: 7 }).repairTotal, 0)
  })

  it("refuses broken nesting deeper than maxDepth", () => {
    assert.strictEqual(refused("[[[[1", { maxDepth: 3 }).reason, "max-depth-exceeded")
    assert.strictEqual(parsed("[[[1", { maxDepth: 3 }).repairTotal, 1)
  })

  it("lists the first maxRepairs repairs and counts all of them", () => {
    const text = `[${Array.from({ length: 500 }, (_, i) => i).join(" ")}]`
    const result = parsed(text, { maxRepairs: 10 })
    assert.strictEqual(result.repairs.length, 10)
    assert.strictEqual(result.repairTotal, 499)
    assert.deepStrictEqual(result.repairCounts, { "missing-comma": 499 })
    assert.strictEqual((result.value as Array<number>).length, 500)
  })
})

describe("TolerantJson.exceedsDepth and lineColumn", () => {
  it("measures nesting iteratively", () => {
    assert.isFalse(TolerantJson.exceedsDepth(1, 0))
    assert.isTrue(TolerantJson.exceedsDepth([], 0))
    assert.isFalse(TolerantJson.exceedsDepth([[1], { a: 1 }], 2))
    assert.isTrue(TolerantJson.exceedsDepth([[1], { a: { b: [] } }], 2))
    const deep = JSON.parse(`${"[".repeat(200_000)}${"]".repeat(200_000)}`)
    assert.isTrue(TolerantJson.exceedsDepth(deep, 1000))
    assert.isFalse(TolerantJson.exceedsDepth(deep, 200_000))
  })

  it("turns offsets into 1-based lines and columns", () => {
    const text = 'line one\n{"a":1\r\n "b"'
    assert.deepStrictEqual(TolerantJson.lineColumn(text, 0), { line: 1, column: 1 })
    assert.deepStrictEqual(TolerantJson.lineColumn(text, 9), { line: 2, column: 1 })
    assert.deepStrictEqual(TolerantJson.lineColumn(text, 19), { line: 3, column: 3 })
    assert.deepStrictEqual(TolerantJson.lineColumn(text, 1000), { line: 3, column: 5 })
  })
})
