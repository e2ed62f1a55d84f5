/**
 * A local emulator of Hologres `GetUpgradeStatus`, strict like the gateway (V3 and V1 signatures, nonces, clock
 * skew, key ids, STS tokens, action and version headers) and playing scripted upgrades over scaled time, with faults.
 * It listens on loopback only unless told otherwise, and connects nowhere.
 *
 * Use it as an Effect service (`make`, `layer`) or, outside Effect, with `startEmulator`.
 */
import { readFileSync } from "node:fs"
import { Context, Effect, Layer } from "effect"
import * as AccessKey from "./AccessKey.ts"
import { EmulatorError } from "./EmulatorError.ts"
import type * as Fault from "./Fault.ts"
import { type Random, seeded } from "./internal/random.ts"
import { listen, type Running } from "./internal/server.ts"
import { type Plan, plan } from "./internal/timeline.ts"
import type * as RequestLog from "./RequestLog.ts"
import * as Scenario from "./Scenario.ts"

/** How to run the emulator; every field is optional. */
export interface Options {
  /** Interface to listen on; default `127.0.0.1`. */
  readonly host?: string
  /** Port; default 0, a free one. */
  readonly port?: number
  /** Key pairs accepted; default the demo pair (`AccessKey.demo`). */
  readonly keys?: ReadonlyArray<AccessKey.AccessKey>
  /** A preset name (see `Scenario.presets`), `mix` (the default), or the path of a scenario file (`.json`). */
  readonly scenario?: string
  /** How many instances to serve for a preset or `mix`; default one of each preset for `mix`, else 1. */
  readonly instances?: number
  /** Explicit instances, instead of `scenario` and `instances`. */
  readonly specs?: ReadonlyArray<Scenario.InstanceSpec>
  /** Scenario seconds per clock second; default 1. With 60, a 20-minute upgrade plays in 20 seconds. */
  readonly timeScale?: number
  /** Seed of every random choice (step jitter, random faults); default 1. */
  readonly seed?: number
  /** The clock, in epoch milliseconds, for scenarios, date checks, nonce memory and flow control. */
  readonly now?: () => number
  /** Accepted requests per second per access key before `Throttling.User`; default unlimited. */
  readonly qps?: number
  /** Milliseconds added before every API answer; default 0. */
  readonly latencyMs?: number
  /** Faults drawn at random for every instance. */
  readonly randomFaults?: Fault.Random
  /** How many requests the log keeps; default 1000. */
  readonly logCapacity?: number
  /** Called with every logged request, for a live log. */
  readonly onRequest?: (entry: RequestLog.Entry) => void
}

/** A running emulator. */
export interface Service {
  /** Base URL, `http://127.0.0.1:PORT`. */
  readonly url: string
  readonly host: string
  readonly port: number
  /** The key pairs it accepts. */
  readonly keys: ReadonlyArray<AccessKey.AccessKey>
  /** The ids of the instances it serves. */
  readonly instances: () => ReadonlyArray<string>
  /** The request log, oldest first (bounded by `logCapacity`). */
  readonly requests: () => ReadonlyArray<RequestLog.Entry>
  /** Empties the request log. */
  readonly clearRequests: () => void
  /**
   * API requests being answered right now: received, and neither answered in full nor abandoned by the client (a
   * client that gives up on a slow or silent answer must close its connection, which ends the request here).
   */
  readonly openRequests: () => number
}

/** A running emulator started outside Effect; `close` releases the port and every socket. */
export interface Handle extends Service {
  readonly close: () => Promise<void>
}

/** The emulator as an Effect service. */
export class Emulator extends Context.Tag("@holo-upgrade/emulator/Emulator")<Emulator, Service>() {}

const invalid = (message: string, cause?: unknown) =>
  new EmulatorError({ reason: "InvalidOptions", message, ...(cause === undefined ? {} : { cause }) })

const specsOf = (options: Options): ReadonlyArray<Scenario.InstanceSpec> => {
  if (options.specs !== undefined) return options.specs
  const scenario = options.scenario ?? "mix"
  if (scenario === "mix" || Scenario.isPreset(scenario)) {
    if (options.instances !== undefined && (!Number.isInteger(options.instances) || options.instances < 1)) {
      throw invalid(`instances must be a positive integer, not ${options.instances}`)
    }
    return Scenario.instancesOf(scenario, options.instances)
  }
  if (!scenario.endsWith(".json")) {
    throw invalid(`unknown scenario "${scenario}": use mix, ${Scenario.presetNames.join(", ")} or a .json file`)
  }
  let text: string
  try {
    text = readFileSync(scenario, "utf8")
  } catch (cause) {
    throw new EmulatorError({ reason: "ScenarioFile", message: `cannot read scenario file ${scenario}`, cause })
  }
  try {
    return Scenario.decodeFile(text)
  } catch (cause) {
    throw new EmulatorError({ reason: "ScenarioFile", message: `invalid scenario file ${scenario}: ${cause}`, cause })
  }
}

const positive = (name: string, value: number | undefined, fallback: number) => {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0) throw invalid(`${name} must be a positive number, not ${value}`)
  return value
}

/** Validates options and builds the server's configuration; throws `EmulatorError`. */
const configure = (options: Options, now: () => number) => {
  const random: Random = seeded(options.seed ?? 1)
  const plans: Array<Plan> = []
  for (const [index, spec] of specsOf(options).entries()) {
    try {
      plans.push(plan(spec, index, random))
    } catch (cause) {
      throw invalid(cause instanceof Error ? cause.message : String(cause), cause)
    }
  }
  const duplicate = plans.find((one, index) => plans.findIndex((other) => other.id === one.id) !== index)
  if (duplicate !== undefined) throw invalid(`instance id ${duplicate.id} is used twice`)
  const keys = options.keys ?? [AccessKey.demo]
  if (keys.length === 0) throw invalid("at least one key pair is needed")
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid(`port must be 0-65535, not ${port}`)
  return {
    host: options.host ?? "127.0.0.1",
    port,
    keys,
    plans,
    timeScale: positive("timeScale", options.timeScale, 1),
    now,
    random,
    qps: options.qps === undefined ? undefined : positive("qps", options.qps, 1),
    latencyMs: options.latencyMs ?? 0,
    randomFaults: options.randomFaults,
    logCapacity: Math.trunc(positive("logCapacity", options.logCapacity, 1000)),
    onRequest: options.onRequest
  }
}

const serviceOf = (running: Running, keys: ReadonlyArray<AccessKey.AccessKey>): Service => ({
  url: running.url,
  host: running.host,
  port: running.port,
  keys,
  instances: running.instances,
  requests: running.requests,
  clearRequests: running.clearRequests,
  openRequests: running.openRequests
})

const start = async (options: Options, now: () => number): Promise<Handle> => {
  const config = configure(options, now)
  return await listen(config).then(
    (running) => ({ ...serviceOf(running, config.keys), close: running.close }),
    (cause: unknown) => {
      throw new EmulatorError({
        reason: "Listen",
        message: `cannot listen on ${config.host}:${config.port}: ${cause instanceof Error ? cause.message : cause}`,
        cause
      })
    }
  )
}

/**
 * Starts an emulator for the current scope and stops it when the scope closes. Without `options.now` it runs on
 * Effect's `Clock`, so `TestClock` drives its scenarios in tests.
 */
export const make = Effect.fn("Emulator.make")(function* (options: Options = {}) {
  const clock = yield* Effect.clock
  const now = options.now ?? (() => clock.unsafeCurrentTimeMillis())
  const handle = yield* Effect.acquireRelease(
    Effect.tryPromise({
      try: () => start(options, now),
      catch: (cause) =>
        cause instanceof EmulatorError ? cause : invalid(cause instanceof Error ? cause.message : String(cause), cause)
    }),
    (running) => Effect.promise(() => running.close())
  )
  const { close: _close, ...service } = handle
  return service satisfies Service
})

/** The emulator as a scoped layer: started when the layer is built, stopped when it is released. */
export const layer = (options: Options = {}): Layer.Layer<Emulator, EmulatorError> =>
  Layer.scoped(Emulator, make(options))

/** Starts an emulator outside Effect, on the system clock unless `options.now` says otherwise. */
export const startEmulator = (options: Options = {}): Promise<Handle> => start(options, options.now ?? Date.now)
