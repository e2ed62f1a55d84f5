import type { HttpClientRequest } from "@effect/platform"
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Config, ConfigProvider, Effect, Either, Exit, Fiber, Layer, Option, TestClock } from "effect"
import { Credentials, HologresClient, type HologresError, RetryPolicy } from "../src/index.ts"
import {
  type Answer,
  assertNoSecret,
  call,
  canarySecret,
  canaryToken,
  drive,
  failureOf,
  gatewayError,
  okBody,
  scripted,
  setup,
  verifyV3
} from "./support/Scripted.ts"

describe("HologresClient", () => {
  describe("validation before sending", () => {
    for (const [name, input] of [
      ["a region with a dot", { instanceId: "hgpre", regionId: "cn-hangzhou.evil.example" }],
      ["a region with a slash", { instanceId: "hgpre", regionId: "cn/x" }],
      ["an upper-case region", { instanceId: "hgpre", regionId: "CN-HANGZHOU" }],
      ["an empty region", { instanceId: "hgpre", regionId: "" }],
      ["an empty instance id", { instanceId: "", regionId: "cn-hangzhou" }],
      ["a dot-dot instance id", { instanceId: "..", regionId: "cn-hangzhou" }]
    ] as const) {
      it.effect(`refuses ${name} without a request`, () =>
        Effect.gen(function* () {
          const { sent, layer } = setup({ answers: [{ status: 200, body: okBody }] })
          const exit = yield* Effect.exit(
            Effect.flatMap(HologresClient.HologresClient, (client) => client.getUpgradeStatus(input)).pipe(
              Effect.provide(layer)
            )
          )
          const error = failureOf(exit) as HologresError.RequestError
          assert.strictEqual(error._tag, "HologresRequestError")
          assert.strictEqual(error.reason, "InvalidInput")
          assert.strictEqual(error.attempts, 0)
          assert.strictEqual(sent.length, 0)
        })
      )
    }

    it.effect("refuses an endpoint with a path when the layer is built", () =>
      Effect.gen(function* () {
        const { layer } = setup({ answers: [], options: { endpoint: "http://127.0.0.1:1/prefix" } })
        const error = failureOf(yield* Effect.exit(call(layer))) as HologresError.ConfigError
        assert.strictEqual(error._tag, "HologresConfigError")
        assert.strictEqual(error.reason, "InvalidOption")
      })
    )
  })

  describe("the request", () => {
    it.effect("goes to the regional endpoint, with the id as one encoded segment, signed as sent", () =>
      Effect.gen(function* () {
        const { sent, layer } = setup({ answers: [{ status: 200, body: okBody }] })
        const response = yield* drive(call(layer, "a/b c%é#?..x"))
        assert.isTrue(Exit.isSuccess(response))
        assert.strictEqual(sent.length, 1)
        const [request] = sent
        assert.strictEqual(request!.url.host, "hologram.cn-hangzhou.aliyuncs.com")
        assert.strictEqual(request!.url.pathname, "/api/v1/instances/a%2Fb%20c%25%C3%A9%23%3F..x/upgrade/status")
        assert.strictEqual(request!.url.search, "?RegionId=cn-hangzhou")
        assert.strictEqual(request!.headers["x-acs-action"], "GetUpgradeStatus")
        assert.strictEqual(request!.headers["x-acs-version"], "2022-06-01")
        assert.strictEqual(request!.headers["x-acs-security-token"], canaryToken)
        assert.isUndefined(request!.headers.traceparent)
        yield* verifyV3(request!)
      })
    )

    it.effect("honours an explicit endpoint and the V1 signature option", () =>
      Effect.gen(function* () {
        const { sent, layer } = setup({
          answers: [{ status: 200, body: okBody }],
          options: { endpoint: "http://127.0.0.1:8080", signatureVersion: "v1" }
        })
        assert.isTrue(Exit.isSuccess(yield* drive(call(layer))))
        assert.strictEqual(sent[0]!.url.origin, "http://127.0.0.1:8080")
        assert.match(sent[0]!.headers.authorization!, /^acs LTAItestid:[A-Za-z0-9+/]+=*$/)
        assert.strictEqual(sent[0]!.headers["x-acs-signature-method"], "HMAC-SHA1")
      })
    )

    it.effect("returns the decoded answer", () =>
      Effect.gen(function* () {
        const { events, layer } = setup({ answers: [{ status: 200, body: okBody }] })
        const exit = yield* drive(call(layer))
        assert.isTrue(Exit.isSuccess(exit))
        const response = Exit.isSuccess(exit) ? exit.value : undefined
        assert.strictEqual(response?.RequestId, "req-ok")
        assert.strictEqual(response?.Data[0]?.Status, "upgrading")
        assert.deepStrictEqual(
          events.map((event) => [event.attempt, event.outcome, event.status, event.requestId]),
          [[1, "success", 200, "req-ok"]]
        )
      })
    )
  })

  describe("retries", () => {
    it.effect("503, 503, 200 succeeds in 3 attempts, each freshly signed", () =>
      Effect.gen(function* () {
        const { sent, events, layer } = setup({
          answers: [gatewayError(503, "ServiceUnavailable"), { status: 503, body: "" }, { status: 200, body: okBody }]
        })
        assert.isTrue(Exit.isSuccess(yield* drive(call(layer))))
        assert.strictEqual(sent.length, 3)
        assert.strictEqual(new Set(sent.map((s) => s.headers["x-acs-signature-nonce"])).size, 3)
        assert.strictEqual(new Set(sent.map((s) => s.headers.authorization)).size, 3)
        for (const request of sent) yield* verifyV3(request)
        assert.deepStrictEqual(
          events.map((event) => event.outcome),
          ["retry", "retry", "success"]
        )
        assert.strictEqual(events[0]!.requestId, "req-ServiceUnavailable")
        // Full jitter: the first wait is below 200 ms, the second below 400 ms.
        assert.isBelow(events[0]!.delayMs!, 200)
        assert.isBelow(events[1]!.delayMs!, 400)
      })
    )

    it.effect("Throttling.User with x-acs-retry-after waits exactly that long", () =>
      Effect.gen(function* () {
        const { sent, events, layer } = setup({
          answers: [
            { ...gatewayError(400, "Throttling.User"), headers: { "x-acs-retry-after": "1500" } },
            { status: 200, body: okBody }
          ]
        })
        const fiber = yield* Effect.fork(call(layer))
        // Let the first attempt (Web Crypto is asynchronous) reach its wait.
        while (sent.length === 0 || events.length === 0)
          yield* Effect.promise(() => new Promise((r) => setImmediate(r)))
        assert.strictEqual(events[0]!.delayMs, 1500)
        yield* TestClock.adjust(1499)
        for (let i = 0; i < 20; i++) yield* Effect.promise(() => new Promise((r) => setImmediate(r)))
        assert.strictEqual(sent.length, 1)
        yield* TestClock.adjust(1)
        const exit = yield* drive(Fiber.join(fiber))
        assert.isTrue(Exit.isSuccess(exit))
        assert.strictEqual(sent.length, 2)
      })
    )

    it.effect("a retry-after beyond the cap is capped", () =>
      Effect.gen(function* () {
        const { events, layer } = setup({
          answers: [
            { status: 429, body: "", headers: { "retry-after": "3600" } },
            { status: 200, body: okBody }
          ],
          options: { retry: { retryAfterCapMs: 2_000 } }
        })
        assert.isTrue(Exit.isSuccess(yield* drive(call(layer))))
        assert.strictEqual(events[0]!.delayMs, 2_000)
      })
    )

    it.effect("403 Forbidden.RAM is not retried and names request id, code and a RAM hint", () =>
      Effect.gen(function* () {
        const { sent, events, layer } = setup({ answers: [gatewayError(403, "Forbidden.RAM")] })
        const error = failureOf(yield* drive(call(layer))) as HologresError.ApiError
        assert.strictEqual(sent.length, 1)
        assert.deepStrictEqual(
          events.map((event) => [event.outcome, event.status, event.requestId, event.delayMs]),
          [["final", 403, "req-Forbidden.RAM", undefined]]
        )
        assert.strictEqual(error._tag, "HologresApiError")
        assert.strictEqual(error.reason, "Permission")
        assert.strictEqual(error.code, "Forbidden.RAM")
        assert.strictEqual(error.requestId, "req-Forbidden.RAM")
        assert.strictEqual(error.recommend, "https://api.aliyun.com/troubleshoot")
        assert.strictEqual(error.httpStatus, 403)
        assert.strictEqual(error.attempts, 1)
        assert.include(error.hint, "RAM")
        assert.include(error.message, "req-Forbidden.RAM")
        assert.include(error.message, "1 attempt")
        assertNoSecret(error)
      })
    )

    it.effect("SignatureDoesNotMatch points at the key and at whitespace found in it", () =>
      Effect.gen(function* () {
        const { layer } = setup({
          answers: [gatewayError(400, "SignatureDoesNotMatch")],
          credentials: { accessKeySecret: ` ${canarySecret}\n`, source: "environment" }
        })
        const error = failureOf(yield* drive(call(layer))) as HologresError.ApiError
        assert.strictEqual(error.reason, "Authentication")
        assert.include(error.hint, "environment")
        assert.include(error.hint, "AccessKey secret has leading or trailing whitespace")
        assertNoSecret(error)
      })
    )

    it.effect("InvalidTimeStamp.Expired shows local time and the server's Date", () =>
      Effect.gen(function* () {
        const { layer } = setup({
          answers: [
            { ...gatewayError(400, "InvalidTimeStamp.Expired"), headers: { date: "Fri, 02 Jan 2026 03:04:05 GMT" } }
          ]
        })
        const error = failureOf(yield* drive(call(layer))) as HologresError.ApiError
        assert.strictEqual(error.reason, "ClockSkew")
        assert.include(error.hint, "1970-01-01T00:00:00.000Z")
        assert.include(error.hint, "Fri, 02 Jan 2026 03:04:05 GMT")
        assert.include(error.hint, "behind")
      })
    )

    it.effect("an HTML 502 is retried, then reported with an excerpt, attempts and elapsed time", () =>
      Effect.gen(function* () {
        const page = "<html><head><title>502 Bad Gateway</title></head><body>upstream gone</body></html>"
        const { sent, events, layer } = setup({
          answers: [{ status: 502, body: page, headers: { "content-type": "text/html" } }]
        })
        const error = failureOf(yield* drive(call(layer))) as HologresError.ApiError
        assert.strictEqual(sent.length, 4)
        assert.deepStrictEqual(
          events.map((event) => event.outcome),
          ["retry", "retry", "retry", "final"]
        )
        assert.strictEqual(error._tag, "HologresApiError")
        assert.strictEqual(error.reason, "Unavailable")
        assert.strictEqual(error.attempts, 4)
        assert.include(error.message, "HTML page")
        assert.include(error.message, "502 Bad Gateway")
        assert.include(error.message, "4 attempts in")
        assert.isAbove(error.elapsedMs, 0)
      })
    )

    it.effect("a transport error is retried", () =>
      Effect.gen(function* () {
        const { sent, layer } = setup({ answers: ["transport-error", { status: 200, body: okBody }] })
        assert.isTrue(Exit.isSuccess(yield* drive(call(layer))))
        assert.strictEqual(sent.length, 2)
      })
    )

    it.effect("a stalled attempt times out, is retried, and the final error names attempts and elapsed", () =>
      Effect.gen(function* () {
        const { sent, layer } = setup({
          answers: ["hang"],
          options: { retry: { attemptTimeoutMs: 1_000, maxAttempts: 3 } }
        })
        const error = failureOf(yield* drive(call(layer), 100)) as HologresError.RequestError
        assert.strictEqual(sent.length, 3)
        assert.strictEqual(error.reason, "Timeout")
        assert.strictEqual(error.attempts, 3)
        assert.isAtLeast(error.elapsedMs, 3_000)
        assert.include(error.message, "3 attempts in")
        assertNoSecret(error)
      })
    )

    it.effect("the overall deadline ends the call", () =>
      Effect.gen(function* () {
        const { sent, layer } = setup({
          answers: ["hang"],
          options: { retry: { attemptTimeoutMs: 10_000, deadlineMs: 15_000, maxAttempts: 10 } }
        })
        const error = failureOf(yield* drive(call(layer), 250)) as HologresError.RequestError
        assert.strictEqual(error.reason, "Deadline")
        assert.strictEqual(error.attempts, 2)
        assert.strictEqual(sent.length, 2)
        assert.isAtLeast(error.elapsedMs, 15_000)
      })
    )
  })

  describe("answers that are not a status", () => {
    for (const success of [false, "false"]) {
      it.effect(`200 with Success: ${JSON.stringify(success)} is an Unsuccessful ApiError`, () =>
        Effect.gen(function* () {
          const body = JSON.stringify({
            RequestId: "req-unsuccessful",
            Success: success,
            ErrorCode: "InvalidInstance.NotFound",
            ErrorMessage: "instance not found",
            HttpStatusCode: "404",
            Data: []
          })
          const { sent, layer } = setup({ answers: [{ status: 200, body }] })
          const error = failureOf(yield* drive(call(layer))) as HologresError.ApiError
          assert.strictEqual(sent.length, 1)
          assert.strictEqual(error._tag, "HologresApiError")
          assert.strictEqual(error.reason, "Unsuccessful")
          assert.strictEqual(error.code, "InvalidInstance.NotFound")
          assert.strictEqual(error.requestId, "req-unsuccessful")
          assert.include(error.message, "instance not found")
        })
      )
    }

    it.effect("a 200 that is not JSON is a DecodeError with the status", () =>
      Effect.gen(function* () {
        const { layer } = setup({ answers: [{ status: 200, body: "<html>portal</html>" }] })
        const error = failureOf(yield* drive(call(layer))) as HologresError.DecodeError
        assert.strictEqual(error._tag, "HologresDecodeError")
        assert.strictEqual(error.reason, "Html")
        assert.strictEqual(error.httpStatus, 200)
        assert.strictEqual(error.attempts, 1)
      })
    )

    it.effect("an endless body stops at the cap without reading it all", () =>
      Effect.gen(function* () {
        let pulled = 0
        const chunk = new Uint8Array(64 * 1024).fill(0x20)
        const endless = (request: HttpClientRequest.HttpClientRequest) =>
          HttpClientResponse.fromWeb(
            request,
            new Response(
              new ReadableStream<Uint8Array>({
                pull: (controller) => {
                  pulled += chunk.length
                  controller.enqueue(chunk)
                }
              }),
              { status: 200 }
            )
          )
        const { layer } = setup({ answers: [endless], options: { maxBodyBytes: 1024 * 1024 } })
        const error = failureOf(yield* drive(call(layer))) as HologresError.DecodeError
        assert.strictEqual(error.reason, "TooLarge")
        assert.strictEqual(error.httpStatus, 200)
        assert.isBelow(pulled, 1024 * 1024 + 4 * chunk.length)
      })
    )
  })

  it.effect("no error exposes the secret or the token", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<ReadonlyArray<Answer>> = [
        ["transport-error"],
        [gatewayError(400, "SignatureDoesNotMatch")],
        [{ status: 502, body: "<html>bad gateway</html>" }],
        [{ status: 200, body: "not json" }]
      ]
      for (const answers of cases) {
        const { layer } = setup({ answers, options: { retry: { maxAttempts: 1 } } })
        const exit = yield* drive(call(layer))
        assertNoSecret(failureOf(exit))
        assert.notInclude(JSON.stringify(exit), canarySecret)
        assert.notInclude(JSON.stringify(exit), canaryToken)
      }
    })
  )

  it("validates endpoints", () => {
    assert.isTrue(Either.isRight(HologresClient.validateEndpoint("https://hologram-vpc.{regionId}.aliyuncs.com")))
    assert.isTrue(Either.isRight(HologresClient.validateEndpoint("http://127.0.0.1:8080/")))
    for (const bad of ["ftp://x", "not a url", "http://x/a", "http://x/?q=1", "http://u:p@x"]) {
      assert.isTrue(Either.isLeft(HologresClient.validateEndpoint(bad)), bad)
    }
  })

  it.effect("RetryPolicy.layer changes the policy of clients built under it", () =>
    Effect.gen(function* () {
      const { sent, layer } = setup({ answers: [{ status: 503, body: "" }] })
      const error = failureOf(yield* drive(call(Layer.provide(layer, RetryPolicy.layer({ maxAttempts: 2 })))))
      assert.strictEqual(sent.length, 2)
      assert.strictEqual((error as HologresError.ApiError).attempts, 2)
    })
  )

  it.effect("layerConfig reads the endpoint and signature version from Config", () =>
    Effect.gen(function* () {
      const { sent, client } = scripted([{ status: 200, body: okBody }])
      const layer = HologresClient.layerConfig({
        endpoint: Config.option(Config.string("HOLOGRES_ENDPOINT")).pipe(Config.map(Option.getOrUndefined)),
        signatureVersion: Config.literal("v3", "v1")("HOLOGRES_SIGNATURE_VERSION"),
        maxBodyBytes: Config.succeed(undefined)
      }).pipe(
        Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
        Layer.provide(Credentials.layer({ accessKeyId: "LTAItestid", accessKeySecret: canarySecret, source: "test" }))
      )
      const exit = yield* drive(call(layer)).pipe(
        Effect.withConfigProvider(
          ConfigProvider.fromMap(
            new Map([
              ["HOLOGRES_ENDPOINT", "http://127.0.0.1:9999"],
              ["HOLOGRES_SIGNATURE_VERSION", "v1"]
            ])
          )
        )
      )
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(sent[0]!.url.origin, "http://127.0.0.1:9999")
      assert.match(sent[0]!.headers.authorization!, /^acs /)
    })
  )
})
