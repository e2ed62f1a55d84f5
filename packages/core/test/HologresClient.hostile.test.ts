import type { HttpClientRequest } from "@effect/platform"
import { HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Exit } from "effect"
import { HologresClient, type HologresError } from "../src/index.ts"
import {
  type Answer,
  call,
  canarySecret,
  canaryToken,
  drive,
  failureOf,
  gatewayError,
  okBody,
  setup
} from "./support/Scripted.ts"

// What a hostile or careless server can send back, and what the client makes of it.

/** A token as STS issues them: long, with the characters a JSON writer may escape. */
const slashedToken = `CAIS/${"q".repeat(300)}+canary/token==`

const assertConcealed = (exit: Exit.Exit<unknown, unknown>, secrets: ReadonlyArray<string>) => {
  const text = `${JSON.stringify(exit)}\n${String(Exit.isFailure(exit) ? failureOf(exit) : "")}`
  for (const secret of secrets) {
    assert.notInclude(text, secret)
    // Not even the start of one, cut off by an excerpt.
    assert.notInclude(text, secret.slice(0, 12))
    assert.notInclude(text, JSON.stringify(secret).slice(1, -1).replaceAll("/", "\\/").slice(0, 12))
  }
}

describe("HologresClient facing a server that echoes the request", () => {
  const echo = (token: string) =>
    [
      "Specified signature does not match our calculation. Server string to sign is:",
      "GET\napplication/json\n\n\nFri, 02 Jan 2026 03:04:05 GMT",
      `x-acs-security-token:${token}`,
      `and the secret you sent was ${canarySecret}`
    ].join("\n")

  const answers: ReadonlyArray<readonly [string, Answer]> = [
    [
      "a signature mismatch quoting the string to sign",
      gatewayError(400, "SignatureDoesNotMatch", { Message: echo(canaryToken) })
    ],
    [
      "a signature mismatch whose writer escapes slashes",
      {
        status: 400,
        body: JSON.stringify({ Code: "SignatureDoesNotMatch", Message: echo(slashedToken) }).replaceAll("/", "\\/")
      }
    ],
    ["an HTML error page", { status: 400, body: `<html><body><pre>${echo(slashedToken)}</pre></body></html>` }],
    ["a 200 that is not JSON", { status: 200, body: `debug: ${echo(slashedToken)}` }],
    [
      "a 200 saying Success: false",
      { status: 200, body: JSON.stringify({ Success: false, ErrorCode: "X", ErrorMessage: echo(slashedToken) }) }
    ],
    [
      "a body over the cap that starts with the token",
      { status: 200, body: `{"Echo":"${" ".repeat(150)}${slashedToken}","Padding":"${"x".repeat(64 * 1024)}"}` }
    ]
  ]

  for (const [name, answer] of answers) {
    it.effect(`keeps the secret and the token out of the error: ${name}`, () =>
      Effect.gen(function* () {
        const token = name === "a signature mismatch quoting the string to sign" ? canaryToken : slashedToken
        const { layer, events } = setup({
          answers: [answer],
          credentials: { securityToken: token },
          options: { retry: { maxAttempts: 1 }, maxBodyBytes: 32 * 1024 }
        })
        const exit = yield* drive(call(layer))
        assert.isTrue(Exit.isFailure(exit))
        assertConcealed(exit, [canarySecret, token])
        assert.notInclude(JSON.stringify(events), token.slice(0, 12))
        const error = failureOf(exit) as HologresError.ApiError | HologresError.DecodeError
        // The rest of what the server said survives, with the secret's place marked.
        const said = `${error.message} ${"apiMessage" in error ? error.apiMessage : ""} ${"excerpt" in error ? error.excerpt : ""}`
        assert.include(said, "‹redacted›")
      })
    )
  }

  it.effect("a short secret is not hunted for in answers: it would garble them", () =>
    Effect.gen(function* () {
      const { layer } = setup({
        answers: [{ status: 200, body: okBody.replace("req-ok", "req-ok-abc") }],
        credentials: { accessKeySecret: "abc", securityToken: undefined }
      })
      const exit = yield* drive(call(layer))
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.RequestId, "req-ok-abc")
    })
  )
})

describe("HologresClient facing a request replayed on the way", () => {
  const replayed = gatewayError(400, "SignatureNonceUsed", { Message: "Specified signature nonce was used already." })

  it.effect("a copy refused as a replay is retried with a fresh signature, and the call succeeds", () =>
    Effect.gen(function* () {
      const { sent, events, layer } = setup({ answers: [replayed, { status: 200, body: okBody }] })
      assert.isTrue(Exit.isSuccess(yield* drive(call(layer))))
      assert.strictEqual(sent.length, 2)
      assert.notStrictEqual(sent[0]!.headers["x-acs-signature-nonce"], sent[1]!.headers["x-acs-signature-nonce"])
      assert.deepStrictEqual(
        events.map((event) => event.outcome),
        ["retry", "success"]
      )
    })
  )

  it.effect("when every copy is refused, the call ends as trouble in transit, saying what happened", () =>
    Effect.gen(function* () {
      const { sent, layer } = setup({ answers: [replayed], options: { retry: { maxAttempts: 3 } } })
      const error = failureOf(yield* drive(call(layer))) as HologresError.RequestError
      assert.strictEqual(sent.length, 3)
      assert.strictEqual(error._tag, "HologresRequestError")
      assert.strictEqual(error.reason, "Transport")
      assert.strictEqual(error.attempts, 3)
      assert.include(error.message, "re-sent unchanged")
      assert.include(error.message, "SignatureNonceUsed, request id req-SignatureNonceUsed")
    })
  )
})

describe("HologresClient endpoints", () => {
  it("warns about plain http to another machine, and only then", () => {
    for (const quiet of [
      "https://hologram.{regionId}.aliyuncs.com",
      "http://127.0.0.1:8080",
      "http://127.9.9.9",
      "http://localhost:1",
      "http://emulator.localhost:1",
      "http://[::1]:8080",
      "not a url"
    ]) {
      assert.isUndefined(HologresClient.insecureEndpoint(quiet), quiet)
    }
    for (const loud of [
      "http://hologram.{regionId}.example.com",
      "http://10.0.0.8:8080",
      "http://[fe80::1]",
      "HTTP://X"
    ]) {
      const warning = HologresClient.insecureEndpoint(loud)
      assert.isDefined(warning, loud)
      assert.include(warning, "plain http")
    }
    assert.include(HologresClient.insecureEndpoint("http://proxy.example:3128"), "http://proxy.example:3128")
  })

  it("never repeats a password given in an endpoint", () => {
    const refused = HologresClient.validateEndpoint("http://user:CANARY-pass@proxy.example:3128")
    assert.isTrue(Either.isLeft(refused))
    if (Either.isLeft(refused)) {
      assert.notInclude(refused.left.message, "CANARY-pass")
      assert.include(refused.left.message, "proxy.example:3128")
    }
    assert.notInclude(HologresClient.insecureEndpoint("http://user:CANARY-pass@proxy.example") ?? "", "CANARY-pass")
  })
})

describe("HologresClient reading an answer it cannot hold", () => {
  it.effect("an endless error page stops at the cap, keeping its HTTP status", () =>
    Effect.gen(function* () {
      let pulled = 0
      const chunk = new TextEncoder().encode(`<p>${"x".repeat(16 * 1024)}</p>`)
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
            { status: 503, headers: { "content-type": "text/html" } }
          )
        )
      const { sent, layer } = setup({
        answers: [endless],
        options: { maxBodyBytes: 256 * 1024, retry: { maxAttempts: 2 } }
      })
      const error = failureOf(yield* drive(call(layer))) as HologresError.DecodeError
      assert.strictEqual(error.reason, "TooLarge")
      assert.strictEqual(error.httpStatus, 503)
      // A 503 is worth another attempt, and each one is cut at the cap.
      assert.strictEqual(sent.length, 2)
      assert.isBelow(pulled, 2 * (256 * 1024 + 4 * chunk.length))
    })
  )
})
