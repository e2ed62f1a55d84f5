/**
 * The key pair (and optional STS token) the client signs with, as a service. Static and `Config`-based layers live
 * here; file-based chains (CLI profile, ini file) live in the platform adapters.
 */
import { Config, Context, Effect, Layer, Option, Redacted } from "effect"
import * as HologresError from "./HologresError.ts"

/**
 * Resolved credentials. `source` says where they came from for messages ("environment", "profile default in
 * ~/.aliyun/config.json"); it never contains a secret. `warnings` names suspicious formatting found in the values
 * (whitespace, invisible characters) without quoting them.
 */
export interface Service {
  readonly accessKeyId: string
  readonly accessKeySecret: Redacted.Redacted<string>
  readonly securityToken?: Redacted.Redacted<string> | undefined
  readonly source: string
  readonly warnings: ReadonlyArray<string>
}

/** The credentials a `HologresClient` signs with. */
export class Credentials extends Context.Tag("@holo-upgrade/core/Credentials")<Credentials, Service>() {}

/** Raw input for `make`: plain strings or `Redacted` values, and a label for where they came from. */
export interface Input {
  readonly accessKeyId: string
  readonly accessKeySecret: string | Redacted.Redacted<string>
  readonly securityToken?: string | Redacted.Redacted<string> | undefined
  readonly source: string
}

// Zero-width space, non-joiner, joiner, word joiner and the byte-order mark: invisible when pasted, fatal to a key.
const invisible = /[\u200B-\u200D\u2060\uFEFF]/

const toRedacted = (value: string | Redacted.Redacted<string>): Redacted.Redacted<string> =>
  typeof value === "string" ? Redacted.make(value) : value

/** Describes what looks wrong with a credential value, naming the field and never quoting the value. */
export const inspect = (field: string, value: string): ReadonlyArray<string> => {
  const problems: Array<string> = []
  if (value !== value.trim()) problems.push(`${field} has leading or trailing whitespace`)
  if (invisible.test(value)) problems.push(`${field} contains an invisible (zero-width) character`)
  if (/[\u0000-\u001F\u007F]/.test(value.trim())) problems.push(`${field} contains a control character`)
  return problems
}

/**
 * Why a value sent in a header (the key id, the STS token) cannot travel in one, naming the field and never quoting
 * the value; `undefined` when it can. Header values are printable ASCII (and tabs): HTTP clients refuse anything
 * else before sending, and a line break could forge another header.
 */
export const unsendable = (field: string, value: string): string | undefined => {
  if (!/[^\t\u0020-\u007E]/.test(value)) return undefined
  if (invisible.test(value)) return `${field} contains an invisible (zero-width) character`
  if (/[\u0000-\u001F\u007F]/.test(value)) return `${field} contains a line break or another control character`
  return `${field} contains a character outside printable ASCII`
}

/**
 * Validates raw credentials: an empty key id or secret, or a key id or token that cannot be sent in a header, is a
 * `ConfigError` (reason `InvalidCredentials`) naming the source and the problem; suspicious formatting of the rest
 * becomes a warning, and the values are kept as given.
 */
export const make = (input: Input): Effect.Effect<Service, HologresError.ConfigError> =>
  Effect.suspend(() => {
    const secret = toRedacted(input.accessKeySecret)
    const token = input.securityToken === undefined ? undefined : toRedacted(input.securityToken)
    const empty = [
      input.accessKeyId.trim() === "" ? "AccessKey ID" : undefined,
      Redacted.value(secret).trim() === "" ? "AccessKey secret" : undefined
    ].filter((field) => field !== undefined)
    if (empty.length > 0) {
      return Effect.fail(
        new HologresError.ConfigError({
          reason: "InvalidCredentials",
          message: `The ${empty.join(" and ")} from ${input.source} ${empty.length > 1 ? "are" : "is"} empty`
        })
      )
    }
    const refused = [
      unsendable("AccessKey ID", input.accessKeyId),
      token === undefined ? undefined : unsendable("security token", Redacted.value(token))
    ].filter((problem) => problem !== undefined)
    if (refused.length > 0) {
      return Effect.fail(
        new HologresError.ConfigError({
          reason: "InvalidCredentials",
          message:
            `The ${refused.join(", and the ")} (from ${input.source}): it cannot be sent in an HTTP header. ` +
            `Copy it again, without the stray character`
        })
      )
    }
    const warnings = [
      ...inspect("AccessKey ID", input.accessKeyId),
      ...inspect("AccessKey secret", Redacted.value(secret)),
      ...(token === undefined ? [] : inspect("security token", Redacted.value(token)))
    ].map((problem) => `${problem} (from ${input.source})`)
    return Effect.succeed({
      accessKeyId: input.accessKeyId,
      accessKeySecret: secret,
      securityToken: token,
      source: input.source,
      warnings
    })
  })

/** A layer with fixed credentials, validated by `make`. */
export const layer = (input: Input): Layer.Layer<Credentials, HologresError.ConfigError> =>
  Layer.effect(Credentials, make(input))

export {
  /** Alias of `layer`: fixed credentials. */
  layer as static
}

/** The `Config` entries `layerConfig` reads; each may be overridden. */
export interface ConfigOptions {
  readonly accessKeyId?: Config.Config<string>
  readonly accessKeySecret?: Config.Config<Redacted.Redacted<string>>
  readonly securityToken?: Config.Config<Option.Option<Redacted.Redacted<string>>>
  readonly source?: string
}

/** The environment variables the official tools read, in the names `layerConfig` uses by default. */
export const environmentNames = {
  accessKeyId: "ALIBABA_CLOUD_ACCESS_KEY_ID",
  accessKeySecret: "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
  securityToken: "ALIBABA_CLOUD_SECURITY_TOKEN"
} as const

/**
 * Credentials from effect `Config` (by default the `ALIBABA_CLOUD_ACCESS_KEY_ID`, `_SECRET` and `_SECURITY_TOKEN`
 * variables). A missing entry is a `ConfigError` with reason `MissingCredentials` naming the variables, never values.
 */
export const makeConfig = (options: ConfigOptions = {}): Effect.Effect<Service, HologresError.ConfigError> =>
  Effect.gen(function* () {
    const config = Config.all({
      accessKeyId: options.accessKeyId ?? Config.string(environmentNames.accessKeyId),
      accessKeySecret: options.accessKeySecret ?? Config.redacted(environmentNames.accessKeySecret),
      securityToken: options.securityToken ?? Config.option(Config.redacted(environmentNames.securityToken))
    })
    const values = yield* Effect.mapError(
      config,
      (error) =>
        new HologresError.ConfigError({
          reason: "MissingCredentials",
          message:
            `No credentials in the configuration ` +
            `(${environmentNames.accessKeyId} and ${environmentNames.accessKeySecret} by default): ` +
            `${describeConfigError(error)}`
        })
    )
    return yield* make({
      accessKeyId: values.accessKeyId,
      accessKeySecret: values.accessKeySecret,
      securityToken: Option.getOrUndefined(values.securityToken),
      source: options.source ?? "environment"
    })
  })

// effect's ConfigError names the missing path; its message never contains a value, so it is safe to repeat.
const describeConfigError = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** A layer reading credentials from effect `Config`; see `makeConfig`. */
export const layerConfig = (options: ConfigOptions = {}): Layer.Layer<Credentials, HologresError.ConfigError> =>
  Layer.effect(Credentials, makeConfig(options))
