/**
 * Turns an instance spec into a concrete plan, and a plan plus a moment into the state of the upgrade at that
 * moment. All times here are scenario seconds since the instance's upgrade began; mapping them to wall-clock time is
 * the wire layer's job.
 */
import type * as Fault from "../Fault.ts"
import * as Scenario from "../Scenario.ts"
import type { Random } from "./random.ts"

/** The three steps of an upgrade, in order. */
export const stepNames = ["Stop", "Backup", "DoUpgrade"] as const

/** One upgrade step. */
export type StepName = (typeof stepNames)[number]

/** A follower (read-only) instance sharing the leader's storage. */
export interface Follower {
  readonly id: string
  readonly name: string
  readonly unavailable: boolean
}

/** Everything needed to play one instance, with defaults and jitter applied. */
export interface Plan {
  readonly id: string
  readonly name: string
  readonly fromVersion: string
  readonly toVersion: string
  readonly startAfter: number
  readonly prepare: number
  readonly wait: number
  readonly steps: Readonly<Record<StepName, number>>
  /** The nominal step times, served as `EstimatedUpgradeTime` (the estimate is never exactly the outcome). */
  readonly estimates: Readonly<Record<StepName, number>>
  readonly rollback: number
  readonly failure:
    | { readonly step: StepName | "Restart"; readonly code: string; readonly rollback: boolean }
    | undefined
  readonly haltStatus: string | undefined
  readonly flighting: (typeof Scenario.flightingKinds)[number]
  readonly followers: ReadonlyArray<Follower>
  readonly record: boolean
  readonly details: Scenario.DetailsDefect
  readonly drift: ReadonlySet<Scenario.Drift>
  readonly faults: ReadonlyArray<Fault.Spec>
}

const defaultSteps: Record<StepName, number> = { Stop: 30, Backup: 120, DoUpgrade: 600 }

/** Resolves a spec over its preset; throws a readable `Error` for an unknown preset. */
export const plan = (spec: Scenario.InstanceSpec, index: number, random: Random): Plan => {
  const presetName = spec.scenario ?? "hot-upgrade"
  if (!Scenario.isPreset(presetName)) {
    throw new Error(`unknown scenario "${presetName}"; known: ${Scenario.presetNames.join(", ")}`)
  }
  // Fields left undefined in the spec keep the preset's value.
  const overrides = Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined))
  const merged: Scenario.InstanceSpec = { ...Scenario.presets[presetName], ...overrides }
  const jitter = merged.jitter ?? 0
  // Each step takes its nominal time stretched or shrunk by up to `jitter`, drawn from the seeded stream.
  const jittered = (seconds: number) => seconds * (1 + jitter * (2 * random() - 1))
  const nominal: Record<StepName, number> = {
    Stop: merged.stepSeconds?.Stop ?? defaultSteps.Stop,
    Backup: merged.stepSeconds?.Backup ?? defaultSteps.Backup,
    DoUpgrade: merged.stepSeconds?.DoUpgrade ?? defaultSteps.DoUpgrade
  }
  const id = merged.id ?? `hgemu-${presetName}-${index + 1}`
  return {
    id,
    name: merged.name ?? `${presetName} instance`,
    fromVersion: merged.fromVersion ?? "r3.1.12",
    toVersion: merged.toVersion ?? "r3.2.5",
    startAfter: merged.startAfterSeconds ?? 0,
    prepare: merged.prepareSeconds === null ? Number.POSITIVE_INFINITY : jittered(merged.prepareSeconds ?? 600),
    wait: merged.waitSeconds ?? 0,
    steps: { Stop: jittered(nominal.Stop), Backup: jittered(nominal.Backup), DoUpgrade: jittered(nominal.DoUpgrade) },
    estimates: nominal,
    rollback: merged.rollbackSeconds ?? 300,
    failure:
      merged.failure === undefined || merged.failure === null
        ? undefined
        : { step: merged.failure.step, code: merged.failure.code, rollback: merged.failure.rollback ?? true },
    haltStatus: merged.haltStatus ?? undefined,
    flighting: merged.flighting ?? "clean",
    followers: (merged.followers ?? []).map((follower, at) => ({
      id: follower.id ?? `${id}-ro${at + 1}`,
      name: follower.name ?? `follower ${at + 1}`,
      unavailable: follower.unavailable ?? false
    })),
    record: merged.record ?? true,
    details: merged.details ?? "none",
    drift: new Set(merged.drift ?? []),
    faults: merged.faults ?? []
  }
}

/** A step as the `UpgradingSteps` part of `Details` shows it. */
export interface StepState {
  readonly status: "Running" | "Success" | "Failed"
  readonly start: number
  readonly stop?: number
}

/** The state of an upgrade at one moment. */
export interface Frame {
  readonly status: string
  readonly phase: "Prepare" | "Upgrade"
  readonly statusCode: string
  readonly prepareFinish: number | undefined
  readonly steps: Partial<Record<StepName | "Rollback", StepState>>
  readonly leaderStatus: "Running" | "Unavailable"
  /** Whether the unavailable followers of the plan are down yet (from the start of `DoUpgrade` on). */
  readonly followersDown: boolean
}

/** The upgrade's state `t` scenario seconds after it began; `undefined` when there is no upgrade record. */
export const frameAt = (plan: Plan, t: number): Frame | undefined => {
  if (!plan.record || t < 0) return undefined
  const base = { prepareFinish: undefined, steps: {}, leaderStatus: "Running", followersDown: false } as const
  if (t < plan.prepare) return { ...base, status: "preparing", phase: "Prepare", statusCode: "Preparing" }
  const prepared = { ...base, prepareFinish: plan.prepare }
  if (plan.haltStatus !== undefined) {
    return { ...prepared, status: plan.haltStatus, phase: "Upgrade", statusCode: "Suspended" }
  }
  if (t < plan.prepare + plan.wait)
    return { ...prepared, status: "preparing", phase: "Prepare", statusCode: "Prepared" }

  const steps: Partial<Record<StepName | "Rollback", StepState>> = {}
  let cursor = plan.prepare + plan.wait
  let followersDown = false
  const upgrading = (statusCode: string, leaderStatus: Frame["leaderStatus"]): Frame => ({
    ...prepared,
    status: "upgrading",
    phase: "Upgrade",
    statusCode,
    steps: { ...steps },
    leaderStatus,
    followersDown
  })
  for (const name of stepNames) {
    const end = cursor + plan.steps[name]
    const fails = plan.failure?.step === name
    if (name === "DoUpgrade") followersDown = true
    if (t < end) {
      steps[name] = { status: "Running", start: cursor }
      return upgrading("Upgrading", "Running")
    }
    steps[name] = { status: fails ? "Failed" : "Success", start: cursor, stop: end }
    cursor = end
    if (fails) break
  }

  const failure = plan.failure
  const archived = (statusCode: string, leaderStatus: Frame["leaderStatus"]): Frame => ({
    ...upgrading(statusCode, leaderStatus),
    status: "archived"
  })
  if (failure === undefined) return archived("Success", "Running")
  // Only a failed switch (DoUpgrade or the restart after it) takes the leader down; earlier steps leave it serving.
  const leaderDown = failure.step === "DoUpgrade" || failure.step === "Restart"
  const downStatus = leaderDown ? "Unavailable" : "Running"
  if (!failure.rollback) return archived(failure.code, downStatus)
  if (t < cursor + plan.rollback) {
    steps.Rollback = { status: "Running", start: cursor }
    return upgrading(failure.code, downStatus)
  }
  steps.Rollback = { status: "Success", start: cursor, stop: cursor + plan.rollback }
  return archived(failure.code, "Running")
}
