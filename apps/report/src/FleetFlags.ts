/**
 * What the fleet commands (`status` and `watch`) share between their flags and their first call: `--from-file` and
 * `--qps`, the targets listed by arguments and files, checked and deduplicated before credentials are read, every
 * target's region settled, and the rate-limited client (`Fleet.clientLayer`) the whole run goes through.
 */
import * as Options from "@effect/cli/Options"
import { type Credentials, HologresClient, HologresError } from "@holo-upgrade/core"
import { CredentialChain } from "@holo-upgrade/node"
import { Effect, type Layer, Option } from "effect"
import * as Connection from "./Connection.ts"
import * as ExitCode from "./ExitCode.ts"
import * as Fleet from "./Fleet.ts"
import * as RateLimiter from "./RateLimiter.ts"
import * as Targets from "./Targets.ts"
import * as Terminal from "./Terminal.ts"

/** `--from-file FILE|-`. */
export const fromFile = Options.text("from-file").pipe(
  Options.withDescription(
    "Read instances from FILE (- for stdin): one id per line, or CSV instanceId,regionId to mix regions; " +
      "blank lines, # comments and a header row are skipped"
  ),
  Options.optional
)

/** `--qps N`. */
export const qps = Options.float("qps").pipe(
  Options.optional,
  Options.withDescription(
    "At most this many requests per second, retries included, shared by all workers: " +
      "set it at or below the account's flow control for GetUpgradeStatus; default no limit"
  )
)

/** The flags a fleet is set up from. */
export interface Flags {
  readonly instanceIds: ReadonlyArray<string>
  readonly fromFile: Option.Option<string>
  readonly region: Option.Option<string>
  readonly endpoint: Option.Option<string>
  readonly profile: Option.Option<string>
  readonly concurrency: number
  readonly qps: Option.Option<number>
}

/** A fleet ready to run: its targets in the order listed, each with its region, and the client they share. */
export interface Setup {
  readonly targets: ReadonlyArray<Fleet.Target>
  readonly limiter: RateLimiter.RateLimiter
  readonly client: Layer.Layer<HologresClient.HologresClient, HologresError.ConfigError>
}

const missingRegion = (count: number) =>
  new HologresError.ConfigError({
    reason: "MissingRegion",
    message:
      `No region for ${count === 1 ? "an instance" : `${count} instances`}: ` +
      `pass --region, set ALIBABA_CLOUD_REGION_ID, ` +
      `give the profile a region_id, or list instanceId,regionId in --from-file`
  })

/**
 * Everything that can be refused before credentials are read: the flag values and every listed instance. The same
 * instance listed twice is asked about once (said with `-v`).
 */
export const plan = (
  flags: Flags
): Effect.Effect<{ readonly targets: Array<Targets.Target>; readonly qps: number | undefined }, ExitCode.UsageError> =>
  Effect.gen(function* () {
    const usage = (message: string) => new ExitCode.UsageError({ message })
    if (flags.concurrency < 1) return yield* usage(`--concurrency must be at least 1, got ${flags.concurrency}`)
    const qps = Option.getOrUndefined(flags.qps)
    if (qps !== undefined && !RateLimiter.isValidQps(qps)) {
      return yield* usage(`--qps must be a positive number, got ${qps}`)
    }
    const regionFlag = Option.getOrUndefined(flags.region)
    if (regionFlag !== undefined && !HologresClient.regionPattern.test(regionFlag)) {
      return yield* usage(`--region ${JSON.stringify(regionFlag)} is not a region id (cn-hangzhou)`)
    }
    const listed = [
      ...(yield* Targets.fromArguments(flags.instanceIds)),
      ...(Option.isSome(flags.fromFile) ? yield* Targets.fromFile(flags.fromFile.value) : [])
    ]
    if (listed.length === 0) {
      return yield* usage(
        Option.isSome(flags.fromFile)
          ? `${flags.fromFile.value === "-" ? "stdin" : flags.fromFile.value} lists no instance`
          : "Name instances: INSTANCE_ID arguments, or --from-file FILE (- for stdin)"
      )
    }
    const { targets, dropped } = Targets.distinct(listed)
    if (dropped > 0) yield* Terminal.info(`${dropped} duplicate instance${dropped === 1 ? "" : "s"} skipped`)
    return { targets, qps }
  })

/** Credentials and the default region, then every target's region settled (exit 3 when one has none). */
export const settle = (
  flags: Flags,
  listed: ReadonlyArray<Targets.Target>
): Effect.Effect<
  { readonly credentials: Credentials.Service; readonly targets: Array<Fleet.Target> },
  HologresError.ConfigError
> =>
  Effect.gen(function* () {
    yield* Connection.warnEndpoint(flags.endpoint)
    const chain = yield* CredentialChain.resolve({ profile: Option.getOrUndefined(flags.profile) })
    for (const warning of chain.credentials.warnings) yield* Terminal.warn(warning)
    yield* Terminal.info(`credentials from ${chain.credentials.source}`)
    const defaultRegion = Option.getOrUndefined(flags.region) ?? chain.regionId
    const withoutRegion = listed.filter((target) => target.regionId === undefined).length
    if (withoutRegion > 0) {
      if (defaultRegion === undefined) return yield* missingRegion(withoutRegion)
      if (Option.isNone(flags.region)) yield* Connection.checkConfiguredRegion(defaultRegion, chain.regionSource)
      const from = Option.isSome(flags.region) ? "--region" : chain.regionSource
      yield* Terminal.info(`region ${defaultRegion} from ${from}`)
    }
    const targets = listed.map(
      (target): Fleet.Target => ({ instanceId: target.instanceId, regionId: target.regionId ?? defaultRegion! })
    )
    return { credentials: chain.credentials, targets }
  })

/** `plan`, then `settle`, then the limiter of `--qps` and the client every call of the run shares. */
export const setUp = (flags: Flags): Effect.Effect<Setup, ExitCode.UsageError | HologresError.ConfigError> =>
  Effect.gen(function* () {
    const planned = yield* plan(flags)
    const { credentials, targets } = yield* settle(flags, planned.targets)
    const limiter = planned.qps === undefined ? RateLimiter.unlimited : yield* RateLimiter.make({ qps: planned.qps })
    if (planned.qps !== undefined) yield* Terminal.info(`at most ${planned.qps} requests per second`)
    const client = Fleet.clientLayer({
      endpoint: Option.getOrUndefined(flags.endpoint),
      credentials,
      limiter,
      debug: yield* Terminal.isDebug
    })
    return { targets, limiter, client }
  })
