import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as Targets from "../src/Targets.ts"

const dir = mkdtempSync(join(tmpdir(), "holo-upgrade-targets-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("Targets", () => {
  it.effect("reads bare ids and CSV instanceId,regionId lines, skipping blanks, comments and a header", () =>
    Effect.gen(function* () {
      const text = [
        "\uFEFFinstanceId,regionId",
        "hgprecn-cn-a,cn-hangzhou",
        "",
        "# the Shanghai ones",
        '  "hgprecn-cn-b" , cn-shanghai ',
        "hgprecn-cn-c",
        "hgprecn-cn-d,",
        "\r"
      ].join("\r\n")
      const targets = yield* Targets.parse(text, "fleet.csv")
      assert.deepStrictEqual(targets, [
        { instanceId: "hgprecn-cn-a", regionId: "cn-hangzhou" },
        { instanceId: "hgprecn-cn-b", regionId: "cn-shanghai" },
        { instanceId: "hgprecn-cn-c", regionId: undefined },
        { instanceId: "hgprecn-cn-d", regionId: undefined }
      ])
    })
  )

  it.effect("a header is only skipped as the first data line", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Targets.parse("hg-1\ninstance_id,region_id\n", "list.txt"))
      assert.include(error.message, "list.txt:2")
    })
  )

  it.effect("names the file and line of a malformed entry", () =>
    Effect.gen(function* () {
      const region = yield* Effect.flip(Targets.parse("hg-1,cn-hangzhou\nhg-2,cn-hangzhou.evil.example\n", "f.csv"))
      assert.include(region.message, "f.csv:2")
      assert.include(region.message, "region id")
      const fields = yield* Effect.flip(Targets.parse("hg-1,cn-hangzhou,extra\n", "f.csv"))
      assert.include(fields.message, "f.csv:1 has 3 fields")
      const dots = yield* Effect.flip(Targets.parse("\n\n..\n", "f.csv"))
      assert.include(dots.message, "f.csv:3")
      const empty = yield* Effect.flip(Targets.parse(",cn-hangzhou\n", "f.csv"))
      assert.include(empty.message, "empty")
    })
  )

  it.effect("reads a file by path; a missing one is a usage error", () =>
    Effect.gen(function* () {
      const path = join(dir, "fleet.txt")
      writeFileSync(path, "hg-1\nhg-2,cn-beijing\n")
      const targets = yield* Targets.fromFile(path)
      assert.deepStrictEqual(
        targets.map((target) => target.instanceId),
        ["hg-1", "hg-2"]
      )
      const missing = yield* Effect.either(Targets.fromFile(join(dir, "nope.txt")))
      assert.isTrue(Either.isLeft(missing))
      if (Either.isLeft(missing)) assert.strictEqual(missing.left._tag, "UsageError")
      const directory = yield* Effect.flip(Targets.fromFile(dir))
      assert.include(directory.message, "not a regular file")
    })
  )

  it.effect("arguments are checked like file lines", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* Targets.fromArguments(["hg-1"]), [{ instanceId: "hg-1" }])
      const error = yield* Effect.flip(Targets.fromArguments(["hg-1", ".."]))
      assert.include(error.message, "path segment")
      // What @effect/cli passes on after an option it does not know.
      const unknown = yield* Effect.flip(Targets.fromArguments(["hg-1", "--bogus", "-r", "cn-hangzhou"]))
      assert.strictEqual(unknown.message, "Unknown option --bogus (--help lists the options)")
    })
  )

  it("asks each instance once: the same id in the same (or default) region is a duplicate", () => {
    const { targets, dropped } = Targets.distinct([
      { instanceId: "a" },
      { instanceId: "a", regionId: "cn-beijing" },
      { instanceId: "a" },
      { instanceId: "a", regionId: "cn-beijing" },
      { instanceId: "b" }
    ])
    assert.strictEqual(dropped, 2)
    assert.deepStrictEqual(targets, [
      { instanceId: "a" },
      { instanceId: "a", regionId: "cn-beijing" },
      { instanceId: "b" }
    ])
  })
})
