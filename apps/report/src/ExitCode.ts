/**
 * The exit codes of every `holo-upgrade` command, and how outcomes and errors map to them. A pipeline can branch on
 * these without reading the output; they never change meaning between commands.
 */
import * as ValidationError from "@effect/cli/ValidationError"
import { Assessment } from "@holo-upgrade/core"
import { Cause, Data, Exit } from "effect"
import { callFailed, type InstanceReport, isHologresError } from "./Report.ts"

/** Nothing critical: no upgrade failed or was rolled back, every answer was read. */
export const ok = 0
/** An upgrade failed or was rolled back. */
export const upgradeFailed = 1
/** A usage error: a bad flag or argument, an unreadable input file. */
export const usage = 2
/**
 * Configuration or credentials are missing or unreadable before anything is sent. A key the gateway rejects is an API
 * error (4): only the API can tell that a key is wrong.
 */
export const configuration = 3
/** The API refused the call (a wrong key among the reasons), could not be reached, or its answer was undecodable. */
export const api = 4
/** `watch` gave up before the upgrade ended. */
export const watchTimeout = 5
/** A bug: an error nobody anticipated. Never expected; reported with its cause on stderr. */
export const internal = 70
/** Interrupted (Ctrl-C, SIGTERM). */
export const interrupted = 130
/** The reader of stdout went away (`| head`): what a shell reports for a tool a broken pipe ended (128 + SIGPIPE). */
export const brokenPipe = 141

/**
 * Every code with its meaning, in order: the one table `--help` and the README show. A test keeps the README's copy
 * equal to this one.
 */
export const table: ReadonlyArray<readonly [code: number, meaning: string]> = [
  [ok, "nothing critical: no upgrade failed or was rolled back, every answer was read"],
  [upgradeFailed, "an upgrade failed or was rolled back (verdict failed or rolled-back)"],
  [usage, "usage error: a bad flag or argument, an input file that cannot be read"],
  [
    configuration,
    "configuration missing or malformed, found before any call: no credentials, no region, " +
      "a broken profile or credentials file, an invalid endpoint"
  ],
  [
    api,
    "the API refused the call (a wrong key or signature, a missing permission, an unknown instance), " +
      "could not be reached, or its answer is undecodable (empty, HTML, not JSON, wrong shape, Success: false)"
  ],
  [watchTimeout, "watch gave up before the upgrade ended (--timeout)"],
  [internal, "an internal error (a bug); the cause is on stderr"],
  [interrupted, "interrupted (Ctrl-C, SIGTERM); the last known state is on stderr"],
  [brokenPipe, "the reader closed stdout early (a pipe into head); the command stopped quietly"]
]

/** A wrong invocation found after parsing (a file that cannot be read, an argument that makes no sense). */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/**
 * Ends a command with a given code. The command has already written what it had to say; `message`, when given, goes
 * to stderr.
 */
export class CommandExit extends Data.TaggedError("CommandExit")<{
  readonly code: number
  readonly message?: string
}> {}

/** What one report contributes to the exit code. */
export interface Outcomes {
  /** Upgrades known to have failed or been rolled back. */
  readonly upgradesFailed: number
  /** Calls that failed (an error, `Success: false`, a non-2xx `HttpStatusCode`). */
  readonly callsFailed: number
  /** Of those, the ones that failed for configuration or credentials. */
  readonly configFailures: number
}

/** The outcomes of one report. */
export const outcomeOf = (report: InstanceReport): Outcomes => {
  const failedCall = callFailed(report)
  return {
    upgradesFailed: Assessment.isFailure(report.state) ? 1 : 0,
    callsFailed: failedCall ? 1 : 0,
    configFailures: failedCall && report.error?._tag === "HologresConfigError" ? 1 : 0
  }
}

/**
 * The code for counted outcomes. An upgrade known to have failed outranks a call that could not be made or read: the
 * known failure is the news, and every error is on stderr regardless. Calls that all failed for configuration are a
 * configuration error; any other failed call is an API error.
 */
export const ofOutcomes = (outcomes: Outcomes): number => {
  if (outcomes.upgradesFailed > 0) return upgradeFailed
  if (outcomes.callsFailed > 0) return outcomes.configFailures === outcomes.callsFailed ? configuration : api
  return ok
}

/** The code for a set of reports (see `ofOutcomes`). */
export const ofReports = (reports: ReadonlyArray<InstanceReport>): number => {
  const total = { upgradesFailed: 0, callsFailed: 0, configFailures: 0 }
  for (const report of reports) {
    const one = outcomeOf(report)
    total.upgradesFailed += one.upgradesFailed
    total.callsFailed += one.callsFailed
    total.configFailures += one.configFailures
  }
  return ofOutcomes(total)
}

/** The code for an error a command failed with. */
export const ofError = (error: unknown): number => {
  if (error instanceof CommandExit) return error.code
  if (error instanceof UsageError || ValidationError.isValidationError(error)) return usage
  if (isHologresError(error)) return error._tag === "HologresConfigError" ? configuration : api
  return internal
}

/**
 * The process teardown for `NodeRuntime.runMain`: a program that succeeded with a number exits with it, an
 * interrupted one with 130, anything else with the internal-error code.
 */
export const teardown = (exit: Exit.Exit<unknown, unknown>, onExit: (code: number) => void): void => {
  if (Exit.isSuccess(exit)) onExit(typeof exit.value === "number" ? exit.value : ok)
  else onExit(Cause.isInterruptedOnly(exit.cause) ? interrupted : internal)
}
