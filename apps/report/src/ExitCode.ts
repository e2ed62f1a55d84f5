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
/** Configuration or credentials are missing or wrong. */
export const configuration = 3
/** The API answered with an error, could not be reached, or its answer could not be decoded. */
export const api = 4
/** `watch` gave up before the upgrade ended. */
export const watchTimeout = 5
/** A bug: an error nobody anticipated. Never expected; reported with its cause on stderr. */
export const internal = 70
/** Interrupted (Ctrl-C, SIGTERM). */
export const interrupted = 130

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

/**
 * The code for a set of reports. An upgrade known to have failed outranks a call that could not be made or read: the
 * known failure is the news, and every error is on stderr regardless.
 */
export const ofReports = (reports: ReadonlyArray<InstanceReport>): number => {
  if (reports.some((report) => Assessment.isFailure(report.state))) return upgradeFailed
  if (reports.some((report) => callFailed(report))) {
    const configOnly = reports.every((report) => !callFailed(report) || report.error?._tag === "HologresConfigError")
    return configOnly ? configuration : api
  }
  return ok
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
