import { assert, describe, it } from "@effect/vitest"
import { Cause, ConfigProvider, Effect, Exit, type Layer, Redacted } from "effect"
import { Credentials, type HologresError } from "../src/index.ts"

const secret = "CANARY-secret-5e6f"

const resolve = (layer: Layer.Layer<Credentials.Credentials, unknown>) =>
  Effect.exit(Effect.provide(Credentials.Credentials, layer))

describe("Credentials", () => {
  it.effect("static credentials are kept as given, the secret redacted", () =>
    Effect.gen(function* () {
      const credentials = yield* Effect.provide(
        Credentials.Credentials,
        Credentials.static({ accessKeyId: "LTAIid", accessKeySecret: secret, securityToken: "tok", source: "test" })
      )
      assert.strictEqual(credentials.accessKeyId, "LTAIid")
      assert.strictEqual(Redacted.value(credentials.accessKeySecret), secret)
      assert.strictEqual(Redacted.value(credentials.securityToken!), "tok")
      assert.strictEqual(credentials.source, "test")
      assert.deepStrictEqual(credentials.warnings, [])
      assert.notInclude(String(credentials.accessKeySecret), secret)
      assert.notInclude(JSON.stringify(credentials), secret)
    })
  )

  it.effect("an empty key id or secret is InvalidCredentials naming the source", () =>
    Effect.gen(function* () {
      const exit = yield* resolve(Credentials.layer({ accessKeyId: " ", accessKeySecret: "", source: "profile x" }))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
        assert.strictEqual((error as { reason: string }).reason, "InvalidCredentials")
        assert.include((error as Error).message, "AccessKey ID and AccessKey secret from profile x are empty")
      }
    })
  )

  it("warns about whitespace and invisible characters without quoting the value", () => {
    assert.deepStrictEqual(Credentials.inspect("AccessKey secret", ` ${secret}`), [
      "AccessKey secret has leading or trailing whitespace"
    ])
    assert.deepStrictEqual(Credentials.inspect("AccessKey ID", "LTAI\u200Bid"), [
      "AccessKey ID contains an invisible (zero-width) character"
    ])
    assert.deepStrictEqual(Credentials.inspect("AccessKey ID", "\uFEFFLTAIid\n"), [
      "AccessKey ID has leading or trailing whitespace",
      "AccessKey ID contains an invisible (zero-width) character"
    ])
  })

  it.effect("warnings are data on the resolved credentials", () =>
    Effect.gen(function* () {
      const credentials = yield* Credentials.make({
        accessKeyId: " LTAIid",
        accessKeySecret: `${secret}\u200D\n`,
        source: "environment"
      })
      assert.deepStrictEqual(credentials.warnings, [
        "AccessKey ID has leading or trailing whitespace (from environment)",
        "AccessKey secret has leading or trailing whitespace (from environment)",
        "AccessKey secret contains an invisible (zero-width) character (from environment)"
      ])
      for (const warning of credentials.warnings) assert.notInclude(warning, secret)
    })
  )

  it.effect("a key id or token that no HTTP header can carry is refused, naming the problem, never the value", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [Partial<Credentials.Input>, string]> = [
        [{ accessKeyId: "LTAIid\u200B" }, "AccessKey ID contains an invisible (zero-width) character"],
        [{ accessKeyId: "LTAI\r\nX-Injected: 1" }, "AccessKey ID contains a line break or another control character"],
        [{ accessKeyId: "LTAIïd" }, "AccessKey ID contains a character outside printable ASCII"],
        [{ securityToken: `${secret}\uFEFF` }, "security token contains an invisible (zero-width) character"],
        [{ securityToken: `${secret}\n` }, "security token contains a line break or another control character"]
      ]
      for (const [input, problem] of cases) {
        const exit = yield* Effect.exit(
          Credentials.make({ accessKeyId: "LTAIid", accessKeySecret: secret, source: "environment", ...input })
        )
        assert.isTrue(Exit.isFailure(exit))
        if (Exit.isFailure(exit)) {
          const error = Cause.squash(exit.cause) as HologresError.ConfigError
          assert.strictEqual(error.reason, "InvalidCredentials")
          assert.include(error.message, problem)
          assert.include(error.message, "(from environment)")
          assert.notInclude(error.message, secret)
          assert.notInclude(error.message, "Injected")
        }
      }
      // Tabs and spaces are header characters: only a warning, the request can still be sent.
      const spaced = yield* Credentials.make({ accessKeyId: "LTAIid ", accessKeySecret: secret, source: "x" })
      assert.strictEqual(spaced.warnings.length, 1)
    })
  )

  describe("layerConfig", () => {
    const withEnv = (env: Record<string, string>) =>
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

    it.effect("reads the ALIBABA_CLOUD_* variables", () =>
      Effect.gen(function* () {
        const credentials = yield* Effect.provide(Credentials.Credentials, Credentials.layerConfig())
        assert.strictEqual(credentials.accessKeyId, "LTAIenv")
        assert.strictEqual(Redacted.value(credentials.accessKeySecret), secret)
        assert.strictEqual(Redacted.value(credentials.securityToken!), "sts")
        assert.strictEqual(credentials.source, "environment")
      }).pipe(
        withEnv({
          ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAIenv",
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret,
          ALIBABA_CLOUD_SECURITY_TOKEN: "sts"
        })
      )
    )

    it.effect("a missing variable is MissingCredentials naming the variables, never a value", () =>
      Effect.gen(function* () {
        const exit = yield* resolve(Credentials.layerConfig())
        assert.isTrue(Exit.isFailure(exit))
        const error = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
        assert.strictEqual((error as { reason: string }).reason, "MissingCredentials")
        assert.include((error as Error).message, "ALIBABA_CLOUD_ACCESS_KEY_ID")
        assert.notInclude(String(error), secret)
        assert.notInclude(JSON.stringify(error), secret)
      }).pipe(withEnv({ ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret }))
    )
  })
})
