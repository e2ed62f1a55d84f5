/**
 * Reading credential files with a time limit, so a hung network home directory cannot hang the command.
 */
import { readFile } from "node:fs/promises"
import { HologresError } from "@holo-upgrade/core"
import { Duration, Effect } from "effect"

/** The text of a file, or `undefined` when it does not exist; other failures and a timeout are `ConfigError`s. */
export const readOptionalFile = (
  path: string,
  timeoutMs: number
): Effect.Effect<string | undefined, HologresError.ConfigError> =>
  Effect.tryPromise({
    try: (signal) =>
      readFile(path, { encoding: "utf8", signal }).catch((error: NodeJS.ErrnoException) =>
        error.code === "ENOENT" || error.code === "ENOTDIR" ? undefined : Promise.reject(error)
      ),
    catch: (error) =>
      new HologresError.ConfigError({
        reason: "BrokenCredentialsFile",
        message: `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? "unknown error"}`,
        path
      })
  }).pipe(
    Effect.timeoutFail({
      duration: Duration.millis(timeoutMs),
      onTimeout: () =>
        new HologresError.ConfigError({
          reason: "BrokenCredentialsFile",
          message: `Reading ${path} took longer than ${timeoutMs} ms`,
          path
        })
    })
  )

/** The 1-based line of a character offset in a text. */
export const lineOf = (text: string, offset: number): number => text.slice(0, offset).split("\n").length
