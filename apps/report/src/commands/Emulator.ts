/**
 * `holo-upgrade emulator`: runs the local GetUpgradeStatus emulator until interrupted. It prints its base URL and
 * the key pairs it accepts on stdout (local test keys, so printing them is fine) and logs every request to stderr.
 */
import { Command, Options } from "@effect/cli"
import { AccessKey, Emulator, RequestLog, Scenario } from "@holo-upgrade/emulator"
import { Effect, Option } from "effect"
import * as ExitCode from "../ExitCode.ts"
import * as Output from "../Output.ts"

const host = Options.text("host").pipe(
  Options.withDefault("127.0.0.1"),
  Options.withDescription("Interface to listen on, default 127.0.0.1; anything but loopback needs --expose")
)

const port = Options.integer("port").pipe(Options.withDefault(0), Options.withDescription("Port; 0 picks a free one"))

const key = Options.text("key").pipe(
  Options.repeated,
  // Without a --key the demo pair is accepted; optional, so the usage line does not show the flag as required.
  Options.optional,
  Options.map(Option.getOrElse((): ReadonlyArray<string> => [])),
  Options.withDescription(
    `A key pair to accept, ID:SECRET or ID:SECRET:TOKEN for STS; repeatable. ` +
      `Default: the demo pair ${AccessKey.show(AccessKey.demo)}`
  )
)

const scenario = Options.text("scenario").pipe(
  Options.withDefault("mix"),
  Options.withDescription(
    `mix (every story in turn, the default), one of ${Scenario.presetNames.join(", ")}, or a .json file`
  )
)

const instances = Options.integer("instances").pipe(
  Options.optional,
  Options.withDescription("How many instances to serve; default one per story for mix, else 1")
)

const timeScale = Options.float("time-scale").pipe(
  Options.withDefault(1),
  Options.withDescription("Scenario seconds per real second, default 1; 60 plays a 20-minute upgrade in 20 seconds")
)

const seed = Options.integer("seed").pipe(
  Options.withDefault(1),
  Options.withDescription("Seed of every random choice, default 1")
)

const qps = Options.float("qps").pipe(
  Options.optional,
  Options.withDescription("Requests per second per access key before Throttling.User; default unlimited")
)

const faultRate = Options.float("fault-rate").pipe(
  Options.optional,
  Options.withDescription("Share of requests (0-1) that get a random recoverable fault")
)

const latency = Options.integer("latency-ms").pipe(
  Options.withDefault(0),
  Options.withDescription("Milliseconds added to every answer, default 0")
)

const expose = Options.boolean("expose").pipe(
  Options.withDescription("Confirm a --host that is not loopback: anyone who can reach it can use the printed keys")
)

/** Whether a host name or address stays on this machine. */
export const isLoopback = (name: string): boolean => {
  const bare = name.replace(/^\[(.*)\]$/, "$1").toLowerCase()
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare)
}

/** What the command was asked to do, parsed. */
export interface Settings {
  readonly host: string
  readonly port: number
  readonly key: ReadonlyArray<string>
  readonly scenario: string
  readonly instances: Option.Option<number>
  readonly timeScale: number
  readonly seed: number
  readonly qps: Option.Option<number>
  readonly faultRate: Option.Option<number>
  readonly latencyMs: number
  readonly expose: boolean
}

/** Starts the emulator for the current scope, prints where it is and what it accepts, and logs requests. */
export const serve = Effect.fn("holo-upgrade.emulator")(function* (settings: Settings) {
  const keys: Array<AccessKey.AccessKey> = []
  for (const text of settings.key) {
    const parsed = AccessKey.parse(text)
    if (parsed === undefined) {
      return yield* new ExitCode.UsageError({ message: `--key must be ID:SECRET or ID:SECRET:TOKEN, not "${text}"` })
    }
    keys.push(parsed)
  }
  if (!isLoopback(settings.host)) {
    if (!settings.expose) {
      return yield* new ExitCode.UsageError({
        message:
          `--host ${settings.host} is not loopback: anyone who can reach it could use the keys. ` +
          `Add --expose to confirm.`
      })
    }
    yield* Output.diagnose(
      `WARNING: the emulator listens on ${settings.host}, beyond this machine; ` +
        `its keys are printed below and are not secret.`
    )
  }
  if (Option.exists(settings.faultRate, (rate) => !(rate >= 0 && rate <= 1))) {
    return yield* new ExitCode.UsageError({ message: "--fault-rate must be between 0 and 1" })
  }

  const emulator = yield* Emulator.make({
    host: settings.host,
    port: settings.port,
    ...(keys.length === 0 ? {} : { keys }),
    scenario: settings.scenario,
    ...Option.match(settings.instances, { onNone: () => ({}), onSome: (count) => ({ instances: count }) }),
    timeScale: settings.timeScale,
    seed: settings.seed,
    ...Option.match(settings.qps, { onNone: () => ({}), onSome: (limit) => ({ qps: limit }) }),
    ...Option.match(settings.faultRate, { onNone: () => ({}), onSome: (rate) => ({ randomFaults: { rate } }) }),
    latencyMs: settings.latencyMs,
    onRequest: (entry) => process.stderr.write(`${RequestLog.format(entry)}\n`)
  }).pipe(Effect.mapError((error) => new ExitCode.UsageError({ message: error.message })))

  // stdout carries what a script needs, the URL first; the rest is for people, on stderr.
  const lines = [
    emulator.url,
    ...emulator.keys.map((one) => `key ${AccessKey.show(one)}`),
    ...emulator.instances().map((id) => `instance ${id}`)
  ]
  yield* Output.write(`${lines.join("\n")}\n`, Option.none())
  yield* Output.diagnose(
    `holo-upgrade emulator: ${emulator.instances().length} instances on ${emulator.url} ` +
      `(scenario ${settings.scenario}, time scale ${settings.timeScale}, seed ${settings.seed}); Ctrl-C stops it. ` +
      `Control routes: ${emulator.url}/_emulator/instances and /_emulator/requests`
  )
  return emulator
})

/** The `emulator` subcommand: serves until interrupted. */
export const command = Command.make(
  "emulator",
  { host, port, key, scenario, instances, timeScale, seed, qps, faultRate, latencyMs: latency, expose },
  (settings) => Effect.scoped(Effect.zipRight(serve(settings), Effect.never))
).pipe(Command.withDescription("Run a local, signature-checking GetUpgradeStatus emulator with scripted upgrades"))
