/**
 * `holo-upgrade status INSTANCE_ID...`: asks `GetUpgradeStatus` about each instance (signed, retried, a few at a
 * time) and reports like `render`, with the same formats and exit codes; 3 when configuration or credentials are
 * wrong, 4 when the API failed after retries.
 */
import { Args, Command, Options } from "@effect/cli"
import { Credentials, HologresClient, HologresError } from "@holo-upgrade/core"
import { CredentialChain, NodeHologresClient } from "@holo-upgrade/node"
import { Effect, Layer, Option } from "effect"
import * as ExitCode from "../ExitCode.ts"
import * as Output from "../Output.ts"
import * as Report from "../Report.ts"

const instanceIds = Args.text({ name: "INSTANCE_ID" }).pipe(
  Args.withDescription("The Hologres instance ids to ask about"),
  Args.atLeast(1)
)

const region = Options.text("region").pipe(
  Options.withAlias("r"),
  Options.optional,
  Options.withDescription("Region id (cn-hangzhou); default ALIBABA_CLOUD_REGION_ID or the profile's region_id")
)

const endpoint = Options.text("endpoint").pipe(
  Options.optional,
  Options.withDescription(
    "Endpoint URL instead of https://hologram.{regionId}.aliyuncs.com (an emulator, a proxy, a VPC endpoint)"
  )
)

const profile = Options.text("profile").pipe(
  Options.optional,
  Options.withDescription("Profile in ~/.aliyun/config.json or ~/.alibabacloud/credentials; skips environment keys")
)

const concurrency = Options.integer("concurrency").pipe(
  Options.withDefault(4),
  Options.withDescription("How many instances to ask at once")
)

const debug = Options.boolean("debug").pipe(
  Options.withDescription("Show on stderr where credentials came from and every attempt (never a secret)")
)

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`

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

/** The `status` subcommand. */
export const command = Command.make(
  "status",
  {
    instanceIds,
    region,
    endpoint,
    profile,
    concurrency,
    debug,
    format: Output.format,
    out: Output.out
  },
  (flags) =>
    Effect.gen(function* () {
      if (flags.concurrency < 1) {
        return yield* new ExitCode.UsageError({ message: `--concurrency must be at least 1, got ${flags.concurrency}` })
      }
      // Refuse what would never be sent before touching credentials: a typo is a usage error, not an API failure.
      const regionFlag = Option.getOrUndefined(flags.region)
      for (const instanceId of flags.instanceIds) {
        const refused = HologresClient.validateInput({ instanceId, regionId: regionFlag ?? "cn-hangzhou" })
        if (refused !== undefined) return yield* new ExitCode.UsageError({ message: refused.message })
      }
      if (regionFlag !== undefined && !HologresClient.regionPattern.test(regionFlag)) {
        return yield* new ExitCode.UsageError({
          message: `--region ${JSON.stringify(regionFlag)} is not a region id (cn-hangzhou)`
        })
      }
      const chain = yield* CredentialChain.resolve({ profile: Option.getOrUndefined(flags.profile) })
      const credentials = chain.credentials
      for (const warning of credentials.warnings) yield* Output.diagnose(`holo-upgrade: warning: ${warning}`)
      const regionId = regionFlag ?? chain.regionId
      if (regionId === undefined) return yield* missingRegion()
      if (flags.debug) {
        yield* Output.diagnose(`holo-upgrade: debug: credentials from ${credentials.source}`)
        const from = Option.isSome(flags.region) ? "--region" : chain.regionSource
        yield* Output.diagnose(`holo-upgrade: debug: region ${regionId} from ${from}`)
      }

      const client = HologresClient.layer({
        endpoint: Option.getOrUndefined(flags.endpoint),
        onAttempt: flags.debug ? (event) => Output.diagnose(describeAttempt(event)) : undefined
      }).pipe(
        Layer.provide(
          Layer.merge(NodeHologresClient.layerHttpClient(), Layer.succeed(Credentials.Credentials, credentials))
        )
      )
      const reports = yield* Effect.forEach(
        flags.instanceIds,
        (instanceId) => {
          const target = { instanceId, regionId }
          return Effect.flatMap(HologresClient.HologresClient, (hologres) => hologres.getUpgradeStatus(target)).pipe(
            Effect.flatMap((response) => Report.fromResponse(response, target)),
            Effect.catchAll((error) => Effect.succeed(Report.fromError(error, target)))
          )
        },
        { concurrency: flags.concurrency }
      ).pipe(Effect.provide(client))

      yield* Output.emit(reports, { format: flags.format, out: flags.out })
      for (const report of reports) {
        const name = report.instanceId ?? "?"
        if (report.error !== undefined) {
          yield* Output.diagnose(`holo-upgrade: ${name}: ${Report.describeError(report.error)}`)
          continue
        }
        for (const finding of report.findings) {
          if (finding.severity === "critical") yield* Output.diagnose(`holo-upgrade: ${name}: ${finding.message}`)
        }
      }
      const code = ExitCode.ofReports(reports)
      if (code !== ExitCode.ok) return yield* new ExitCode.CommandExit({ code })
    })
).pipe(Command.withDescription("Ask GetUpgradeStatus about instances and report where their upgrades stand"))
