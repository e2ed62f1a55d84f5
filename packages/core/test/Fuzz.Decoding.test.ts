import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import * as fc from "fast-check"
import { Assessment, JsonWriter, TolerantJson, UpgradeDetails, UpgradeStatus } from "../src/index.ts"
import { answerValue, anyJson, detailsValue, runs } from "./support/Fuzz.ts"

// The response decoder and the assessment on any JSON value: they never throw, always reach a verdict, and give
// numbers a report can print (finite, or absent: never NaN or Infinity).

const finiteOrAbsent = (value: number | undefined, what: string) =>
  assert.isTrue(value === undefined || Number.isFinite(value), `${what} is ${value}`)

const checkAssessment = (assessment: Assessment.Assessment, input: string) => {
  assert.include(Assessment.states, assessment.state)
  assert.isAbove(assessment.findings.length, 0)
  finiteOrAbsent(assessment.estimatedUpgradeSeconds, "estimatedUpgradeSeconds")
  finiteOrAbsent(assessment.remainingSeconds, "remainingSeconds")
  finiteOrAbsent(assessment.elapsedSeconds, "elapsedSeconds")
  assert.isTrue(assessment.remainingSeconds === undefined || assessment.remainingSeconds >= 0)
  for (const part of assessment.estimate) finiteOrAbsent(part.seconds, `estimate ${part.name}`)
  for (const step of assessment.timeline) {
    finiteOrAbsent(step.durationSeconds, `duration of ${step.step}`)
    finiteOrAbsent(step.estimatedSeconds, `estimate of ${step.step}`)
  }
  // Unless the input says NaN or Infinity itself, a message that does printed a number it computed.
  if (!/NaN|Infinity/.test(input)) {
    for (const finding of assessment.findings) assert.notMatch(finding.message, /NaN|Infinity/)
  }
}

/** Everything done with one answer's text, from the body to a JSON report of each record. */
const pipeline = (text: string, now: number) => {
  const decoded = UpgradeStatus.decodeBodyWithRepairs(text)
  if (Either.isLeft(decoded)) {
    assert.isString(decoded.left.message)
    assert.isAtMost(decoded.left.excerpt.length, 201)
    return
  }
  const records = Assessment.latestFirst(decoded.right.response.Data)
  if (records.length === 0) checkAssessment(Assessment.assessAt(undefined, now), text)
  for (const record of records) {
    const details = UpgradeDetails.decode(record.Details)
    checkAssessment(Assessment.assessAt({ record, decoded: details }, now), text)
    // What the JSON report writes of it reads back as JSON.
    const written = JsonWriter.stringify(details.details === undefined ? null : UpgradeDetails.encode(details.details))
    assert.isTrue(Either.isRight(TolerantJson.parse(written)))
    assert.doesNotThrow(() => JSON.parse(written))
  }
}

const now = fc.integer({ min: 0, max: 4_102_444_800_000 })

describe("decoding and assessing any answer", () => {
  it("never throws on answers shaped like the API's, however their parts drift", () => {
    fc.assert(
      fc.property(answerValue, now, (value, at) => pipeline(JsonWriter.stringify(value), at)),
      { numRuns: runs(300) }
    )
  })

  it("never throws on any JSON value, as a body or already parsed", () => {
    fc.assert(
      fc.property(anyJson, now, (value, at) => {
        pipeline(JsonWriter.stringify(value), at)
        const decoded = UpgradeStatus.decodeUnknown(value)
        assert.isTrue(Either.isLeft(decoded) || Array.isArray(decoded.right.Data))
      }),
      { numRuns: runs(300) }
    )
  })

  it("never throws on Details in any form, alone", () => {
    fc.assert(
      fc.property(detailsValue, (value) => {
        const decoded = UpgradeDetails.decode(value)
        for (const issue of decoded.issues) assert.isString(issue.message)
        assert.isAtMost(decoded.repairs.length, decoded.repairTotal)
      }),
      { numRuns: runs(300) }
    )
  })
})

describe("decoding and assessing at the limits", () => {
  it("a time no Date can hold, or a two-digit year, is unreadable rather than a crash or another year", () => {
    for (const raw of [1e308, -1e308, 8.64e15 + 1, 2 ** 60]) {
      const decoded = UpgradeStatus.decodeUnknown({
        Success: true,
        Data: [{ Status: "upgrading", PrepareFinishTime: raw }]
      })
      assert.isTrue(Either.isRight(decoded))
      if (Either.isRight(decoded)) assert.isUndefined(decoded.right.Data[0]?.PrepareFinishTime?.epochMillis, `${raw}`)
    }
    assert.strictEqual(
      UpgradeStatus.parseTimestamp("2024-05-01 18:00:00").epochMillis,
      Date.parse("2024-05-01T10:00:00Z")
    )
    assert.isUndefined(UpgradeStatus.parseTimestamp("0050-05-01 18:00:00").epochMillis)
    assert.strictEqual(
      UpgradeStatus.parseTimestamp("0150-05-01 08:00:00").epochMillis,
      Date.parse("0150-05-01T00:00:00Z")
    )
  })

  const envelope = (details: string) =>
    JSON.stringify({ RequestId: "r", Success: true, Data: [{ Status: "upgrading", Details: details }] })

  it("a million levels of nesting, in the answer or in Details, are refused or reported without overflowing", () => {
    const deepArrays = `${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`
    const deepObjects = `${'{"a":'.repeat(1_000_000)}1${"}".repeat(1_000_000)}`
    for (const deep of [deepArrays, deepObjects]) {
      const asBody = UpgradeStatus.decodeBody(`{"Success":true,"Data":${deep}}`)
      assert.isTrue(Either.isLeft(asBody) && asBody.left.reason === "Schema")
      pipeline(envelope(deep), 0)
      const details = UpgradeDetails.decode(deep)
      assert.isUndefined(details.details)
      assert.strictEqual(details.issues.length, 1)
    }
    // Unclosed: the repair path stops at its depth limit and says where.
    const unclosed = UpgradeDetails.decode('{"a":'.repeat(1_000_000))
    assert.include(unclosed.issues[0]?.message, "unreadable")
    pipeline(envelope("[".repeat(1_000_000)), 0)
  })

  it("a 50 MB string in Details is read and assessed; a 50 MB body is refused before parsing", () => {
    const huge = "fail ".repeat(10_000_000)
    const details = UpgradeDetails.decode(JSON.stringify({ StatusCode: huge, UpgradePhase: "Upgrade" }))
    assert.strictEqual(details.details?.StatusCode?.length, huge.length)
    const assessment = Assessment.assessAt(
      { record: { Status: "upgrading", Details: "x" } as UpgradeStatus.UpgradeRecord, decoded: details },
      0
    )
    assert.strictEqual(assessment.state, "failed")
    const body = UpgradeStatus.decodeBody(envelope(huge))
    assert.isTrue(Either.isLeft(body) && body.left.reason === "TooLarge")
  })
})
