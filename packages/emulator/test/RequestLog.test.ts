import { assert, describe, it } from "@effect/vitest"
import { RequestLog } from "../src/index.ts"

const entry = (path: string): Omit<RequestLog.Entry, "seq"> => ({
  time: "2026-03-01T08:00:00.000Z",
  method: "GET",
  path,
  query: "",
  accessKeyId: undefined,
  nonce: undefined,
  signatureVersion: undefined,
  verdict: "not-checked",
  instanceId: undefined,
  status: 404,
  code: "InvalidAction.NotFound",
  fault: undefined,
  requestId: undefined
})

describe("RequestLog.ring", () => {
  it("keeps the newest entries, oldest first, and keeps counting", () => {
    const ring = RequestLog.ring(3)
    for (const path of ["/a", "/b", "/c", "/d", "/e"]) ring.add(entry(path))
    assert.deepStrictEqual(
      ring.entries().map((one) => [one.seq, one.path]),
      [
        [3, "/c"],
        [4, "/d"],
        [5, "/e"]
      ]
    )
    ring.clear()
    assert.deepStrictEqual(ring.entries(), [])
    assert.strictEqual(ring.add(entry("/f")).seq, 6)
  })

  it("formats a line for a terminal", () => {
    const line = RequestLog.format({ ...entry("/x"), seq: 1, query: "RegionId=cn-hangzhou" })
    assert.strictEqual(
      line,
      "2026-03-01T08:00:00.000Z GET /x?RegionId=cn-hangzhou key=- sig=-:not-checked status=404 InvalidAction.NotFound"
    )
  })
})
