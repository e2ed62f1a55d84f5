import { request } from "node:http"
import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it, vi } from "@effect/vitest"
import { Signature } from "@holo-upgrade/core"
import { Effect, Fiber } from "effect"
import * as EmulatorCommand from "../src/commands/Emulator.ts"

/** Captures what the command writes to stdout and stderr while `body` runs. */
const capturing = <A, E, R>(body: (out: Array<string>, err: Array<string>) => Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      const out: Array<string> = []
      const err: Array<string> = []
      const fake =
        (sink: Array<string>) =>
        (chunk: unknown, encodingOrDone?: unknown, done?: unknown): boolean => {
          sink.push(String(chunk))
          const callback = typeof encodingOrDone === "function" ? encodingOrDone : done
          if (typeof callback === "function") callback()
          return true
        }
      const spies = [
        vi.spyOn(process.stdout, "write").mockImplementation(fake(out) as never),
        vi.spyOn(process.stderr, "write").mockImplementation(fake(err) as never)
      ]
      return { out, err, spies }
    }),
    ({ out, err }) => body(out, err),
    ({ spies }) =>
      Effect.sync(() => {
        for (const spy of spies) spy.mockRestore()
      })
  )

const run = (args: ReadonlyArray<string>) =>
  Command.run(EmulatorCommand.command, { name: "holo-upgrade", version: "test" })([
    "node",
    "holo-upgrade",
    ...args
  ]).pipe(Effect.provide(NodeContext.layer))

/** A GET signed by core's signer, over a fresh connection; resolves to the status, or the error code. */
const signedStatus = (url: string, instanceId: string, accessKeyId: string, secret: string, token?: string) =>
  Effect.gen(function* () {
    const target = new URL(url)
    const signing: Signature.Request = {
      method: "GET",
      host: target.host,
      path: `/api/v1/instances/${Signature.pathSegment(instanceId)}/upgrade/status`,
      query: { RegionId: "cn-hangzhou" },
      headers: { "x-acs-action": "GetUpgradeStatus", "x-acs-version": "2022-06-01", accept: "application/json" }
    }
    const headers = yield* Signature.signV3(
      signing,
      { accessKeyId, accessKeySecret: secret, securityToken: token },
      { date: new Date(), nonce: Signature.newNonce() }
    )
    return yield* Effect.async<number | string>((resume) => {
      const outgoing = request(Signature.wireUrl(url, signing), { headers, agent: false }, (incoming) => {
        incoming.resume()
        incoming.on("end", () => resume(Effect.succeed(incoming.statusCode ?? 0)))
      })
      outgoing.on("error", (error: NodeJS.ErrnoException) => resume(Effect.succeed(error.code ?? error.message)))
      outgoing.end()
    })
  })

describe("holo-upgrade emulator", () => {
  it.live("prints its URL, keys and instances, logs requests to stderr, and stops when interrupted", () =>
    capturing((out, err) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(
          run(["--scenario", "rollback", "--instances", "2", "--key", "my-id:my-secret", "--key", "STS.x:s2:tok:en"])
        )
        while (!out.join("").includes("instance hgemu-rollback-2\n")) yield* Effect.sleep("5 millis")
        const lines = out.join("").trimEnd().split("\n")
        assert.match(lines[0]!, /^http:\/\/127\.0\.0\.1:\d+$/)
        assert.deepStrictEqual(lines.slice(1), [
          "key my-id:my-secret",
          "key STS.x:s2:tok:en",
          "instance hgemu-rollback-1",
          "instance hgemu-rollback-2"
        ])
        const url = lines[0]!

        assert.strictEqual(yield* signedStatus(url, "hgemu-rollback-1", "my-id", "my-secret"), 200)
        assert.strictEqual(yield* signedStatus(url, "hgemu-rollback-2", "STS.x", "s2", "tok:en"), 200)
        assert.strictEqual(yield* signedStatus(url, "hgemu-rollback-1", "holo-demo-key", "x"), 404)
        const log = err.join("")
        assert.match(
          log,
          /GET \/api\/v1\/instances\/hgemu-rollback-1\/upgrade\/status\?RegionId=cn-hangzhou key=my-id sig=v3:valid status=200/
        )
        assert.match(log, /key=holo-demo-key sig=v3:unknown-key status=404 InvalidAccessKeyId\.NotFound/)

        yield* Fiber.interrupt(fiber)
        assert.strictEqual(yield* signedStatus(url, "hgemu-rollback-1", "my-id", "my-secret"), "ECONNREFUSED")
      })
    )
  )

  it.live("accepts the demo pair when no --key is given", () =>
    capturing((out) =>
      Effect.gen(function* () {
        const fiber = yield* Effect.fork(run(["--scenario", "hot-upgrade"]))
        while (!out.join("").includes("instance ")) yield* Effect.sleep("5 millis")
        const [url, keyLine] = out.join("").split("\n")
        assert.strictEqual(keyLine, "key holo-demo-key:holo-demo-secret-not-a-real-key")
        assert.strictEqual(
          yield* signedStatus(url!, "hgemu-hot-upgrade-1", "holo-demo-key", "holo-demo-secret-not-a-real-key"),
          200
        )
        yield* Fiber.interrupt(fiber)
      })
    )
  )

  it.live("refuses a non-loopback host without --expose, a malformed key and an unknown scenario", () =>
    capturing(() =>
      Effect.gen(function* () {
        for (const args of [
          ["--host", "0.0.0.0"],
          ["--host", "192.0.2.10"],
          ["--key", "no-secret"],
          ["--scenario", "nonsense"],
          ["--fault-rate", "2"]
        ]) {
          const error = yield* Effect.flip(run(args))
          assert.strictEqual((error as { _tag: string })._tag, "UsageError", args.join(" "))
        }
      })
    )
  )

  it("knows which hosts are loopback", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) {
      assert.isTrue(EmulatorCommand.isLoopback(host), host)
    }
    for (const host of ["0.0.0.0", "::", "192.168.1.2", "example.com", "127.0.0.1.example.com"]) {
      assert.isFalse(EmulatorCommand.isLoopback(host), host)
    }
  })
})
