/**
 * Scripted upgrades: what each emulated instance goes through, and the shape of a scenario file.
 *
 * An instance is described by an `InstanceSpec`. Its `scenario` names a preset (a story such as `hot-upgrade` or
 * `rollback`); every other field overrides a part of that story. The timeline, in scenario seconds from the moment
 * the emulator starts (`timeScale` compresses it):
 *
 * 1. before `startAfterSeconds`: no upgrade record (`Data: []`);
 * 2. `prepareSeconds` (default 600; `null` = never finishes): `Status: "preparing"`;
 * 3. `waitSeconds` (default 0): still `preparing`, with `PrepareFinishTime` and the flighting report;
 * 4. the steps `Stop`, `Backup`, `DoUpgrade` (`stepSeconds`, default 30, 120, 600): `Status: "upgrading"`;
 * 5. `Status: "archived"` with `StatusCode: "Success"`, or, with a `failure`, the failing step marked `Failed` (or,
 *    for step `Restart`, the leader failing to come back after `DoUpgrade`), its `code` as `StatusCode`, and when
 *    `rollback` is true a `Rollback` step of `rollbackSeconds` (default 300) before `archived`.
 *
 * `haltStatus` replaces everything after preparation with that (unknown) `Status`. `details` serves the `Details`
 * document malformed in a chosen way and `drift` bends the response's field types, both as the vendor has been seen
 * to do. `faults` schedules transport and gateway trouble (see `Fault`).
 *
 * A scenario file is JSON: either an array of `InstanceSpec` or `{ "instances": [ ... ] }`, for example
 * `{ "instances": [ { "id": "hgprecn-cn-demo1", "scenario": "rollback", "stepSeconds": { "DoUpgrade": 60 } },
 * { "scenario": "hot-upgrade", "faults": [ { "kind": "server-error", "start": 2, "count": 3 } ] } ] }`.
 * Instances without an `id` get `hgemu-<scenario>-<n>`.
 */
import { Schema } from "effect"
import * as Fault from "./Fault.ts"

/** Ways the `Details` string can be broken, `vendor` being the defects of the vendor's own documented example. */
export const detailsDefects = [
  "none",
  "missing-commas",
  "trailing-commas",
  "vendor",
  "truncated",
  "not-json",
  "double-encoded",
  "object",
  "null",
  "empty",
  "wrong-shape"
] as const

/** A way the `Details` string can be broken. */
export type DetailsDefect = (typeof detailsDefects)[number]

/**
 * Type drift of the response itself: `HttpStatusCode` as a number, `Success` as `"true"`, `Data` as an object,
 * `"null"` strings for absent values, the vendor example's `ErrorCode: "404"` beside `Success: true`, times as
 * `YYYY-MM-DD HH:mm:ss` in UTC+8 without a zone, unknown extra fields, and an integer beyond 2^53.
 */
export const drifts = [
  "number-http-status",
  "string-success",
  "data-object",
  "null-strings",
  "vendor-error-fields",
  "plain-times",
  "extra-fields",
  "big-integers"
] as const

/** One kind of type drift. */
export type Drift = (typeof drifts)[number]

/** Where an upgrade can fail: one of its steps, or the leader's restart after `DoUpgrade`. */
export const failureSteps = ["Stop", "Backup", "DoUpgrade", "Restart"] as const

/** The flighting (workload replay) report served once preparation is done. */
export const flightingKinds = ["clean", "regressions", "vendor"] as const

const Seconds = Schema.Number.pipe(Schema.nonNegative())

/** How one emulated instance behaves; every field is optional and overrides its `scenario` preset. */
export const InstanceSpec = Schema.Struct({
  id: Schema.optional(Schema.NonEmptyString),
  scenario: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  fromVersion: Schema.optional(Schema.String),
  toVersion: Schema.optional(Schema.String),
  startAfterSeconds: Schema.optional(Seconds),
  prepareSeconds: Schema.optional(Schema.NullOr(Seconds)),
  waitSeconds: Schema.optional(Seconds),
  stepSeconds: Schema.optional(
    Schema.Struct({
      Stop: Schema.optional(Seconds),
      Backup: Schema.optional(Seconds),
      DoUpgrade: Schema.optional(Seconds)
    })
  ),
  rollbackSeconds: Schema.optional(Seconds),
  failure: Schema.optional(
    Schema.NullOr(
      Schema.Struct({
        step: Schema.Literal(...failureSteps),
        code: Schema.NonEmptyString,
        rollback: Schema.optional(Schema.Boolean)
      })
    )
  ),
  haltStatus: Schema.optional(Schema.NullOr(Schema.String)),
  flighting: Schema.optional(Schema.Literal(...flightingKinds)),
  followers: Schema.optional(
    Schema.Array(
      Schema.Struct({
        id: Schema.optional(Schema.String),
        name: Schema.optional(Schema.String),
        unavailable: Schema.optional(Schema.Boolean)
      })
    )
  ),
  record: Schema.optional(Schema.Boolean),
  details: Schema.optional(Schema.Literal(...detailsDefects)),
  drift: Schema.optional(Schema.Array(Schema.Literal(...drifts))),
  faults: Schema.optional(Schema.Array(Fault.Spec)),
  jitter: Schema.optional(Schema.Number.pipe(Schema.between(0, 0.5)))
})

/** How one emulated instance behaves. */
export type InstanceSpec = typeof InstanceSpec.Type

/** A scenario file: a list of instances, bare or under `instances`. */
export const File = Schema.Union(Schema.Array(InstanceSpec), Schema.Struct({ instances: Schema.Array(InstanceSpec) }))

const twoFollowers = [{ name: "reporting-ro" }, { name: "dashboard-ro" }]

/** The built-in stories, by name. Each is a partial `InstanceSpec` over the defaults (a clean hot upgrade). */
export const presets = {
  "hot-upgrade": { followers: twoFollowers },
  rollback: {
    failure: { step: "Restart", code: "LeaderRestartFailed", rollback: true },
    followers: twoFollowers
  },
  "vendor-example": {
    fromVersion: "1.3.23",
    toVersion: "1.3.24",
    name: "ERP instance",
    failure: { step: "Restart", code: "LeaderRestartFailed", rollback: true },
    flighting: "vendor",
    followers: [{ name: "TMSinstance" }, { name: "WMS readonly", unavailable: true }],
    details: "vendor",
    drift: ["vendor-error-fields"]
  },
  "step-failed": { failure: { step: "Backup", code: "BackupFailed", rollback: false } },
  "stuck-preparing": { prepareSeconds: null },
  "follower-unavailable": { followers: [{ name: "reporting-ro" }, { name: "dashboard-ro", unavailable: true }] },
  "flighting-regressions": { flighting: "regressions" },
  "no-record": { record: false },
  "unknown-status": { haltStatus: "suspended" },
  "malformed-details": { details: "vendor" },
  "truncated-details": { details: "truncated" },
  "wrong-shape-details": { details: "wrong-shape" },
  "details-object": { details: "object" },
  "type-drift": {
    drift: ["number-http-status", "string-success", "data-object", "null-strings", "extra-fields", "big-integers"]
  }
} satisfies Record<string, InstanceSpec>

/** The name of a built-in story. */
export type Preset = keyof typeof presets

/** Every built-in story, in the order `mix` cycles through them. */
export const presetNames = Object.keys(presets) as ReadonlyArray<Preset>

/** Whether a name is a built-in story. */
export const isPreset = (name: string): name is Preset => Object.hasOwn(presets, name)

/**
 * The instances a scenario name stands for: `count` instances of one preset, or of `mix` (all presets in turn; one
 * of each when `count` is omitted). Step times get a little seeded jitter in a mix, so many instances do not move in
 * lockstep.
 */
export const instancesOf = (scenario: Preset | "mix", count?: number): ReadonlyArray<InstanceSpec> => {
  const names: ReadonlyArray<Preset> = scenario === "mix" ? presetNames : [scenario]
  const total = count ?? names.length
  return Array.from({ length: total }, (_, index) => {
    const name = names[index % names.length]!
    return { id: `hgemu-${name}-${index + 1}`, scenario: name, ...(scenario === "mix" ? { jitter: 0.2 } : {}) }
  })
}

/** Decodes a scenario file's text; fails with a readable message on invalid JSON or an invalid spec. */
export const decodeFile = (text: string): ReadonlyArray<InstanceSpec> => {
  const decoded = Schema.decodeUnknownSync(Schema.parseJson(File), { errors: "all", onExcessProperty: "error" })(text)
  return Array.isArray(decoded) ? decoded : (decoded as { readonly instances: ReadonlyArray<InstanceSpec> }).instances
}
