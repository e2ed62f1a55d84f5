/**
 * The polling behind `watch`: asks about every instance once per interval until each has a verdict that cannot
 * change into a success (succeeded, failed, rolled back) or an error that asking again cannot fix, or until the
 * deadline. It knows nothing about terminals or formats; callers see every answer (`onPoll`), every round
 * (`onRound`) and an interruption (`onInterrupt`), and get the last state of each instance back.
 */
import { Assessment, HologresClient, type HologresError, RetryPolicy } from "@holo-upgrade/core"
import { Clock, Effect, Either, Ref } from "effect"
import * as ExitCode from "../ExitCode.ts"
import * as RateLimiter from "../RateLimiter.ts"
import * as Report from "../Report.ts"

/** An instance to watch, and the region its calls go to. */
export interface Target {
  readonly instanceId: string
  readonly regionId: string
}

/**
 * Where an instance stands in the watch: `watching` until its verdict is terminal, then `decided`; `stopped` when a
 * call failed in a way another call cannot fix (a wrong key, a missing permission, an unknown instance).
 */
export type Standing = "watching" | "decided" | "stopped"

/** What the watch knows about one instance. */
export interface Instance {
  readonly target: Target
  /** The latest answer read; for a stopped instance, the report of the error that stopped it. */
  readonly report: Report.InstanceReport | undefined
  /** The error of the latest call when it failed and polling goes on; cleared by the next answer. */
  readonly lastError: HologresError.HologresError | undefined
  /** Calls made, failed ones included. */
  readonly polls: number
  readonly standing: Standing
}

/** The whole watch at one moment. Times are epoch milliseconds on the effect `Clock`. */
export interface Snapshot {
  readonly startedAt: number
  readonly now: number
  /** Rounds completed. */
  readonly rounds: number
  readonly instances: ReadonlyArray<Instance>
}

/** Why the watch ended: every instance decided or stopped, the deadline passed, or a failure ended it early. */
export type Ending = "decided" | "timeout" | "fail-fast"

/** The last snapshot, and why the watch ended. */
export interface Outcome extends Snapshot {
  readonly ending: Ending
}

/** How to watch. */
export interface Options {
  readonly targets: ReadonlyArray<Target>
  /** From the start of one round to the start of the next. */
  readonly intervalMs: number
  /** From the start of the watch to giving up. */
  readonly timeoutMs: number
  /** Calls in flight at once. */
  readonly concurrency: number
  /** End at the first failure instead of waiting for the other instances. */
  readonly failFast?: boolean | undefined
  /** Shared by every poll: each waits for its turn before its call (see `RateLimiter.prepaid`); default no limit. */
  readonly limiter?: RateLimiter.RateLimiter | undefined
  /** Every answer (or failed call) as soon as it is read, with the instance's state after it. */
  readonly onPoll?: ((instance: Instance, report: Report.InstanceReport) => Effect.Effect<void>) | undefined
  /** After every round. */
  readonly onRound?: ((snapshot: Snapshot) => Effect.Effect<void>) | undefined
  /** When the watch is interrupted (Ctrl-C), with what it knew. */
  readonly onInterrupt?: ((snapshot: Snapshot) => Effect.Effect<void>) | undefined
}

/** Whether a verdict ends the watch of an instance: success, or a failure nothing will turn into a success. */
export const isTerminal = (state: Assessment.State): boolean => state === "succeeded" || Assessment.isFailure(state)

/**
 * Whether a failed call will fail the same way next time. The client has already retried what is transient; what is
 * left and would be retried by the policy (throttling, a gateway in trouble, no answer, a garbled body) is worth
 * another poll, the rest (keys, clock, permissions, an unknown instance) is not.
 */
export const isPermanent = (error: HologresError.HologresError): boolean => {
  switch (error._tag) {
    case "HologresConfigError":
      return true
    case "HologresRequestError":
      return error.reason === "InvalidInput"
    case "HologresDecodeError":
      return false
    case "HologresApiError":
      return RetryPolicy.classify({ _tag: "Response", status: error.httpStatus, code: error.code }) === "final"
  }
}

// A decided record can still move: a failure whose rollback is running, a status that is still `upgrading`. Such an
// instance is asked again while the watch goes on for others, so the final report is not stale.
const stillMoving = (report: Report.InstanceReport | undefined): boolean => {
  const status = report?.records[0]?.record.Status
  return status === "preparing" || status === "upgrading"
}

/** The report to show for an instance: its latest answer, else its latest error, else that nothing came back yet. */
export const reportOf = (instance: Instance): Report.InstanceReport => {
  if (instance.report !== undefined) return instance.report
  if (instance.lastError !== undefined) return Report.fromError(instance.lastError, instance.target)
  return {
    instanceId: instance.target.instanceId,
    regionId: instance.target.regionId,
    requestId: undefined,
    success: undefined,
    httpStatusCode: undefined,
    errorCode: undefined,
    errorMessage: undefined,
    records: [],
    state: "unknown",
    findings: [{ severity: "warning", code: "no-answer", message: "No answer came back before the watch ended" }],
    error: undefined
  }
}

/**
 * The exit code of a watch: 1 when any upgrade failed or was rolled back (a known failure is the news), else 3 or 4
 * when a call failed for good, else 5 when the deadline came first, else 0: every upgrade succeeded.
 */
export const exitCode = (outcome: Outcome): number => {
  if (outcome.instances.some((instance) => Assessment.isFailure(reportOf(instance).state))) {
    return ExitCode.upgradeFailed
  }
  const stopped = outcome.instances.filter((instance) => instance.standing === "stopped").map(reportOf)
  if (stopped.length > 0) return ExitCode.ofReports(stopped)
  return outcome.ending === "timeout" ? ExitCode.watchTimeout : ExitCode.ok
}

// The instance after one call.
const advance = (
  instance: Instance,
  answer: Either.Either<Report.InstanceReport, HologresError.HologresError>
): Instance => {
  const polls = instance.polls + 1
  if (instance.standing === "decided") {
    // Only another terminal verdict replaces a decided one; a hiccup never un-decides an instance.
    const report = Either.getOrUndefined(answer)
    return report !== undefined && isTerminal(report.state) ? { ...instance, report, polls } : { ...instance, polls }
  }
  return Either.match(answer, {
    onLeft: (error) =>
      isPermanent(error)
        ? {
            ...instance,
            polls,
            report: Report.fromError(error, instance.target),
            lastError: error,
            standing: "stopped"
          }
        : { ...instance, polls, lastError: error },
    onRight: (report) => ({
      ...instance,
      polls,
      report,
      lastError: undefined,
      standing: isTerminal(report.state) ? "decided" : "watching"
    })
  })
}

/** Watches until every instance is decided or stopped, the deadline passes, or (with `failFast`) one fails. */
export const run = (options: Options): Effect.Effect<Outcome, never, HologresClient.HologresClient> =>
  Effect.gen(function* () {
    const hologres = yield* HologresClient.HologresClient
    const startedAt = yield* Clock.currentTimeMillis
    const state = yield* Ref.make<ReadonlyArray<Instance>>(
      options.targets.map((target) => ({
        target,
        report: undefined,
        lastError: undefined,
        polls: 0,
        standing: "watching"
      }))
    )
    const rounds = yield* Ref.make(0)
    // The wait for a turn stays outside the call, so a long queue never counts against its attempt timeout.
    const prepaid = RateLimiter.prepaid(options.limiter ?? RateLimiter.unlimited)
    const snapshot = Effect.all({
      startedAt: Effect.succeed(startedAt),
      now: Clock.currentTimeMillis,
      rounds: Ref.get(rounds),
      instances: Ref.get(state)
    })

    const poll = (index: number) =>
      Effect.gen(function* () {
        const target = (yield* Ref.get(state))[index]!.target
        const answer = yield* prepaid(hologres.getUpgradeStatus(target)).pipe(
          Effect.flatMap((response) => Report.fromResponse(response, target)),
          Effect.either
        )
        const next = yield* Ref.modify(state, (all) => {
          const updated = advance(all[index]!, answer)
          return [updated, all.map((instance, at) => (at === index ? updated : instance))]
        })
        if (options.onPoll !== undefined) {
          yield* options.onPoll(
            next,
            Either.getOrElse(answer, (error) => Report.fromError(error, target))
          )
        }
      })

    const loop = Effect.gen(function* () {
      while (true) {
        const roundStart = yield* Clock.currentTimeMillis
        const due = (yield* Ref.get(state)).flatMap((instance, index) =>
          instance.standing === "watching" || (instance.standing === "decided" && stillMoving(instance.report))
            ? [index]
            : []
        )
        yield* Effect.forEach(due, poll, { concurrency: options.concurrency, discard: true })
        yield* Ref.update(rounds, (count) => count + 1)
        if (options.onRound !== undefined) yield* Effect.flatMap(snapshot, options.onRound)

        const instances = yield* Ref.get(state)
        if (!instances.some((instance) => instance.standing === "watching")) return "decided" as const
        const failed = instances.some(
          (instance) => instance.standing === "decided" && Assessment.isFailure(reportOf(instance).state)
        )
        if (options.failFast === true && failed) return "fail-fast" as const
        // Rounds start on a fixed beat: a slow round shortens the wait, so a change is seen within one interval.
        const elapsed = (yield* Clock.currentTimeMillis) - roundStart
        yield* Effect.sleep(Math.max(0, options.intervalMs - elapsed))
      }
    })

    const ending = yield* loop.pipe(
      Effect.timeoutTo({
        duration: options.timeoutMs,
        onTimeout: () => "timeout" as const,
        onSuccess: (ending): Ending => ending
      }),
      Effect.onInterrupt(() =>
        options.onInterrupt === undefined ? Effect.void : Effect.flatMap(snapshot, options.onInterrupt)
      )
    )
    return { ...(yield* snapshot), ending }
  })
