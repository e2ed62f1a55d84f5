/**
 * A small reader for the `~/.alibabacloud/credentials` INI file: `[section]` headers, `key = value` lines, `#` and
 * `;` comments. Anything else is an error with its line number (never its text: the line may hold a secret).
 */

/** Sections by name, each a map of lower-cased keys to trimmed values. */
export type Ini = ReadonlyMap<string, ReadonlyMap<string, string>>

/** Parses INI text, or returns the 1-based number of the first line that is neither a section, a pair nor a comment. */
export const parseIni = (text: string): { readonly ini: Ini } | { readonly brokenLine: number } => {
  const sections = new Map<string, Map<string, string>>()
  let current: Map<string, string> | undefined
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim()
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue
    const section = /^\[([^\]]+)\]$/.exec(line)
    if (section !== null) {
      const name = section[1]!.trim()
      current = sections.get(name) ?? new Map()
      sections.set(name, current)
      continue
    }
    const at = line.indexOf("=")
    // A pair before any section, or a line without `=`, is something this format does not allow.
    if (at <= 0 || current === undefined) return { brokenLine: index + 1 }
    current.set(line.slice(0, at).trim().toLowerCase(), unquote(line.slice(at + 1).trim()))
  }
  return { ini: sections }
}

const unquote = (value: string): string =>
  value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0] ? value.slice(1, -1) : value
