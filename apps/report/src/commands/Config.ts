/**
 * `holo-upgrade config show`: the settings a live command would use, and where each comes from: region, endpoint,
 * profile and the credential source. Secrets are never printed, not even in part: the key id shows its first four
 * characters, the secret and the STS token only whether they are set. Exit 0 when credentials and a region are
 * found, 3 when either is missing or broken (what was found is printed all the same).
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { type Credentials, HologresClient, JsonWriter } from "@holo-upgrade/core"
import { CredentialChain } from "@holo-upgrade/node"
import { Effect, Either, Option } from "effect"
import * as Connection from "../Connection.ts"
import * as ExitCode from "../ExitCode.ts"
import * as Output from "../Output.ts"
import { columns } from "../output/text.ts"

const format = Options.choice("output", ["table", "json"]).pipe(
  Options.withAlias("o"),
  Options.withDefault("table" as "table" | "json"),
  Options.withDescription("table (default) or json")
)

/** A setting with where it came from. */
export interface Setting {
  readonly value: string | null
  readonly source: string | null
}

/** What `config show` prints. */
export interface Effective {
  readonly region: Setting
  readonly endpoint: Setting
  readonly profile: Setting
  readonly credentials: {
    readonly source: string | null
    /** The first characters of the AccessKey ID, never the whole id. */
    readonly accessKeyIdPrefix: string | null
    readonly accessKeySecret: "set" | null
    readonly securityToken: "set" | null
    readonly warnings: ReadonlyArray<string>
    readonly error: string | null
  }
}

/** How much of an AccessKey ID may be shown: enough to tell keys apart, too little to be the key. */
export const idPrefixLength = 4

/** An AccessKey ID cut to its prefix, with an ellipsis; a short id shows no more than half of itself. */
export const maskId = (id: string): string => `${id.slice(0, Math.min(idPrefixLength, Math.floor(id.length / 2)))}…`

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === "" ? undefined : value

/** Resolves what a live command would use, never failing: a missing or broken piece is reported in its place. */
export const effective = (flags: {
  readonly region: Option.Option<string>
  readonly endpoint: Option.Option<string>
  readonly profile: Option.Option<string>
}): Effect.Effect<Effective> =>
  Effect.gen(function* () {
    const profileFlag = Option.getOrUndefined(flags.profile)
    const profileEnv = nonEmpty(process.env.ALIBABA_CLOUD_PROFILE)
    const chain = yield* Effect.either(CredentialChain.resolve({ profile: profileFlag }))
    const resolved = Either.getOrUndefined(chain)
    const regionFlag = Option.getOrUndefined(flags.region)
    const regionEnv = nonEmpty(process.env.ALIBABA_CLOUD_REGION_ID)
    const region: Setting =
      regionFlag !== undefined
        ? { value: regionFlag, source: "--region" }
        : resolved?.regionId !== undefined
          ? { value: resolved.regionId, source: resolved.regionSource ?? null }
          : regionEnv !== undefined
            ? { value: regionEnv, source: "ALIBABA_CLOUD_REGION_ID" }
            : { value: null, source: null }
    // A password in the endpoint's user info is a secret too: shown cut out (the endpoint is refused all the same).
    const template = Option.getOrElse(flags.endpoint, () => HologresClient.defaultEndpoint).replace(
      /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i,
      "$1…@"
    )
    const endpointSource = Option.isSome(flags.endpoint) ? "--endpoint" : "default"
    const endpointValue = region.value === null ? template : template.replaceAll("{regionId}", region.value)
    const credentials: Credentials.Service | undefined = resolved?.credentials
    return {
      region,
      endpoint: { value: endpointValue, source: endpointSource },
      profile:
        profileFlag !== undefined
          ? { value: profileFlag, source: "--profile" }
          : profileEnv !== undefined
            ? { value: profileEnv, source: "ALIBABA_CLOUD_PROFILE" }
            : { value: null, source: null },
      credentials: {
        source: credentials?.source ?? null,
        accessKeyIdPrefix: credentials === undefined ? null : maskId(credentials.accessKeyId),
        accessKeySecret: credentials === undefined ? null : "set",
        securityToken: credentials?.securityToken === undefined ? null : "set",
        warnings: credentials?.warnings ?? [],
        error: Either.isLeft(chain) ? chain.left.message : null
      }
    }
  })

/** The problems that would stop a live command, as messages; none when it could run. */
export const problems = (shown: Effective): ReadonlyArray<string> => {
  const found: Array<string> = []
  if (shown.credentials.error !== null) found.push(shown.credentials.error)
  if (shown.region.value === null) {
    found.push("No region: pass --region, set ALIBABA_CLOUD_REGION_ID, or give the profile a region_id")
  } else if (!HologresClient.regionPattern.test(shown.region.value)) {
    found.push(`The region ${JSON.stringify(shown.region.value)} is not a region id (cn-hangzhou)`)
  }
  const endpointCheck = HologresClient.validateEndpoint(shown.endpoint.value ?? "")
  if (Either.isLeft(endpointCheck)) found.push(endpointCheck.left.message)
  return found
}

const described = (setting: Setting, none: string): string =>
  setting.value === null
    ? none
    : `${setting.value}` +
      `${setting.source === null ? "" : setting.source === "default" ? "  (default)" : `  (from ${setting.source})`}`

/** The table form. */
export const renderTable = (shown: Effective): string => {
  const credentials = shown.credentials
  const rows: Array<Array<string>> = [
    ["region", described(shown.region, "none")],
    ["endpoint", described(shown.endpoint, "none")],
    ["profile", described(shown.profile, "none named (environment keys first, then the default profiles)")],
    ["credentials", credentials.source ?? "none found"],
    ["access key id", credentials.accessKeyIdPrefix ?? "—"],
    ["access key secret", credentials.accessKeySecret === null ? "—" : "set (never shown)"],
    ["security token", credentials.securityToken === null ? "not set" : "set (never shown)"],
    ...credentials.warnings.map((warning) => ["warning", warning])
  ]
  return `${columns(rows, "").join("\n")}\n`
}

/** The JSON form: fixed keys, `null` for what is missing. */
export const renderJson = (shown: Effective): string => `${JsonWriter.stringify(shown, { indent: 2 })}\n`

const show = Command.make("show", { ...Connection.options, format, out: Output.out }, (flags) =>
  Effect.gen(function* () {
    const shown = yield* effective(flags)
    yield* Output.write(flags.format === "json" ? renderJson(shown) : renderTable(shown), flags.out)
    yield* Connection.warnEndpoint(flags.endpoint)
    const found = problems(shown)
    for (const problem of found) yield* Output.diagnose(`holo-upgrade: ${problem}`)
    if (found.length > 0) return yield* new ExitCode.CommandExit({ code: ExitCode.configuration })
  })
).pipe(
  Command.withDescription(
    "Print the effective region, endpoint, profile and credential source, as status and watch would use them; " +
      "secrets are never printed"
  )
)

/** The `config` subcommand: `config show`. */
export const command = Command.make("config", {}, () =>
  Effect.fail(new ExitCode.UsageError({ message: "Choose a config command: holo-upgrade config show" }))
).pipe(
  Command.withDescription("Show the configuration live commands use (config show)"),
  Command.withSubcommands([show])
)
