/**
 * How a command that calls the API connects: the `--region`, `--endpoint` and `--profile` flags (with the global `-v`
 * and `--debug`, see `Terminal`), checked before anything is sent, the credential chain, and the signed, retrying
 * client over the Node adapter. `demo` connects here; `status` and `watch` take the same flags but set up through
 * `FleetFlags`, since a fleet may span regions and runs under a shared rate limit.
 */
import { Options } from "@effect/cli"
import { Assessment, Credentials, HologresClient, HologresError } from "@holo-upgrade/core"
import { CredentialChain, NodeHologresClient } from "@holo-upgrade/node"
import { Effect, Layer, Option } from "effect"
import * as ExitCode from "./ExitCode.ts"
import * as Output from "./Output.ts"
import * as Targets from "./Targets.ts"
import * as Terminal from "./Terminal.ts"

/** `--region` (`-r`). */
export const region = Options.text("region").pipe(
  Options.withAlias("r"),
  Options.optional,
  Options.withDescription("Region id (cn-hangzhou); default ALIBABA_CLOUD_REGION_ID or the profile's region_id")
)

/** `--endpoint URL`. */
export const endpoint = Options.text("endpoint").pipe(
  Options.optional,
  Options.withDescription(
    "Endpoint URL instead of https://hologram.{regionId}.aliyuncs.com (an emulator, a proxy, a VPC endpoint)"
  )
)

/** `--profile NAME`. */
export const profile = Options.text("profile").pipe(
  Options.optional,
  Options.withDescription("Profile in ~/.aliyun/config.json or ~/.alibabacloud/credentials; skips environment keys")
)

/** The connection flags, to spread into a command's options. `--debug` is global: `Terminal` reads it. */
export const options = { region, endpoint, profile } as const

/** What the connection flags parse to, plus credentials a command may supply itself (the demo's key pair). */
export interface Settings {
  readonly region: Option.Option<string>
  readonly endpoint: Option.Option<string>
  readonly profile: Option.Option<string>
  /** Debug output even without the global `--debug` flag. */
  readonly debug?: boolean | undefined
  /** Credentials given in code; they win over every other source. */
  readonly explicit?: CredentialChain.Explicit | undefined
  /** Where the credential chain and the proxy settings are read; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
}

/** A client ready to use, and the region its calls go to. */
export interface Connection {
  readonly regionId: string
  readonly layer: Layer.Layer<HologresClient.HologresClient, HologresError.ConfigError>
}

// Like every length of time a report shows (`0.8 s`, `47 s`, `12.5 min`).
const seconds = (ms: number): string => Assessment.describeSeconds(ms / 1000)

/** One `--debug` line for an attempt. */
export const describeAttempt = (event: HologresClient.AttemptEvent): string => {
  const status = event.status === undefined ? "no answer" : `HTTP ${event.status}`
  const id = event.requestId === undefined ? "" : ` request id ${event.requestId}`
  const next =
    event.outcome === "retry"
      ? `; retrying in ${seconds(event.delayMs ?? 0)}`
      : event.outcome === "final"
        ? "; giving up"
        : ""
  const why = event.error === undefined ? "" : ` (${event.error})`
  return `holo-upgrade: debug: attempt ${event.attempt} ${event.method} ${event.url} -> ${status}${id}${why}${next}`
}

const missingRegion = () =>
  new HologresError.ConfigError({
    reason: "MissingRegion",
    message: "No region: pass --region, set ALIBABA_CLOUD_REGION_ID, or give the profile a region_id"
  })

/**
 * Refuses a region that came from configuration (`ALIBABA_CLOUD_REGION_ID`, a profile's `region_id`) and could not
 * be sent: it would become part of a host name, so it is checked where it enters, like `--region`, and named with its
 * source (exit 3, since the fix is in the set-up).
 */
export const checkConfiguredRegion = (
  regionId: string,
  source: string | undefined
): Effect.Effect<void, HologresError.ConfigError> =>
  HologresClient.regionPattern.test(regionId)
    ? Effect.void
    : new HologresError.ConfigError({
        reason: "InvalidOption",
        message:
          `The region ${JSON.stringify(HologresError.excerpt(regionId, 40))}` +
          `${source === undefined ? "" : ` from ${source}`} is not a region id: ` +
          `use lower-case letters, digits and dashes (cn-hangzhou)`
      })

/** Warns on stderr when `--endpoint` would carry requests unencrypted to another machine. */
export const warnEndpoint = (endpoint: Option.Option<string>): Effect.Effect<void> => {
  const warning = Option.isSome(endpoint) ? HologresClient.insecureEndpoint(endpoint.value) : undefined
  return warning === undefined ? Effect.void : Terminal.warn(warning)
}

/**
 * Refuses what would never be sent, before credentials are touched: a malformed instance id or `--region` is a
 * usage error (exit 2), not an API failure.
 */
export const checkTargets = (
  instanceIds: ReadonlyArray<string>,
  settings: Pick<Settings, "region">
): Effect.Effect<void, ExitCode.UsageError> =>
  Effect.gen(function* () {
    const regionFlag = Option.getOrUndefined(settings.region)
    for (const instanceId of instanceIds) {
      const unknown = Targets.refuseOption(instanceId)
      if (unknown !== undefined) return yield* new ExitCode.UsageError({ message: unknown })
      const refused = HologresClient.validateInput({ instanceId, regionId: regionFlag ?? "cn-hangzhou" })
      if (refused !== undefined) return yield* new ExitCode.UsageError({ message: refused.message })
    }
    if (regionFlag !== undefined && !HologresClient.regionPattern.test(regionFlag)) {
      return yield* new ExitCode.UsageError({
        message: `--region ${JSON.stringify(regionFlag)} is not a region id (cn-hangzhou)`
      })
    }
  })

/**
 * Checks the targets, resolves credentials and region (saying on stderr what was found with `-v` or `--debug`, and any
 * warning of the chain), and describes the client. The client itself is built when its layer is provided, so a
 * command provides it once around all of its calls and they share connections.
 */
export const connect = (
  instanceIds: ReadonlyArray<string>,
  settings: Settings
): Effect.Effect<Connection, ExitCode.UsageError | HologresError.ConfigError> =>
  Effect.gen(function* () {
    yield* checkTargets(instanceIds, settings)
    yield* warnEndpoint(settings.endpoint)
    const chain = yield* CredentialChain.resolve({
      profile: Option.getOrUndefined(settings.profile),
      explicit: settings.explicit,
      env: settings.env
    })
    const credentials = chain.credentials
    for (const warning of credentials.warnings) yield* Terminal.warn(warning)
    const regionId = Option.getOrUndefined(settings.region) ?? chain.regionId
    if (regionId === undefined) return yield* missingRegion()
    if (Option.isNone(settings.region)) yield* checkConfiguredRegion(regionId, chain.regionSource)
    const debug = settings.debug === true || (yield* Terminal.isDebug)
    // Said with -v as well as --debug.
    const say = debug ? (message: string) => Output.diagnose(`holo-upgrade: ${message}`) : Terminal.info
    yield* say(`credentials from ${credentials.source}`)
    yield* say(`region ${regionId} from ${Option.isSome(settings.region) ? "--region" : chain.regionSource}`)

    const layer = HologresClient.layer({
      endpoint: Option.getOrUndefined(settings.endpoint),
      onAttempt: debug ? (event) => Output.diagnose(describeAttempt(event)) : undefined
    }).pipe(
      Layer.provide(
        Layer.merge(
          NodeHologresClient.layerHttpClient({ env: settings.env }),
          Layer.succeed(Credentials.Credentials, credentials)
        )
      )
    )
    return { regionId, layer }
  })
