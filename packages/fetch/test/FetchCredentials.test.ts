import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, ConfigProviderPathPatch, Effect, Either, HashSet, Layer, Redacted } from "effect"
import { FetchCredentials, FetchHologresClient } from "../src/index.ts"

const withEnv = (entries: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(entries))))

// A provider that fails the way Deno's `process.env` does when a variable is outside `--allow-env`: by throwing.
const throwingProvider = (error: Error, reads: Array<string> = []) =>
  ConfigProvider.fromFlat(
    ConfigProvider.makeFlat({
      load: (path) => {
        reads.push(path.join("_"))
        throw error
      },
      enumerateChildren: () => Effect.succeed(HashSet.empty<string>()),
      patch: ConfigProviderPathPatch.empty
    })
  )

const denied = () => Object.assign(new Error('Requires env access to "X"'), { name: "NotCapable" })

describe("FetchCredentials", () => {
  it.effect("reads the official variables through the ConfigProvider in context", () =>
    Effect.gen(function* () {
      const credentials = yield* FetchCredentials.fromEnvironment().pipe(
        withEnv({
          ALIBABA_CLOUD_ACCESS_KEY_ID: "id-1",
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: "secret-1",
          ALIBABA_CLOUD_SECURITY_TOKEN: "token-1"
        })
      )
      assert.strictEqual(credentials.accessKeyId, "id-1")
      assert.strictEqual(Redacted.value(credentials.accessKeySecret), "secret-1")
      assert.strictEqual(credentials.securityToken && Redacted.value(credentials.securityToken), "token-1")
      assert.match(credentials.source, /ALIBABA_CLOUD_ACCESS_KEY_ID/)
    })
  )

  it.effect("reads custom variable names, the token staying optional", () =>
    Effect.gen(function* () {
      const names = { accessKeyId: "HOLO_KEY", accessKeySecret: "HOLO_SECRET", securityToken: "HOLO_TOKEN" }
      const credentials = yield* FetchCredentials.fromEnvironment(names).pipe(
        withEnv({ HOLO_KEY: "id-2", HOLO_SECRET: "secret-2", ALIBABA_CLOUD_ACCESS_KEY_ID: "ignored" })
      )
      assert.strictEqual(credentials.accessKeyId, "id-2")
      assert.strictEqual(credentials.securityToken, undefined)
      assert.deepStrictEqual(FetchCredentials.variablesOf(names), ["HOLO_KEY", "HOLO_SECRET", "HOLO_TOKEN"])
      assert.strictEqual(FetchCredentials.allowEnvFlag(names), "--allow-env=HOLO_KEY,HOLO_SECRET,HOLO_TOKEN")
    })
  )

  it.effect("unset variables are a MissingCredentials error naming them", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        FetchCredentials.fromEnvironment({ accessKeyId: "HOLO_KEY" }).pipe(withEnv({ HOLO_KEY: "id" }))
      )
      assert.strictEqual(error._tag, "HologresConfigError")
      assert.strictEqual(error.reason, "MissingCredentials")
      assert.match(error.message, /set HOLO_KEY and ALIBABA_CLOUD_ACCESS_KEY_SECRET/)
    })
  )

  it.effect("a runtime refusing to read the variables is an error naming the --allow-env flag to grant", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        FetchCredentials.fromEnvironment().pipe(Effect.withConfigProvider(throwingProvider(denied())))
      )
      assert.strictEqual(error.reason, "MissingCredentials")
      assert.include(
        error.message,
        "grant --allow-env=ALIBABA_CLOUD_ACCESS_KEY_ID,ALIBABA_CLOUD_ACCESS_KEY_SECRET,ALIBABA_CLOUD_SECURITY_TOKEN"
      )
    })
  )

  it.effect("any other failure while reading stays a defect, not a credentials error", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        FetchCredentials.fromEnvironment().pipe(Effect.withConfigProvider(throwingProvider(new TypeError("bug"))))
      )
      assert.isTrue(exit._tag === "Failure" && exit.cause._tag === "Die")
    })
  )

  it.effect("explicit credentials are validated like any other source", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(FetchCredentials.fromExplicit({ accessKeyId: "id", accessKeySecret: " " }))
      assert.strictEqual(error.reason, "InvalidCredentials")
      const ok = yield* FetchCredentials.fromExplicit({ accessKeyId: "id", accessKeySecret: Redacted.make("s") })
      assert.strictEqual(ok.source, "explicit credentials")
    })
  )

  it.effect("building the client layer reads the environment, describing it does not", () =>
    Effect.gen(function* () {
      const reads: Array<string> = []
      const provider = throwingProvider(denied(), reads)
      const layer = FetchHologresClient.layer({ endpoint: "http://127.0.0.1:9" })
      assert.deepStrictEqual(reads, [])
      const built = yield* Effect.either(Layer.build(layer).pipe(Effect.scoped, Effect.withConfigProvider(provider)))
      assert.isTrue(Either.isLeft(built))
      assert.deepStrictEqual(reads, ["ALIBABA_CLOUD_ACCESS_KEY_ID"])
    })
  )
})
