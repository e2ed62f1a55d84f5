/** The one error the emulator can fail with while starting, tagged with what went wrong. */
import { Data } from "effect"

/** Why the emulator could not start: bad options, an unreadable or invalid scenario file, or a port it cannot bind. */
export type Reason = "InvalidOptions" | "ScenarioFile" | "Listen"

/** The emulator did not start; `message` says what to fix. */
export class EmulatorError extends Data.TaggedError("EmulatorError")<{
  readonly reason: Reason
  readonly message: string
  readonly cause?: unknown
}> {}
