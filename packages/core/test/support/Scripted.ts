/**
 * A scripted stand-in for the network, for tests of the real `HologresClient`: each request gets the next answer,
 * and everything sent is recorded so the tests can check signatures. Calls run on `TestClock`, driven by `drive`.
 */
import { createHash, createHmac } from "node:crypto"
import type { HttpClientRequest } from "@effect/platform"
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import { assert } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Layer, Option, TestClock } from "effect"
import { Credentials, HologresClient, type HologresError, Signature } from "../../src/index.ts"

export const canarySecret = "CANARY-secret-9f8e7d"
export const canaryToken = "CANARY-token-1a2b3c"

export interface Sent {
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
}

export type Answer =
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  | "transport-error"
  | "hang"
  | ((request: HttpClientRequest.HttpClientRequest) => HttpClientResponse.HttpClientResponse)

export const okBody = JSON.stringify({
  RequestId: "req-ok",
  Success: true,
  Data: [{ FromVersion: "r3.0.1", ToVersion: "r3.1.0", Status: "upgrading", Details: "{}" }]
})

export const gatewayError = (status: number, code: string, extra: Record<string, string> = {}) => ({
  status,
  body: JSON.stringify({
    RequestId: `req-${code}`,
    HostId: "hologram.cn-hangzhou.aliyuncs.com",
    Code: code,
    Message: `${code} message`,
    Recommend: "https://api.aliyun.com/troubleshoot",
    ...extra
  })
})

export const scripted = (answers: ReadonlyArray<Answer>) => {
  const sent: Array<Sent> = []
  const client = HttpClient.make((request, url) => {
    sent.push({ url, headers: request.headers })
    const answer = answers[Math.min(sent.length - 1, answers.length - 1)]!
    if (answer === "hang") return Effect.never
    if (answer === "transport-error") {
      return Effect.fail(
        new HttpClientError.RequestError({ request, reason: "Transport", cause: new Error("connection reset") })
      )
    }
    if (typeof answer === "function") return Effect.succeed(answer(request))
    const response = new Response(answer.body ?? "", { status: answer.status, headers: answer.headers ?? {} })
    return Effect.succeed(HttpClientResponse.fromWeb(request, response))
  })
  return { sent, client }
}

export interface Setup {
  readonly answers: ReadonlyArray<Answer>
  readonly options?: HologresClient.Options
  readonly credentials?: Partial<Credentials.Input>
}

/**
 * Hashing on the calling thread, so signing settles within the step `drive` waits between clock moves. Web Crypto
 * works on the thread pool: on a busy machine it can take longer than that step, and the clock would run an attempt's
 * timeout out before its request was even sent. Signing with Web Crypto is covered by the vector tests.
 */
export const threadHashing: Signature.Hashing = {
  sha256Hex: (input) => createHash("sha256").update(input).digest("hex"),
  hmac: (hash, key, message, encoding) =>
    createHmac(hash === "SHA-256" ? "sha256" : "sha1", key)
      .update(message)
      .digest(encoding)
}

export const setup = (config: Setup) => {
  const { sent, client } = scripted(config.answers)
  const events: Array<HologresClient.AttemptEvent> = []
  const layer = HologresClient.layer({
    onAttempt: (event) => Effect.sync(() => events.push(event)),
    hashing: threadHashing,
    ...config.options
  }).pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
    Layer.provide(
      Credentials.layer({
        accessKeyId: "LTAItestid",
        accessKeySecret: canarySecret,
        securityToken: canaryToken,
        source: "test",
        ...config.credentials
      })
    )
  )
  return { sent, events, layer }
}

/** Runs a call with TestClock, advancing it in steps and letting Web Crypto's promises settle between steps. */
export const drive = <A, E>(effect: Effect.Effect<A, E>, stepMs = 50) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(effect)
    for (let step = 0; step < 100_000; step++) {
      const done = yield* Fiber.poll(fiber)
      if (Option.isSome(done)) return done.value
      yield* Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))
      yield* TestClock.adjust(stepMs)
    }
    return yield* Effect.die("the call never finished")
  })

export const call = (
  layer: Layer.Layer<HologresClient.HologresClient, HologresError.ConfigError>,
  instanceId = "hgprecn-cn-test"
) =>
  Effect.flatMap(HologresClient.HologresClient, (client) =>
    client.getUpgradeStatus({ instanceId, regionId: "cn-hangzhou" })
  ).pipe(Effect.provide(layer))

export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) return assert.fail("expected the call to fail")
  const failure = Cause.failureOption(exit.cause)
  if (Option.isNone(failure)) return assert.fail(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return failure.value
}

export const assertNoSecret = (error: unknown) => {
  for (const text of [String(error), JSON.stringify(error), (error as Error).message ?? ""]) {
    assert.notInclude(text, canarySecret)
    assert.notInclude(text, canaryToken)
  }
}

/** Recomputes the V3 signature of a recorded request the way a verifying server would. */
export const verifyV3 = (sent: Sent) =>
  Effect.gen(function* () {
    const parsed = Signature.parseAuthorization(sent.headers.authorization ?? "")
    assert.isDefined(parsed)
    const { authorization: _, ...headers } = sent.headers
    const request: Signature.Request = {
      method: "GET",
      host: sent.url.host,
      path: sent.url.pathname,
      query: Signature.parseQuery(sent.url.search),
      headers: { ...headers, host: sent.url.host }
    }
    const expected = yield* Signature.authorizationV3(
      request,
      { accessKeyId: "LTAItestid", accessKeySecret: canarySecret },
      parsed!.signedHeaders
    )
    assert.strictEqual(sent.headers.authorization, expected)
  })
