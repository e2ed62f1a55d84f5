import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import * as fc from "fast-check"
import { JsonWriter, TolerantJson } from "../src/index.ts"
import { anyJson, runs } from "./support/Fuzz.ts"

// TolerantJson on any text: it never throws, it ends, valid JSON comes back as JSON.parse reads it, and damaged JSON
// comes back as a value JSON can hold, or as an error with an offset inside the text. (Details-like documents with
// one known defect, and the differential on valid JSON, are in TolerantJson.property.test.ts.)

const reasons: ReadonlyArray<string> = ["empty-input", "no-value", "max-depth-exceeded", "input-too-large"]

/** Everything a result may be: a value JSON can write and read back unchanged, or an error placed in the text. */
const checkResult = (text: string) => {
  const result = TolerantJson.parse(text)
  if (Either.isLeft(result)) {
    assert.include(reasons, result.left.reason)
    assert.isTrue(Number.isInteger(result.left.offset), `offset ${result.left.offset}`)
    assert.isTrue(result.left.offset >= 0 && result.left.offset <= text.length, `offset ${result.left.offset}`)
    return
  }
  const { value, repairs, repairTotal } = result.right
  assert.isAtMost(repairs.length, repairTotal)
  for (const repair of repairs) assert.isTrue(repair.offset >= 0 && repair.offset <= text.length)
  // No NaN, no undefined, no function: the value writes as JSON and reads back as itself, with nothing to repair.
  const written = JsonWriter.stringify(value)
  const again = TolerantJson.parse(written)
  assert.isTrue(Either.isRight(again), written)
  if (Either.isRight(again)) {
    assert.strictEqual(again.right.repairTotal, 0, written)
    assert.strictEqual(JsonWriter.stringify(again.right.value), written)
  }
}

/** Where a mutation may go: offsets of the characters in `wanted`, outside strings. */
const structural = (text: string, wanted: string): Array<number> => {
  const found: Array<number> = []
  let inString = false
  for (let at = 0; at < text.length; at++) {
    const char = text[at]!
    if (inString) {
      if (char === "\\") at++
      else if (char === '"') inString = false
    } else if (char === '"') inString = true
    else if (wanted.includes(char)) found.push(at)
  }
  return found
}

type Mutation = (text: string, pick: number, byte: string) => string

const at = (offsets: ReadonlyArray<number>, pick: number): number | undefined =>
  offsets.length === 0 ? undefined : offsets[pick % offsets.length]

/** The damage the vendor's payloads and broken transfers show, each at a drawn place. */
const mutations: Readonly<Record<string, Mutation>> = {
  "comma dropped": (text, pick) => {
    const place = at(structural(text, ","), pick)
    return place === undefined ? text : text.slice(0, place) + text.slice(place + 1)
  },
  "comma doubled": (text, pick) => {
    const place = at(structural(text, ","), pick)
    return place === undefined ? text : `${text.slice(0, place)},${text.slice(place)}`
  },
  "bracket cut": (text, pick) => {
    const place = at(structural(text, "[]{}"), pick)
    return place === undefined ? text : text.slice(0, place) + text.slice(place + 1)
  },
  "cut short": (text, pick) => text.slice(0, pick % (text.length + 1)),
  "quotes swapped": (text, pick) => {
    // Every first, second or third double quote becomes a single one.
    const every = (pick % 3) + 1
    let seen = 0
    return text.replace(/"/g, (quote) => (seen++ % every === 0 ? "'" : quote))
  },
  "byte inserted": (text, pick, byte) => {
    const place = pick % (text.length + 1)
    return text.slice(0, place) + byte + text.slice(place)
  },
  "byte replaced": (text, pick, byte) => {
    const place = pick % Math.max(1, text.length)
    return text.slice(0, place) + byte + text.slice(place + 1)
  }
}

// Containers at the root, so that most texts have commas, brackets and quotes for the damage to hit.
const jsonText = fc
  .tuple(
    fc.oneof(
      fc.array(anyJson, { minLength: 1, maxLength: 5 }),
      fc.dictionary(fc.string(), anyJson, { minKeys: 1, maxKeys: 5 })
    ),
    fc.integer({ min: 0, max: 2 })
  )
  .map(([value, indent]) => JsonWriter.stringify(value, { indent }))

const byte = fc.oneof(
  fc.constantFrom(..."{}[]\"',:\\/ \n\u0000\u00ff\u2028\uFEFF“”".split("")),
  fc.string({ unit: "binary", minLength: 1, maxLength: 3 })
)

describe("TolerantJson on damaged documents", () => {
  for (const [name, mutate] of Object.entries(mutations)) {
    it(`${name}: a value JSON can hold, or an error with an offset`, () => {
      fc.assert(
        fc.property(jsonText, fc.array(fc.tuple(fc.nat(), byte), { minLength: 1, maxLength: 3 }), (text, places) => {
          let damaged = text
          for (const [pick, inserted] of places) damaged = mutate(damaged, pick, inserted)
          checkResult(damaged)
        }),
        { numRuns: runs(150) }
      )
    })
  }

  it("several kinds of damage at once, on any text", () => {
    const names = Object.keys(mutations)
    fc.assert(
      fc.property(
        fc.oneof(jsonText, fc.string({ unit: "binary", maxLength: 200 })),
        fc.array(fc.tuple(fc.nat({ max: names.length - 1 }), fc.nat(), byte), { maxLength: 6 }),
        (text, steps) => {
          let damaged = text
          for (const [which, pick, inserted] of steps) damaged = mutations[names[which]!]!(damaged, pick, inserted)
          checkResult(damaged)
          // The same text, the same answer: nothing depends on state left from an earlier parse.
          assert.deepStrictEqual(TolerantJson.parse(damaged), TolerantJson.parse(damaged))
        }
      ),
      { numRuns: runs(300) }
    )
  })
})

describe("TolerantJson on valid documents written every way JSON allows", () => {
  /** The same value with its strings escaped more than needed and any insignificant whitespace JSON permits. */
  const rewritten = (value: unknown, draw: (n: number) => number): string => {
    const space = () => [" ", "\t", "\n", "\r\n", ""][draw(5)]!.repeat(draw(3))
    const text = JsonWriter.stringify(value)
    let out = ""
    let inString = false
    for (let index = 0; index < text.length; index++) {
      const char = text[index]!
      if (inString) {
        if (char === "\\") {
          out += char + text[++index]!
        } else if (char === '"') {
          inString = false
          out += char
        } else {
          // Any character may be written as its \u escape.
          out += draw(4) === 0 ? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}` : char
        }
      } else if (char === '"') {
        inString = true
        out += char
      } else if ("{}[],:".includes(char)) {
        out += `${space()}${char}${space()}`
      } else {
        out += char
      }
    }
    return `${space()}${out}${space()}`
  }

  /** JSON values whose texts and keys are often quotes of other shapes, which look like delimiters. */
  const quoted = fc.letrec<{ value: unknown }>((tie) => {
    const text = fc.oneof(fc.string(), fc.constantFrom("“", "”", "‘", "’", "'", "`", '"', "“a”", '","', '":"'))
    return {
      value: fc.oneof(
        { depthSize: "small" },
        text,
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(text, tie("value"), { maxKeys: 4 })
      )
    }
  }).value

  it("equals JSON.parse, with no repairs", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue({ maxDepth: 4 }), quoted),
        fc.infiniteStream(fc.nat(1_000)),
        (value, numbers) => {
          const stream = numbers[Symbol.iterator]()
          const text = rewritten(value, (n) => stream.next().value! % n)
          const expected = JSON.parse(text)
          // A root string holding a document is unwrapped on purpose; that is covered elsewhere.
          fc.pre(!(typeof expected === "string" && /^\s*[[{"]/.test(expected)))
          for (const assumeMalformed of [false, true]) {
            const result = TolerantJson.parse(text, { assumeMalformed })
            assert.isTrue(Either.isRight(result), text)
            if (Either.isRight(result)) {
              assert.strictEqual(result.right.repairTotal, 0, text)
              // Integers past 2^53 come back as exact bigints; written out, both read the same.
              assert.strictEqual(JsonWriter.stringify(result.right.value), JsonWriter.stringify(expected))
            }
          }
        }
      ),
      { numRuns: runs(300) }
    )
  })
})

describe("TolerantJson on quotes of another shape inside valid documents", () => {
  it("reads them as JSON.parse does, also on the repair path", () => {
    const texts = [
      // A key starting with a curly quote after a string value.
      '{"a":"x","“":1}',
      '{"":"","“b":1}',
      '{"a":"", "”":[1]}',
      '[{"k":"v","“q”":2}]',
      // A closing curly quote followed by structure, inside a string that goes on.
      '[9007199254740994,"a”,",""]',
      '["a”,", "b"]',
      '{"a”:b":1}',
      '["x”, "]'
    ]
    for (const text of texts) {
      for (const assumeMalformed of [false, true]) {
        const result = TolerantJson.parse(text, { assumeMalformed })
        assert.isTrue(Either.isRight(result), text)
        if (Either.isRight(result)) {
          assert.strictEqual(JsonWriter.stringify(result.right.value), JsonWriter.stringify(JSON.parse(text)), text)
          assert.strictEqual(result.right.repairTotal, 0, text)
        }
      }
    }
  })
})

describe("TolerantJson at a million levels", () => {
  it("objects nested a million deep, valid or never closed, without a stack overflow", () => {
    const valid = `${'{"a":'.repeat(1_000_000)}1${"}".repeat(1_000_000)}`
    const read = TolerantJson.parse(valid)
    assert.isTrue(Either.isRight(read) && read.right.repairTotal === 0)
    assert.isTrue(TolerantJson.exceedsDepth(Either.getOrThrow(read).value, 999_999))
    // Writing it back is iterative too.
    assert.strictEqual(JsonWriter.stringify(Either.getOrThrow(read).value).length, valid.length)

    const unclosed = TolerantJson.parse('{"a":'.repeat(1_000_000))
    assert.isTrue(Either.isLeft(unclosed))
    if (Either.isLeft(unclosed)) {
      assert.strictEqual(unclosed.left.reason, "max-depth-exceeded")
      assert.isTrue(unclosed.left.offset > 0 && unclosed.left.offset < 5_000_000)
    }
  })

  it("a million separators and mixed closers, damaged, without a stack overflow", () => {
    checkResult(`[${"1,".repeat(1_000_000)}`)
    checkResult(`${"[{".repeat(40_000)}${"]".repeat(80_000)}`)
    checkResult(",".repeat(1_000_000))
  })
})
