/**
 * The command line checked against the commands' own descriptions before @effect/cli parses it, so every command
 * refuses the same mistakes in the same words: an option nobody knows, a flag without its value, a command that does
 * not exist. @effect/cli alone stops matching options at the first one it does not know and hands the rest to the
 * command as positional arguments, which then fail in ways that name the wrong thing (`Cannot read --bogus`,
 * `Received unknown argument: 'FILE'`).
 *
 * It also puts the line in the order the parser wants: the command's path first, then its options, then the
 * arguments, with a lone `-` (stdin) last, so options may come before the command (`-o json render FILE`) or after a
 * `-`.
 */
import type * as Command from "@effect/cli/Command"
import * as Descriptor from "@effect/cli/CommandDescriptor"
import type * as Usage from "@effect/cli/Usage"
import { Either, Option } from "effect"

/** One command as the checker sees it: its options (each with whether it takes a value) and its subcommands. */
export interface Spec {
  readonly name: string
  readonly options: ReadonlyMap<string, boolean>
  readonly subcommands: ReadonlyArray<Spec>
}

// The parser's own flags: they stay out of the help but keep working everywhere.
const builtIns: ReadonlyMap<string, boolean> = new Map([
  ["--help", false],
  ["-h", false],
  ["--version", false],
  ["--wizard", false],
  ["--completions", true],
  ["--log-level", true]
])

const collect = (usage: Usage.Usage, into: Map<string, boolean>): void => {
  if (usage._tag === "Named") {
    if (usage.names.every((name) => name.startsWith("-"))) {
      for (const name of usage.names) into.set(name, Option.isSome(usage.acceptedValues))
    }
  } else if (usage._tag === "Optional" || usage._tag === "Repeated") {
    collect(usage.usage, into)
  } else if (usage._tag === "Alternation" || usage._tag === "Concat") {
    collect(usage.left, into)
    collect(usage.right, into)
  }
}

const specOf = (descriptor: Descriptor.Command<unknown>): Spec => {
  const name = [...Descriptor.getNames(descriptor)][0] ?? ""
  // A command without subcommands lists itself as its one subcommand.
  const subcommands = [...Descriptor.getSubcommands(descriptor)]
    .filter(([subName]) => subName !== name)
    .map(([, sub]) => specOf(sub))
  // A parent's usage includes its subcommands' options; those are its subcommands' own.
  const theirs = new Set(subcommands.flatMap((sub) => [...sub.options.keys()]))
  const options = new Map<string, boolean>()
  collect(Descriptor.getUsage(descriptor), options)
  for (const option of theirs) options.delete(option)
  return { name, options, subcommands }
}

/** The spec of a command and its subcommands, read from its own description. */
export const spec = (command: Command.Command<any, any, any, any>): Spec => specOf(command.descriptor)

/** The full names of nested commands by their own name (`show` is `config show`), for help text. */
export const nestedNames = (specs: ReadonlyArray<Spec>): ReadonlyMap<string, string> => {
  const names = new Map<string, string>()
  const walk = (parent: string, spec: Spec) => {
    for (const sub of spec.subcommands) {
      names.set(sub.name, `${parent} ${sub.name}`)
      walk(`${parent} ${sub.name}`, sub)
    }
  }
  for (const spec of specs) walk(spec.name, spec)
  return names
}

const isOption = (token: string): boolean => token.length > 1 && token.startsWith("-")

// The name of an option token: `--out=x` is `--out`.
const nameOf = (token: string): string => (token.startsWith("--") ? token.split("=", 1)[0]! : token)

const lookup = (spec: Spec, name: string): boolean | undefined => spec.options.get(name) ?? builtIns.get(name)

const helpHint = (path: ReadonlyArray<string>): string => `holo-upgrade ${path.join(" ")} --help lists the options`

/**
 * Splits option tokens from arguments under `spec`: each option with its value, each argument alone. Fails with the
 * first option `spec` does not know or the first flag whose value is missing.
 */
const split = (
  tokens: ReadonlyArray<string>,
  spec: Spec,
  path: ReadonlyArray<string>
): Either.Either<
  { readonly options: Array<string>; readonly args: Array<string>; readonly tail: Array<string> },
  string
> => {
  const options: Array<string> = []
  const args: Array<string> = []
  const tail: Array<string> = []
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!
    if (token === "--") {
      tail.push(...tokens.slice(index))
      break
    }
    if (!isOption(token)) {
      args.push(token)
      continue
    }
    const name = nameOf(token)
    const takesValue = lookup(spec, name)
    if (takesValue === undefined) return Either.left(`Unknown option ${name} for ${path.join(" ")} (${helpHint(path)})`)
    options.push(token)
    if (!takesValue || token.includes("=")) continue
    const value = tokens[index + 1]
    if (value === undefined || (isOption(value) && lookup(spec, nameOf(value)) !== undefined)) {
      return Either.left(`${name} needs a value (${helpHint(path)})`)
    }
    options.push(value)
    index++
  }
  return Either.right({ options, args, tail })
}

/**
 * Checks `argv` (as `process.argv`, global flags already taken out) against `commands` and returns it in the
 * parser's order, or why it is wrong. A line naming no command at all (`--version`) is left to the parser.
 */
export const check = (
  argv: ReadonlyArray<string>,
  commands: ReadonlyArray<Spec>
): Either.Either<ReadonlyArray<string>, string> => {
  const tokens = argv.slice(2)
  const end = tokens.indexOf("--")
  const scanned = end === -1 ? tokens : tokens.slice(0, end)
  // The command is the first token naming one whose leading tokens read as its options; a value that happens to be a
  // command's name (`--profile demo status`) is not taken for the command.
  const candidates = scanned.flatMap((token, index) => {
    const found = commands.find((command) => command.name === token)
    return found === undefined ? [] : [{ index, command: found }]
  })
  const chosen =
    candidates.find(({ index, command }) =>
      Either.match(split(tokens.slice(0, index), command, [command.name]), {
        onLeft: () => false,
        onRight: ({ args }) => args.length === 0
      })
    ) ?? candidates[0]
  if (chosen === undefined) {
    const stray = scanned.find((token) => !isOption(token))
    if (stray === undefined) return Either.right(argv)
    return Either.left(`Unknown command ${stray} (holo-upgrade --help lists the commands)`)
  }

  let spec = chosen.command
  const path = [spec.name]
  const before = tokens.slice(0, chosen.index)
  let rest = tokens.slice(chosen.index + 1)
  while (spec.subcommands.length > 0) {
    const at = rest.findIndex((token) => !isOption(token))
    const sub = at === -1 ? undefined : spec.subcommands.find((candidate) => candidate.name === rest[at])
    // Without its subcommand the parent itself runs and says what to choose (or shows its help).
    if (sub === undefined) break
    before.push(...rest.slice(0, at))
    rest = rest.slice(at + 1)
    spec = sub
    path.push(sub.name)
  }
  return Either.map(split([...before, ...rest], spec, path), ({ options, args, tail }) => {
    // A lone `-` ends option matching in the parser, so stdin goes last.
    const stdin = args.filter((arg) => arg === "-")
    const others = args.filter((arg) => arg !== "-")
    return [...argv.slice(0, 2), ...path, ...options, ...others, ...stdin, ...tail]
  })
}
