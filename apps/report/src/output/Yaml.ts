/**
 * The YAML output: the JSON document (same keys, same order, `null` for missing values, bigints exact) written as
 * block YAML that YAML 1.2 and YAML 1.1 parsers (PyYAML, js-yaml, Go's yaml) read back as the same values. A string
 * is written plain only when no parser could read it as anything else; otherwise it is double-quoted, or, when it
 * spans lines, a literal block.
 */
import { JsonWriter } from "@holo-upgrade/core"
import type { InstanceReport } from "../Report.ts"
import * as Json from "./Json.ts"

// Words that YAML 1.1 or 1.2 read as a boolean or null when unquoted (compared lower-cased).
const reservedWords = new Set(["y", "yes", "n", "no", "true", "false", "on", "off", "null"])

// Plain: starts with a letter or underscore (so never a number, a date, `.inf`, `~` or an indicator), and holds only
// word characters and punctuation that means nothing in block context, with single spaces between words.
const plainText = /^[\p{L}_][\p{L}\p{M}\p{N}_./()@-]*(?: [\p{L}\p{M}\p{N}_./()@-]+)*$/u

// Characters a literal block cannot carry safely: controls (tab and newline aside), line separators YAML 1.1 treats
// as breaks, the byte-order mark, and non-characters.
const unsafeInBlock = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udfff]/u

const isPlain = (text: string): boolean => plainText.test(text) && !reservedWords.has(text.toLowerCase())

const hex = (code: number, width: number): string => code.toString(16).toUpperCase().padStart(width, "0")

const escapes: Readonly<Record<string, string>> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r" }

/** A double-quoted scalar: JSON-style escapes, which both YAML versions read, for anything not printable. */
const quoted = (text: string): string => {
  let out = '"'
  for (const char of text) {
    const code = char.codePointAt(0)!
    const escaped = escapes[char]
    if (escaped !== undefined) out += escaped
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) out += `\\x${hex(code, 2)}`
    else if (code === 0x2028 || code === 0x2029 || code === 0xfeff || code === 0xfffe || code === 0xffff) {
      out += `\\u${hex(code, 4)}`
    } else if (code >= 0xd800 && code <= 0xdfff) out += `\\u${hex(code, 4)}`
    else out += char
  }
  return `${out}"`
}

// A multi-line string reads best as a literal block; only text that round-trips exactly is written that way: no
// unsafe character, no trailing space on a line (a blank line of spaces would be ambiguous), at most one final newline.
// Text of nothing but line breaks is left to double quotes: a literal block would read back empty.
const asLiteralBlock = (text: string): boolean =>
  text.includes("\n") &&
  /[^\n]/.test(text) &&
  !text.includes("\r") &&
  !unsafeInBlock.test(text) &&
  !/[ \t]\n|[ \t]$/.test(text) &&
  !text.endsWith("\n\n")

const literalBlock = (text: string, indent: string): string => {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text
  const lines = body.split("\n")
  // An explicit indentation indicator when a line starts with a space, which would otherwise shift the detected one.
  const indicator = lines.some((line) => line.startsWith(" ") || line.startsWith("\t")) ? "2" : ""
  const chomping = text.endsWith("\n") ? "" : "-"
  return `|${indicator}${chomping}\n${lines.map((line) => (line === "" ? "" : `${indent}  ${line}`)).join("\n")}`
}

const number = (value: number): string => {
  if (!Number.isFinite(value)) return "null"
  const text = String(value)
  // YAML 1.1 reads an exponent only after a decimal point: 1e+21 would be a string there, 1.0e+21 is a float in both.
  return /e/.test(text) && !text.includes(".") ? text.replace("e", ".0e") : text
}

const scalar = (value: Json.Json, indent: string): string => {
  switch (typeof value) {
    case "string":
      if (isPlain(value)) return value
      return asLiteralBlock(value) ? literalBlock(value, indent) : quoted(value)
    case "number":
      return number(value)
    case "bigint":
      return value.toString()
    case "boolean":
      return value ? "true" : "false"
    default:
      return "null"
  }
}

// YAML caps an implicit key at 1024 characters; a longer one (an unknown field in Details) takes the explicit form.
const longKey = 1000

const keyPrefix = (text: string, indent: string): string => {
  const written = isPlain(text) ? text : quoted(text)
  return written.length > longKey ? `? ${written}\n${indent}:` : `${written}:`
}

type Container = ReadonlyArray<Json.Json> | { readonly [key: string]: Json.Json }

const isContainer = (value: Json.Json): value is Container => typeof value === "object" && value !== null

const isEmpty = (value: Container): boolean =>
  Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0

// The document has a bounded depth (the decoder refuses deeper input), but a subtree past this depth is written as
// JSON, which is also YAML, so no input can make the writer recurse without limit.
const maxBlockDepth = 100

/** One entry (`key:` or `-`) and its value, at `indent`. */
const entry = (prefix: string, value: Json.Json, indent: string, depth: number): string => {
  if (!isContainer(value)) return `${indent}${prefix} ${scalar(value, indent)}`
  if (isEmpty(value)) return `${indent}${prefix} ${Array.isArray(value) ? "[]" : "{}"}`
  if (depth >= maxBlockDepth) {
    const json = JsonWriter.stringify(value, { indent: 2 }).replace(/\n/g, `\n${indent}  `)
    return `${indent}${prefix} ${json}`
  }
  const inner = `${indent}  `
  const content = block(value, inner, depth + 1)
  // A sequence entry starts its content on the dash's line ("- key: value"), as people write YAML by hand.
  return prefix === "-" ? `${indent}- ${content.slice(inner.length)}` : `${indent}${prefix}\n${content}`
}

/** A non-empty mapping or sequence, every line at `indent`. */
const block = (value: Container, indent: string, depth: number): string =>
  Array.isArray(value)
    ? value.map((item) => entry("-", item, indent, depth)).join("\n")
    : Object.entries(value as { readonly [key: string]: Json.Json })
        .map(([name, item]) => entry(keyPrefix(name, indent), item, indent, depth))
        .join("\n")

/** Writes any JSON value as a YAML document, ending with a newline. */
export const stringify = (value: Json.Json): string => {
  if (!isContainer(value)) return `${scalar(value, "")}\n`
  if (isEmpty(value)) return Array.isArray(value) ? "[]\n" : "{}\n"
  return `${block(value, "", 0)}\n`
}

/** Renders reports as the YAML form of the JSON document. */
export const render = (reports: ReadonlyArray<InstanceReport>): string => stringify(Json.toDocument(reports))
