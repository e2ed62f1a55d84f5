/**
 * The credential chain of the official tools, without any network: explicit values, then the environment, then the
 * CLI's `~/.aliyun/config.json` profile, then the `~/.alibabacloud/credentials` INI file. The first source that has a
 * key wins and is named in `source`; a source that is present but broken stops the chain with a `ConfigError` naming
 * the file (and line), never a value. There is deliberately no instance-metadata probe: off-cloud it only hangs.
 */
import { homedir } from "node:os"
import { join } from "node:path"
import { Credentials, HologresError } from "@holo-upgrade/core"
import { Effect, Layer, type Redacted } from "effect"
import { lineOf, readOptionalFile } from "./internal/files.ts"
import { parseIni } from "./internal/ini.ts"

/** Values given in code; they win over every other source. */
export interface Explicit {
  readonly accessKeyId: string
  readonly accessKeySecret: string | Redacted.Redacted<string>
  readonly securityToken?: string | Redacted.Redacted<string> | undefined
}

/** Where the chain looks. Everything is injectable so tests (and embedders) control the environment and home. */
export interface Options {
  readonly explicit?: Explicit | undefined
  /** Profile to use in either file; when given, environment keys are skipped. Default `ALIBABA_CLOUD_PROFILE`. */
  readonly profile?: string | undefined
  /** Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  /** Default the user's home directory. */
  readonly homeDir?: string | undefined
  /** Time allowed to read each file; default 2000 ms. */
  readonly timeoutMs?: number | undefined
}

/** The winning credentials and, when one is configured, the region. */
export interface Resolved {
  readonly credentials: Credentials.Service
  readonly regionId: string | undefined
  /** Where `regionId` came from, for messages. */
  readonly regionSource: string | undefined
}

interface Context {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly home: string
  readonly timeoutMs: number
  /** The profile named by option or environment, if any. */
  readonly namedProfile: string | undefined
}

interface Found {
  readonly input: Credentials.Input
  readonly regionId: string | undefined
}

/** A source's verdict: credentials, or a note for the final "nothing found" message. */
type Verdict = { readonly found: Found } | { readonly note: string }

const nonEmpty = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined)

const configError = (reason: HologresError.ConfigErrorReason, message: string, path?: string) =>
  new HologresError.ConfigError({ reason, message, ...(path === undefined ? {} : { path }) })

const fromEnvironment = (context: Context): Effect.Effect<Verdict, HologresError.ConfigError> => {
  const names = Credentials.environmentNames
  const id = nonEmpty(context.env[names.accessKeyId])
  const secret = nonEmpty(context.env[names.accessKeySecret])
  if (id === undefined && secret === undefined) return Effect.succeed({ note: `${names.accessKeyId} is not set` })
  if (id === undefined || secret === undefined) {
    const missing = id === undefined ? names.accessKeyId : names.accessKeySecret
    const present = id === undefined ? names.accessKeySecret : names.accessKeyId
    return Effect.fail(configError("InvalidCredentials", `${present} is set but ${missing} is not`))
  }
  const input: Credentials.Input = {
    accessKeyId: id,
    accessKeySecret: secret,
    securityToken: nonEmpty(context.env[names.securityToken]),
    source: `environment (${names.accessKeyId})`
  }
  return Effect.succeed({ found: { input, regionId: undefined } })
}

/** The error position V8 reports for bad JSON, as a line, without repeating the text (it may hold a secret). */
const jsonErrorLine = (text: string, error: unknown): number | undefined => {
  const message = error instanceof Error ? error.message : ""
  const line = /line (\d+)/.exec(message)
  if (line !== null) return Number(line[1])
  const position = /position (\d+)/.exec(message)
  return position === null ? undefined : lineOf(text, Number(position[1]))
}

const cliConfigPath = (context: Context) => join(context.home, ".aliyun", "config.json")

interface CliProfile {
  readonly name: string
  readonly record: Record<string, unknown>
}

/** The selected profile of the CLI's file: `undefined` for no file, a note when the profile is absent. */
const readCliProfile = (
  context: Context
): Effect.Effect<CliProfile | { readonly note: string } | undefined, HologresError.ConfigError> =>
  Effect.gen(function* () {
    const path = cliConfigPath(context)
    const text = yield* readOptionalFile(path, context.timeoutMs)
    if (text === undefined) return undefined
    let document: unknown
    try {
      document = JSON.parse(text)
    } catch (error) {
      const line = jsonErrorLine(text, error)
      return yield* configError(
        "BrokenCredentialsFile",
        `${path}${line === undefined ? "" : `:${line}`} is not valid JSON`,
        path
      )
    }
    const record = (typeof document === "object" && document !== null ? document : {}) as Record<string, unknown>
    const profiles = Array.isArray(record.profiles) ? (record.profiles as ReadonlyArray<unknown>) : []
    const name = context.namedProfile ?? nonEmpty(record.current) ?? "default"
    const profile = profiles.find(
      (candidate): candidate is Record<string, unknown> =>
        typeof candidate === "object" && candidate !== null && (candidate as Record<string, unknown>).name === name
    )
    if (profile === undefined) return { note: `${path} has no profile "${name}"` }
    return { name, record: profile }
  })

const fromCliConfig = (context: Context): Effect.Effect<Verdict, HologresError.ConfigError> =>
  Effect.gen(function* () {
    const path = cliConfigPath(context)
    const profile = yield* readCliProfile(context)
    if (profile === undefined) return { note: `${path} does not exist` }
    if ("note" in profile) return profile
    const { name, record } = profile
    const mode = nonEmpty(record.mode) ?? "AK"
    if (mode !== "AK" && mode !== "StsToken") {
      return yield* configError(
        "UnsupportedProfileMode",
        `Profile "${name}" in ${path} uses mode ${mode}; holo-upgrade reads only AK and StsToken profiles ` +
          `(other modes need an STS call it does not make)`,
        path
      )
    }
    const id = nonEmpty(record.access_key_id)
    const secret = nonEmpty(record.access_key_secret)
    const token = nonEmpty(record.sts_token)
    if (id === undefined || secret === undefined || (mode === "StsToken" && token === undefined)) {
      const fields =
        mode === "StsToken" ? "access_key_id, access_key_secret and sts_token" : "access_key_id and access_key_secret"
      return yield* configError(
        "InvalidCredentials",
        `Profile "${name}" in ${path} (mode ${mode}) needs ${fields}`,
        path
      )
    }
    const input: Credentials.Input = {
      accessKeyId: id,
      accessKeySecret: secret,
      securityToken: mode === "StsToken" ? token : undefined,
      source: `profile "${name}" (${mode}) in ${path}`
    }
    return { found: { input, regionId: nonEmpty(record.region_id) } }
  })

const fromIniFile = (context: Context): Effect.Effect<Verdict, HologresError.ConfigError> =>
  Effect.gen(function* () {
    const configured = nonEmpty(context.env.ALIBABA_CLOUD_CREDENTIALS_FILE)
    const path = configured ?? join(context.home, ".alibabacloud", "credentials")
    const text = yield* readOptionalFile(path, context.timeoutMs)
    if (text === undefined) {
      if (configured === undefined) return { note: `${path} does not exist` }
      return yield* configError(
        "BrokenCredentialsFile",
        `ALIBABA_CLOUD_CREDENTIALS_FILE names ${path}, which does not exist`,
        path
      )
    }
    const parsed = parseIni(text)
    if ("brokenLine" in parsed) {
      return yield* configError(
        "BrokenCredentialsFile",
        `${path}:${parsed.brokenLine} is neither a [section], a key = value pair nor a comment`,
        path
      )
    }
    const name = context.namedProfile ?? "default"
    const section = parsed.ini.get(name)
    if (section === undefined) return { note: `${path} has no section [${name}]` }
    const type = section.get("type") ?? "access_key"
    if (type !== "access_key") {
      return yield* configError(
        "UnsupportedProfileMode",
        `Section [${name}] of ${path} has type ${type}; holo-upgrade reads only type = access_key`,
        path
      )
    }
    const id = nonEmpty(section.get("access_key_id"))
    const secret = nonEmpty(section.get("access_key_secret"))
    if (id === undefined || secret === undefined) {
      return yield* configError(
        "InvalidCredentials",
        `Section [${name}] of ${path} needs access_key_id and access_key_secret`,
        path
      )
    }
    const input: Credentials.Input = {
      accessKeyId: id,
      accessKeySecret: secret,
      source: `section [${name}] of ${path}`
    }
    return { found: { input, regionId: nonEmpty(section.get("region_id")) } }
  })

const contextOf = (options: Options): Context => {
  const env = options.env ?? process.env
  return {
    env,
    home: options.homeDir ?? homedir(),
    timeoutMs: options.timeoutMs ?? 2_000,
    namedProfile: nonEmpty(options.profile) ?? nonEmpty(env.ALIBABA_CLOUD_PROFILE)
  }
}

/** The region configured besides the credentials: `ALIBABA_CLOUD_REGION_ID`, else the CLI profile's `region_id`. */
const regionOf = (
  context: Context,
  found: Found
): Effect.Effect<{ readonly regionId: string | undefined; readonly regionSource: string | undefined }> => {
  const fromEnv = nonEmpty(context.env.ALIBABA_CLOUD_REGION_ID)
  if (fromEnv !== undefined) return Effect.succeed({ regionId: fromEnv, regionSource: "ALIBABA_CLOUD_REGION_ID" })
  if (found.regionId !== undefined)
    return Effect.succeed({ regionId: found.regionId, regionSource: found.input.source })
  // Credentials from code or the environment may still sit beside a CLI profile that names the region; a problem
  // with that file is not worth failing for here.
  return readCliProfile(context).pipe(
    Effect.map((profile) => {
      const regionId = profile === undefined || "note" in profile ? undefined : nonEmpty(profile.record.region_id)
      const source = regionId === undefined ? undefined : `profile in ${cliConfigPath(context)}`
      return { regionId, regionSource: source }
    }),
    Effect.orElseSucceed(() => ({ regionId: undefined, regionSource: undefined }))
  )
}

/**
 * Walks the chain. A profile named by option skips environment keys; a named profile found in neither file is a
 * `ConfigError` with reason `MissingProfile`; no source at all is `MissingCredentials` listing what was tried.
 */
export const resolve = Effect.fn("CredentialChain.resolve")(function* (options: Options = {}) {
  const context = contextOf(options)
  const sources: ReadonlyArray<Effect.Effect<Verdict, HologresError.ConfigError>> = [
    options.explicit === undefined
      ? Effect.succeed({ note: "no explicit credentials" })
      : Effect.succeed({ found: { input: { ...options.explicit, source: "explicit options" }, regionId: undefined } }),
    nonEmpty(options.profile) === undefined
      ? fromEnvironment(context)
      : Effect.succeed({ note: "environment skipped for an explicit profile" }),
    fromCliConfig(context),
    fromIniFile(context)
  ]
  const notes: Array<string> = []
  for (const source of sources) {
    const verdict = yield* source
    if ("note" in verdict) {
      notes.push(verdict.note)
      continue
    }
    const credentials = yield* Credentials.make(verdict.found.input)
    const region = yield* regionOf(context, verdict.found)
    return { credentials, ...region } satisfies Resolved
  }
  if (context.namedProfile !== undefined) {
    return yield* configError(
      "MissingProfile",
      `Profile "${context.namedProfile}" was not found: ${notes.slice(2).join("; ")}`
    )
  }
  return yield* configError(
    "MissingCredentials",
    `No Alibaba Cloud credentials found (tried: ${notes.slice(1).join("; ")}). ` +
      `Set ${Credentials.environmentNames.accessKeyId} and ${Credentials.environmentNames.accessKeySecret}, ` +
      `or configure a profile with \`aliyun configure\``
  )
})

/** The chain as a `Credentials` layer. */
export const layer = (options: Options = {}): Layer.Layer<Credentials.Credentials, HologresError.ConfigError> =>
  Layer.effect(
    Credentials.Credentials,
    Effect.map(resolve(options), (resolved) => resolved.credentials)
  )
