import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { parse } from "yaml"
import * as Json from "../src/output/Json.ts"
import * as Yaml from "../src/output/Yaml.ts"
import * as Samples from "./outputSamples.ts"

// The emitter is checked against an independent parser, in both YAML versions still read in the field: 1.2 (the
// core schema) and 1.1 (PyYAML's and many CI tools' rules, where yes, on, 0777 and 1:20 are not strings).
const versions = ["1.2", "1.1"] as const

const readBack = (text: string, version: (typeof versions)[number], intAsBigInt = false): unknown =>
  parse(text, { version, intAsBigInt, uniqueKeys: true, strict: true, prettyErrors: false })

// Strings that a careless emitter writes plain and a parser then reads as something else, or cannot read at all.
const tricky = [
  "",
  " ",
  "true",
  "False",
  "TRUE",
  "yes",
  "No",
  "on",
  "OFF",
  "y",
  "N",
  "null",
  "Null",
  "~",
  "1",
  "-1",
  "+1",
  "1.0",
  "1e3",
  "1E+3",
  ".5",
  "0x1F",
  "0o17",
  "0b101",
  "012",
  "0777",
  "1_000",
  "1:20",
  "190:20:30",
  ".inf",
  "-.Inf",
  ".NaN",
  "2023-05-09",
  "2023-05-09 06:48:28",
  "2023-05-09T06:48:28.843Z",
  "1.3.23",
  "r3.2.11",
  "-",
  "- a",
  "? x",
  ": x",
  "a: b",
  "a:b",
  "a #b",
  "#x",
  "@x",
  "`x",
  "!x",
  "!!str",
  "&anchor",
  "*alias",
  "|",
  ">",
  "%YAML",
  "{x}",
  "[x]",
  "'x'",
  '"x"',
  "<<",
  "=",
  "---",
  "...",
  "a\nb",
  "a\n",
  "\n",
  "a\n\n",
  "\nleading newline",
  " lead",
  "trail ",
  "line1\n  indented",
  "  both\n  indented\n",
  "tab\there",
  "\tTab first\nsecond",
  "x\r\ny",
  "a\n---\nb",
  "a\n...\nb",
  "ends with space \nnext",
  "\u2028",
  "line\u2029sep",
  "\u0085next",
  "\ufeffbom",
  "é",
  "测试实例",
  "😀",
  "\u0000",
  "a\u0007b",
  "\u001b[31m",
  "back\\slash",
  'quote " inside',
  "C:\\path",
  "x".repeat(1100)
]

describe("Yaml.stringify", () => {
  for (const version of versions) {
    it(`keeps every tricky string a string, as a value and as a key (YAML ${version})`, () => {
      for (const text of tricky) {
        const value = { [text]: text, list: [text, [text]], nested: { inner: text } }
        assert.deepStrictEqual(readBack(Yaml.stringify(value), version), value, JSON.stringify(text))
      }
    })

    it(`round-trips any JSON value (YAML ${version})`, () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 4 }), fc.string({ unit: "grapheme-ascii" }), (value, text) => {
          const document = { value, text } as Json.Json
          const expected = JSON.parse(JSON.stringify(document))
          assert.deepStrictEqual(readBack(Yaml.stringify(document), version), expected)
        }),
        { numRuns: 300 }
      )
    })

    it(`round-trips strings of any code points (YAML ${version})`, () => {
      fc.assert(
        fc.property(fc.array(fc.string({ unit: "binary" }), { maxLength: 4 }), (texts) => {
          const document = Object.fromEntries(texts.map((text, index) => [`k${index}${text}`, text]))
          assert.deepStrictEqual(readBack(Yaml.stringify(document), version), document)
        }),
        { numRuns: 300 }
      )
    })
  }

  it("writes numbers as YAML 1.1 and 1.2 both read them, and null and booleans plainly", () => {
    const value = { big: 1e21, small: 1.5e-7, tiny: 1e-7, negative: -2.5, zero: 0, yes: true, no: false, none: null }
    for (const version of versions) assert.deepStrictEqual(readBack(Yaml.stringify(value), version), value)
    assert.include(Yaml.stringify(value), "big: 1.0e+21\n")
    assert.include(Yaml.stringify(value), "none: null\n")
  })

  it("writes multi-line text as a literal block and short words plain", () => {
    const text = Yaml.stringify({ message: "first line\nsecond line", region: "cn-hangzhou", version: "1.3.24" })
    assert.strictEqual(text, 'message: |-\n  first line\n  second line\nregion: cn-hangzhou\nversion: "1.3.24"\n')
  })

  it("writes empty containers in flow style and sequence entries compactly", () => {
    assert.strictEqual(
      Yaml.stringify({ a: [], b: {}, c: [{ d: 1, e: [2] }] }),
      "a: []\nb: {}\nc:\n  - d: 1\n    e:\n      - 2\n"
    )
  })
})

describe("Yaml.render", () => {
  it("reads back as the JSON document, keys in the same order", () => {
    const reports = [Samples.vendor(), Samples.running(), Samples.forbidden(), Samples.hostile()]
    const expected = JSON.parse(Json.render(reports))
    for (const version of versions) {
      const value = readBack(Yaml.render(reports), version) as typeof expected
      assert.deepStrictEqual(value, expected)
      assert.deepStrictEqual(Object.keys(value.reports[0]), Object.keys(expected.reports[0]))
    }
  })

  it("keeps integers beyond 2^53 exact", () => {
    const report = Samples.reportOf(
      Samples.body({ Status: "preparing" }, { FlightingReport: { SQLResultStat: { TotalExecuted: 1 } } }).replace(
        '\\"TotalExecuted\\":1',
        '\\"TotalExecuted\\":12345678901234567891'
      )
    )
    const text = Yaml.render([report])
    assert.include(text, "TotalExecuted: 12345678901234567891\n")
    const value = readBack(text, "1.2", true) as {
      reports: Array<{ records: Array<{ details: { FlightingReport: { SQLResultStat: { TotalExecuted: bigint } } } }> }>
    }
    assert.strictEqual(
      value.reports[0]!.records[0]!.details.FlightingReport.SQLResultStat.TotalExecuted,
      12345678901234567891n
    )
  })
})
