/**
 * `holo-upgrade demo`: the main job, live, with nothing to set up. It starts the emulator in this process on a free
 * loopback port with three scripted upgrades that play out in about ten seconds (one succeeds, one fails to restart
 * its leader and is rolled back like the vendor's own example, one keeps a follower unavailable), watches them with
 * the Node client and real request signing under the emulator's public demo key, and prints the final report.
 *
 * It is also a check: it exits 0 only when every upgrade ended as scripted, although the report shows the rollback
 * as the failure it is.
 */
import { Command } from "@effect/cli"
import type { Assessment, HologresError } from "@holo-upgrade/core"
import { AccessKey, Emulator, type EmulatorError, type Scenario } from "@holo-upgrade/emulator"
import { Effect, Option } from "effect"
import * as Connection from "../Connection.ts"
import * as ExitCode from "../ExitCode.ts"
import * as Output from "../Output.ts"
import type * as Report from "../Report.ts"
import * as Watcher from "../watch/Watcher.ts"
import * as Watch from "./Watch.ts"

/** Scenario seconds per clock second: the upgrades' 12.5 minutes of steps take about six seconds. */
export const timeScale = 120

/** The region the demo's calls are signed for; the emulator serves every region. */
export const regionId = "cn-hangzhou"

/** How the demo watches: often enough to follow the steps, with a deadline far beyond the script. */
export const watchSettings = { intervalMs: 500, timeoutMs: 60_000 } as const

/** A scripted upgrade and how it has to end. */
export interface Scripted {
  readonly spec: Scenario.InstanceSpec & { readonly id: string }
  /** What it is, for the introduction on stderr. */
  readonly story: string
  readonly state: Assessment.State
  /** `StatusCode` the latest record must carry, when the story sets one. */
  readonly statusCode?: string
  /** Finding codes the report must contain. */
  readonly findings: ReadonlyArray<string>
}

// Timings are scenario seconds. The rollback's failure shows at 810 s and its rollback is over at 990 s, before the
// last upgrade ends (1110 s): the watch, which goes on for that one, shows the rollback complete.
/** The three upgrades the demo plays. */
export const script: ReadonlyArray<Scripted> = [
  {
    spec: { id: "hgdemo-succeeds", scenario: "hot-upgrade", startAfterSeconds: 120, prepareSeconds: 240 },
    story: "a hot upgrade that succeeds",
    state: "succeeded",
    statusCode: "Success",
    findings: ["succeeded"]
  },
  {
    spec: { id: "hgdemo-rolls-back", scenario: "vendor-example", prepareSeconds: 60, rollbackSeconds: 180 },
    story: "the vendor's example: the leader does not restart, the upgrade is rolled back",
    state: "rolled-back",
    statusCode: "LeaderRestartFailed",
    findings: ["rolled-back", "details-repaired", "flighting-regressions"]
  },
  {
    spec: { id: "hgdemo-follower-down", scenario: "follower-unavailable", startAfterSeconds: 180, prepareSeconds: 120 },
    story: "an upgrade that succeeds while a read-only follower stays unavailable",
    state: "succeeded",
    findings: ["succeeded", "follower-unavailable"]
  }
]

/** Where the reports differ from the script, one sentence each; empty when everything played out as scripted. */
export const mismatches = (
  reports: ReadonlyArray<Report.InstanceReport>,
  expected: ReadonlyArray<Scripted> = script
): Array<string> =>
  expected.flatMap((scripted) => {
    const id = scripted.spec.id
    const report = reports.find((candidate) => candidate.instanceId === id)
    if (report === undefined) return [`${id}: no report`]
    const latest = report.records[0]
    const problems: Array<string> = []
    if (report.state !== scripted.state) problems.push(`${id}: ended ${report.state}, scripted ${scripted.state}`)
    const code = latest?.decoded.details?.StatusCode
    if (scripted.statusCode !== undefined && code !== scripted.statusCode) {
      problems.push(`${id}: StatusCode ${code ?? "absent"}, scripted ${scripted.statusCode}`)
    }
    const found = new Set([...report.findings, ...(latest?.assessment.findings ?? [])].map((finding) => finding.code))
    for (const finding of scripted.findings) {
      if (!found.has(finding)) problems.push(`${id}: no ${finding} finding`)
    }
    return problems
  })

/**
 * The demo's exit code: 0 when the script played out; else the watch's own code when it names a problem on the way
 * (3 configuration, 4 API, 5 timeout), else 70, since a scripted outcome that is not reported is a bug of ours.
 */
export const exitCode = (problems: ReadonlyArray<string>, watchCode: number): number => {
  if (problems.length === 0) return ExitCode.ok
  return [ExitCode.configuration, ExitCode.api, ExitCode.watchTimeout].includes(watchCode)
    ? watchCode
    : ExitCode.internal
}

/** The `demo` subcommand. */
export const command = Command.make(
  "demo",
  { format: Watch.formatOption, out: Output.out },
  (
    flags
  ): Effect.Effect<
    void,
    ExitCode.UsageError | ExitCode.CommandExit | HologresError.ConfigError | EmulatorError.EmulatorError
  > =>
    Effect.scoped(
      Effect.gen(function* () {
        const emulator = yield* Emulator.make({ specs: script.map((scripted) => scripted.spec), timeScale })
        yield* Output.diagnose(`holo-upgrade demo: emulator on ${emulator.url}, signing with its demo key`)
        for (const scripted of script) yield* Output.diagnose(`  ${scripted.spec.id}: ${scripted.story}`)

        const ids = script.map((scripted) => scripted.spec.id)
        const connection = yield* Connection.connect(ids, {
          region: Option.some(regionId),
          endpoint: Option.some(emulator.url),
          profile: Option.none(),
          debug: false,
          explicit: { accessKeyId: AccessKey.demo.accessKeyId, accessKeySecret: AccessKey.demo.accessKeySecret },
          // No environment: neither the user's keys nor a proxy play any part.
          env: {}
        })
        const outcome = yield* Watch.execute(
          {
            targets: ids.map((instanceId) => ({ instanceId, regionId: connection.regionId })),
            ...watchSettings,
            concurrency: ids.length,
            failFast: false,
            format: flags.format,
            out: flags.out
          },
          connection.layer
        )

        const problems = mismatches(outcome.instances.map(Watcher.reportOf))
        const code = exitCode(problems, Watcher.exitCode(outcome))
        if (code === ExitCode.ok) {
          return yield* Output.diagnose(
            "holo-upgrade demo: every upgrade ended as scripted (the rollback is reported as the failure it is)"
          )
        }
        for (const problem of problems) yield* Output.diagnose(`holo-upgrade demo: not as scripted: ${problem}`)
        return yield* new ExitCode.CommandExit({ code })
      })
    )
).pipe(
  Command.withDescription(
    "Play three scripted upgrades on a local emulator and watch them: no credentials, no network beyond loopback. " +
      "Exits 0 when they end as scripted (one succeeds, one is rolled back, one keeps a follower down), 70 when not."
  )
)
