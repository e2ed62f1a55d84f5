import { assert, describe, it } from "@effect/vitest"
import { Redacted } from "effect"
import { AccessKey } from "../src/index.ts"

describe("AccessKey", () => {
  it("parses ID:SECRET and ID:SECRET:TOKEN, the token keeping any colons", () => {
    const plain = AccessKey.parse("my-id:my-secret")!
    assert.deepStrictEqual(
      [plain.accessKeyId, Redacted.value(plain.accessKeySecret), plain.securityToken],
      ["my-id", "my-secret", undefined]
    )
    const withToken = AccessKey.parse("STS.id:secret:CAIS+a:b/c=")!
    assert.strictEqual(Redacted.value(withToken.securityToken!), "CAIS+a:b/c=")
    assert.strictEqual(AccessKey.show(withToken), "STS.id:secret:CAIS+a:b/c=")
  })

  it("rejects an empty id, secret or token", () => {
    for (const text of ["", "id", ":secret", "id:", "id:secret:"]) assert.strictEqual(AccessKey.parse(text), undefined)
  })

  it("keeps secrets out of logs and JSON", () => {
    assert.notInclude(JSON.stringify(AccessKey.demo), Redacted.value(AccessKey.demo.accessKeySecret))
    assert.notInclude(String(AccessKey.demo.accessKeySecret), Redacted.value(AccessKey.demo.accessKeySecret))
  })
})
