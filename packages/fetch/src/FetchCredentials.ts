/**
 * Credentials for fetch runtimes: fixed values, or named environment variables read through effect `Config` only
 * when a call first needs them. Nothing here touches the environment at import time, so a Deno program that passes
 * its key explicitly runs with no `--allow-env` at all, and one that reads variables needs only those names granted.
 */
import { Credentials, HologresError } from "@holo-upgrade/core"
import { Config, Effect, Layer, Option, type Redacted } from "effect"

/** The variables that hold each part of the key; an omitted field takes the official tools' name. */
export interface EnvironmentNames {
  readonly accessKeyId?: string | undefined
  readonly accessKeySecret?: string | undefined
  readonly securityToken?: string | undefined
}

/** A fixed key pair (and STS token), as plain strings or `Redacted` values. */
export interface Explicit {
  readonly accessKeyId: string
  readonly accessKeySecret: string | Redacted.Redacted<string>
  readonly securityToken?: string | Redacted.Redacted<string> | undefined
}

/** The official tools' variable names: `ALIBABA_CLOUD_ACCESS_KEY_ID`, `_SECRET` and `_SECURITY_TOKEN`. */
export const defaultNames = Credentials.environmentNames

const resolveNames = (names: EnvironmentNames = {}) => ({
  accessKeyId: names.accessKeyId ?? defaultNames.accessKeyId,
  accessKeySecret: names.accessKeySecret ?? defaultNames.accessKeySecret,
  securityToken: names.securityToken ?? defaultNames.securityToken
})

/** Every variable name `fromEnvironment` reads, in the order it reads them. */
export const variablesOf = (names?: EnvironmentNames): ReadonlyArray<string> => {
  const resolved = resolveNames(names)
  return [resolved.accessKeyId, resolved.accessKeySecret, resolved.securityToken]
}

/** The Deno flag that lets a program read exactly these variables. */
export const allowEnvFlag = (names?: EnvironmentNames): string => `--allow-env=${variablesOf(names).join(",")}`

// Deno 2 throws `NotCapable` when a variable outside the granted list is read (Deno 1 threw `PermissionDenied`).
// effect's environment provider reads through `process.env`, so the denial arrives as a defect, not a failure.
const isPermissionDenial = (defect: unknown): boolean =>
  defect instanceof Error && (defect.name === "NotCapable" || defect.name === "PermissionDenied")

/**
 * Reads the key from the named variables (through the `ConfigProvider` in context, the environment by default) and
 * validates it. Unset variables and a runtime refusing to let them be read are both a `ConfigError` with reason
 * `MissingCredentials` whose message names the variables; a refusal also names the `--allow-env` flag to grant.
 */
export const fromEnvironment = (
  names?: EnvironmentNames
): Effect.Effect<Credentials.Service, HologresError.ConfigError> => {
  const resolved = resolveNames(names)
  const variables = variablesOf(names)
  const source = `environment (${resolved.accessKeyId}, ${resolved.accessKeySecret})`
  const read = Config.all({
    accessKeyId: Config.string(resolved.accessKeyId),
    accessKeySecret: Config.redacted(resolved.accessKeySecret),
    securityToken: Config.option(Config.redacted(resolved.securityToken))
  })
  return read.pipe(
    Effect.mapError(
      () =>
        new HologresError.ConfigError({
          reason: "MissingCredentials",
          message:
            `No credentials: set ${resolved.accessKeyId} and ${resolved.accessKeySecret} ` +
            `(and ${resolved.securityToken} for an STS token), or pass the credentials explicitly`
        })
    ),
    Effect.catchAllDefect((defect) =>
      isPermissionDenial(defect)
        ? new HologresError.ConfigError({
            reason: "MissingCredentials",
            message:
              `The runtime refused to read ${variables.join(", ")}: ` +
              `grant ${allowEnvFlag(names)} (Deno), or pass the credentials explicitly`
          })
        : Effect.die(defect)
    ),
    Effect.flatMap((values) =>
      Credentials.make({
        accessKeyId: values.accessKeyId,
        accessKeySecret: values.accessKeySecret,
        securityToken: Option.getOrUndefined(values.securityToken),
        source
      })
    )
  )
}

/** Validates a fixed key pair; `source` labels it in messages ("explicit credentials" by default). */
export const fromExplicit = (
  input: Explicit,
  source = "explicit credentials"
): Effect.Effect<Credentials.Service, HologresError.ConfigError> =>
  Credentials.make({
    accessKeyId: input.accessKeyId,
    accessKeySecret: input.accessKeySecret,
    securityToken: input.securityToken,
    source
  })

/** A `Credentials` layer reading the named variables when it is built; see `fromEnvironment`. */
export const layerEnvironment = (
  names?: EnvironmentNames
): Layer.Layer<Credentials.Credentials, HologresError.ConfigError> =>
  Layer.effect(Credentials.Credentials, fromEnvironment(names))

/** A `Credentials` layer with a fixed key pair. */
export const layer = (input: Explicit): Layer.Layer<Credentials.Credentials, HologresError.ConfigError> =>
  Layer.effect(Credentials.Credentials, fromExplicit(input))
