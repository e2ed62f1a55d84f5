import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Either } from "effect"
import * as fc from "fast-check"
import { UpgradeStatus } from "../src/index.ts"

const vendorExample = readFileSync(
  fileURLToPath(new URL("../../../fixtures/vendor-example-response.json", import.meta.url)),
  "utf8"
)

const decoded = (text: string): UpgradeStatus.Response => {
  const result = UpgradeStatus.decodeBody(text)
  if (Either.isLeft(result)) assert.fail(`expected a response, got ${result.left.message}`)
  return result.right
}

const refused = (text: string) => {
  const result = UpgradeStatus.decodeBody(text)
  if (Either.isRight(result)) assert.fail("expected a DecodeError")
  return result.left
}

describe("UpgradeStatus.decodeBody", () => {
  it("decodes the vendor example, keeping Details as the string it came as", () => {
    const response = decoded(vendorExample)
    assert.strictEqual(response.RequestId, "D73E42D0-AA72-5880-B96F-548B43C84736")
    assert.strictEqual(response.Success, true)
    assert.strictEqual(response.HttpStatusCode, 200)
    assert.strictEqual(response.ErrorCode, "404")
    assert.strictEqual(response.Data.length, 1)
    const record = response.Data[0]!
    assert.strictEqual(record.FromVersion, "1.3.23")
    assert.strictEqual(record.ToVersion, "1.3.24")
    assert.strictEqual(record.Status, "archived")
    assert.strictEqual(typeof record.Details, "string")
    assert.deepStrictEqual(record.PrepareFinishTime, {
      raw: "2023-05-09T06:48:28.843Z",
      epochMillis: Date.UTC(2023, 4, 9, 6, 48, 28, 843),
      assumedZone: undefined
    })
  })

  it("treats the literal null strings and empty strings as absent", () => {
    const response = decoded(
      '{"RequestId":"r1","Data":[],"Success":true,"ErrorCode":"null","ErrorMessage":"null\\n","HttpStatusCode":"200"}'
    )
    assert.deepStrictEqual(response, { RequestId: "r1", Data: [], Success: true, HttpStatusCode: 200 })
    assert.deepStrictEqual(decoded('{"Data":"","Success":true,"RequestId":""}'), { Data: [], Success: true })
  })

  it("accepts HttpStatusCode as a number and Success as a string", () => {
    const response = decoded('{"Data":[],"Success":"true","HttpStatusCode":200}')
    assert.strictEqual(response.Success, true)
    assert.strictEqual(response.HttpStatusCode, 200)
    assert.strictEqual(decoded('{"Data":[],"Success":"FALSE"}').Success, false)
  })

  it("reads Data as one object, an empty object, null or a missing key", () => {
    const one = decoded('{"Success":true,"Data":{"FromVersion":"r3.2.11","ToVersion":"r3.2.12","Status":"upgrading"}}')
    assert.deepStrictEqual(one.Data, [{ FromVersion: "r3.2.11", ToVersion: "r3.2.12", Status: "upgrading" }])
    assert.deepStrictEqual(decoded('{"Success":true,"Data":{}}').Data, [])
    assert.deepStrictEqual(decoded('{"Success":true,"Data":null}').Data, [])
    assert.deepStrictEqual(decoded('{"Success":true}').Data, [])
  })

  it("keeps unknown status values verbatim, case included", () => {
    const response = decoded(
      '{"Success":true,"Data":[{"Status":"pre_check"},{"Status":"Upgrading"},{"Status":"failed"}]}'
    )
    assert.deepStrictEqual(
      response.Data.map((record) => record.Status),
      ["pre_check", "Upgrading", "failed"]
    )
    assert.isFalse(UpgradeStatus.isKnownStatus("Upgrading"))
    assert.isTrue(UpgradeStatus.isKnownStatus("upgrading"))
  })

  it("keeps Details as an object, and drops it when null", () => {
    const response = decoded('{"Success":true,"Data":[{"Details":{"StatusCode":"x"}},{"Details":null},{}]}')
    assert.deepStrictEqual(response.Data[0]!.Details, { StatusCode: "x" })
    assert.isFalse("Details" in response.Data[1]!)
    assert.isFalse("Details" in response.Data[2]!)
  })

  it("reads zone-less times in UTC+8 and says so, keeping the raw text", () => {
    const response = decoded('{"Success":true,"Data":[{"PrepareFinishTime":"2024-01-02 10:00:00"}]}')
    assert.deepStrictEqual(response.Data[0]!.PrepareFinishTime, {
      raw: "2024-01-02 10:00:00",
      epochMillis: Date.UTC(2024, 0, 2, 2, 0, 0),
      assumedZone: "+08:00"
    })
    assert.deepStrictEqual(UpgradeStatus.parseTimestamp("2024-02-30 10:00:00"), {
      raw: "2024-02-30 10:00:00",
      epochMillis: undefined,
      assumedZone: undefined
    })
    assert.strictEqual(UpgradeStatus.parseTimestamp("soon").epochMillis, undefined)
    assert.strictEqual(
      UpgradeStatus.parseTimestamp("2024-01-02T10:00:00+08:00").epochMillis,
      Date.UTC(2024, 0, 2, 2, 0, 0)
    )
  })

  it("refuses an empty body", () => {
    const error = refused(" \n")
    assert.strictEqual(error._tag, "HologresDecodeError")
    assert.strictEqual(error.reason, "Empty")
  })

  it("refuses an HTML error page, naming its title, with a bounded excerpt", () => {
    const page = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>${"x".repeat(5000)}</body></html>`
    const error = refused(page)
    assert.strictEqual(error.reason, "Html")
    assert.include(error.message, "502 Bad Gateway")
    assert.isAtMost(error.excerpt.length, 201)
  })

  it("refuses a body cut off mid-document rather than inventing the rest", () => {
    const whole =
      '{"RequestId":"r1","Data":[{"FromVersion":"1.3.23","ToVersion":"1.3.24","Status":"upgrading"}],"Success":true}'
    for (const cut of [40, 75, whole.length - 1]) {
      const error = refused(whole.slice(0, cut))
      assert.strictEqual(error.reason, "Truncated", `cut at ${cut}`)
      assert.match(error.message, /ends before/)
    }
  })

  it("refuses a JSON value that is not an object", () => {
    assert.strictEqual(refused("[1,2]").reason, "NotJson")
    assert.strictEqual(refused("42").reason, "NotJson")
  })

  it("refuses a gateway error document as the wrong shape", () => {
    const error = refused('{"RequestId":"r","HostId":"h","Code":"InternalError","Message":"boom"}')
    assert.strictEqual(error.reason, "Schema")
    assert.include(error.message, "neither Data nor Success")
  })

  it("names the path of a field that cannot be read", () => {
    const error = refused('{"Success":true,"Data":[{"Status":{"Code":3}}]}')
    assert.strictEqual(error.reason, "Schema")
    assert.deepStrictEqual(error.path, ["Data", 0, "Status"])
    assert.include(error.message, "Data.0.Status")
  })

  it("reads a numeric status as its text", () => {
    assert.strictEqual(decoded('{"Success":true,"Data":[{"Status":3}]}').Data[0]!.Status, "3")
  })

  it("never throws, whatever the body", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((value) => JSON.stringify({ Data: value }))
        ),
        (text) => {
          const result = UpgradeStatus.decodeBody(text)
          assert.isTrue(Either.isLeft(result) || Array.isArray(result.right.Data))
        }
      ),
      { numRuns: 500 }
    )
  })

  it("refuses a hostile depth as the wrong shape, without overflowing", () => {
    const error = refused(`{"Success":true,"RequestId":${"[".repeat(50_000)}${"]".repeat(50_000)}}`)
    assert.strictEqual(error.reason, "Schema")
    assert.include(error.message, "deeper than")
  })

  it("refuses a body above the size limit before parsing it", () => {
    const error = refused(" ".repeat(UpgradeStatus.maxBodyLength + 1))
    assert.strictEqual(error.reason, "TooLarge")
  })
})

describe("UpgradeStatus.decodeUnknown", () => {
  it("decodes an already-parsed value with the same rules", () => {
    const result = UpgradeStatus.decodeUnknown({
      Success: "true",
      Data: { Status: "preparing" },
      HttpStatusCode: "200"
    })
    assert.deepStrictEqual(
      result,
      Either.right({ Success: true, Data: [{ Status: "preparing" }], HttpStatusCode: 200 })
    )
    assert.isTrue(Either.isLeft(UpgradeStatus.decodeUnknown("text")))
  })
})
