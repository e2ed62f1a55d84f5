/**
 * Which instances a fleet command asks about: ids given as arguments and ids read from `--from-file` (a path, or `-`
 * for stdin). A file holds one instance per line, either a bare id or CSV `instanceId,regionId`, so one run can mix
 * regions; blank lines, `#` comments and a header row are skipped. Everything is checked before anything is sent: a
 * malformed line is a usage error naming the file and line.
 */
import { readFile, stat } from "node:fs/promises"
import { HologresClient } from "@holo-upgrade/core"
import { Effect } from "effect"
import { UsageError } from "./ExitCode.ts"

/** One instance to ask about. Without `regionId` it goes to the default region (`--region`, the environment). */
export interface Target {
  readonly instanceId: string
  readonly regionId?: string | undefined
}

/** A file bigger than this is refused: 16 MiB is some 400,000 lines, far beyond any account's instances. */
export const maxFileBytes = 16 * 1024 * 1024

const message = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

// A CSV field: surrounding spaces trimmed, then surrounding double quotes removed (a doubled quote inside is one).
const field = (raw: string): string => {
  const trimmed = raw.trim()
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1).replaceAll('""', '"')
    : trimmed
}

const isHeader = (fields: ReadonlyArray<string>): boolean =>
  /^instance[_ ]?id$/i.test(fields[0] ?? "") && (fields.length === 1 || /^region[_ ]?id$/i.test(fields[1] ?? ""))

/** Checks one target, returning why it cannot be sent, if it cannot. */
export const refuse = (target: Target): string | undefined => {
  // Any valid region will do when none is given: only the id is being checked then.
  const refused = HologresClient.validateInput({
    instanceId: target.instanceId,
    regionId: target.regionId ?? "cn-hangzhou"
  })
  return refused?.message
}

/**
 * Reads the targets in a file's text. `origin` names the file in messages (`fleet.csv`, `stdin`). A line with more
 * than two fields, an empty id or a malformed region fails the whole file.
 */
export const parse = (text: string, origin: string): Effect.Effect<Array<Target>, UsageError> =>
  Effect.suspend(() => {
    const targets: Array<Target> = []
    const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/)
    let seenData = false
    for (const [index, line] of lines.entries()) {
      const trimmed = line.trim()
      if (trimmed === "" || trimmed.startsWith("#")) continue
      const where = `${origin}:${index + 1}`
      const fields = trimmed.split(",").map(field)
      if (!seenData && isHeader(fields)) {
        seenData = true
        continue
      }
      seenData = true
      if (fields.length > 2) {
        return Effect.fail(
          new UsageError({
            message: `${where} has ${fields.length} fields; a line is an instance id, or instanceId,regionId`
          })
        )
      }
      const target: Target = { instanceId: fields[0]!, regionId: fields[1] === "" ? undefined : fields[1] }
      const why = refuse(target)
      if (why !== undefined) return Effect.fail(new UsageError({ message: `${where}: ${why}` }))
      targets.push(target)
    }
    return Effect.succeed(targets)
  })

const readStdin = Effect.tryPromise({
  // The abort signal makes the read interruptible: Ctrl-C while waiting on a silent pipe ends at once.
  try: async (signal) => {
    const chunks: Array<Buffer> = []
    let size = 0
    signal.addEventListener("abort", () => process.stdin.destroy())
    for await (const chunk of process.stdin) {
      size += (chunk as Buffer).length
      if (size > maxFileBytes) throw new Error(`more than ${maxFileBytes} bytes`)
      chunks.push(chunk as Buffer)
    }
    return Buffer.concat(chunks).toString("utf8")
  },
  catch: (cause) => new UsageError({ message: `Cannot read the instance list from stdin: ${message(cause)}` })
})

const readPath = (path: string) =>
  Effect.gen(function* () {
    const cannot = (cause: unknown) =>
      new UsageError({ message: `Cannot read the instance list ${path}: ${message(cause)}` })
    const info = yield* Effect.tryPromise({ try: () => stat(path), catch: cannot })
    if (!info.isFile()) return yield* Effect.fail(cannot("not a regular file"))
    if (info.size > maxFileBytes) return yield* Effect.fail(cannot(`${info.size} bytes, more than ${maxFileBytes}`))
    return yield* Effect.tryPromise({ try: (signal) => readFile(path, { encoding: "utf8", signal }), catch: cannot })
  })

/** Reads the targets of `--from-file`: a path, or `-` for stdin (refused when stdin is a terminal). */
export const fromFile = (path: string): Effect.Effect<Array<Target>, UsageError> => {
  if (path !== "-") return Effect.flatMap(readPath(path), (text) => parse(text, path))
  if (process.stdin.isTTY === true) {
    return Effect.fail(
      new UsageError({ message: "--from-file - reads stdin, but stdin is a terminal: pipe a list in" })
    )
  }
  return Effect.flatMap(readStdin, (text) => parse(text, "stdin"))
}

/**
 * Why an argument taken for an instance id is an option nobody knows. @effect/cli stops matching options at the first
 * one it does not know and hands it, with every argument after it, to the command as positional arguments; no
 * instance id starts with `-`, so such an argument is refused as an unknown option instead of being sent.
 */
export const refuseOption = (argument: string): string | undefined =>
  argument.startsWith("-") ? `Unknown option ${argument} (--help lists the options)` : undefined

/** Checks ids given as arguments; the first that cannot be sent is a usage error. */
export const fromArguments = (ids: ReadonlyArray<string>): Effect.Effect<Array<Target>, UsageError> =>
  Effect.suspend(() => {
    for (const instanceId of ids) {
      const why = refuseOption(instanceId) ?? refuse({ instanceId })
      if (why !== undefined) return Effect.fail(new UsageError({ message: why }))
    }
    return Effect.succeed(ids.map((instanceId) => ({ instanceId })))
  })

/** The same instance listed twice (same id, same region or both defaulted) is asked once; the count of extras. */
export const distinct = (
  targets: ReadonlyArray<Target>
): { readonly targets: Array<Target>; readonly dropped: number } => {
  const seen = new Set<string>()
  const kept: Array<Target> = []
  for (const target of targets) {
    const key = `${target.instanceId}\u0000${target.regionId ?? ""}`
    if (seen.has(key)) continue
    seen.add(key)
    kept.push(target)
  }
  return { targets: kept, dropped: targets.length - kept.length }
}
