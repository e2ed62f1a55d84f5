/**
 * A small HTML builder that escapes by construction: text children and attribute values are always escaped, and
 * the only way to insert markup is to build it with `h`. Tag and attribute names are ours, never the API's, and are
 * checked against a strict pattern so a mistake fails loudly instead of producing broken markup.
 */

/** Markup that is safe to insert: built by `h` or `fragment`, or one of our constant texts via `trusted`. */
export interface Markup {
  readonly markup: string
}

/** What an element may contain: markup, text (escaped), numbers, or nothing; arrays are flattened. */
export type Child = Markup | string | number | bigint | null | undefined | false | ReadonlyArray<Child>

/** Attribute values: written escaped; `true` writes the bare name, `false` and `undefined` leave it out. */
export type Attributes = Readonly<Record<string, string | number | boolean | undefined>>

const textEntities: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" }
const attributeEntities: Readonly<Record<string, string>> = { ...textEntities, '"': "&quot;", "'": "&#39;" }

/** Text as it must appear between tags. */
export const escapeText = (text: string): string => text.replace(/[&<>]/g, (char) => textEntities[char]!)

/** Text as it must appear inside a double-quoted attribute value. */
export const escapeAttribute = (text: string): string => text.replace(/[&<>"']/g, (char) => attributeEntities[char]!)

const namePattern = /^[a-zA-Z][a-zA-Z0-9:-]*$/

const voidElements = new Set(["meta", "br", "hr", "img", "input", "link", "wbr", "col", "source"])

const isMarkup = (child: Child): child is Markup => typeof child === "object" && child !== null && "markup" in child

const write = (child: Child): string => {
  if (child === null || child === undefined || child === false) return ""
  if (Array.isArray(child)) return child.map(write).join("")
  if (isMarkup(child)) return child.markup
  return escapeText(String(child))
}

const checkName = (name: string): string => {
  if (!namePattern.test(name)) throw new TypeError(`Not a safe HTML name: ${JSON.stringify(name)}`)
  return name
}

/** An element with attributes and children. */
export const h = (tag: string, attributes: Attributes = {}, ...children: ReadonlyArray<Child>): Markup => {
  let open = `<${checkName(tag)}`
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue
    open += value === true ? ` ${checkName(name)}` : ` ${checkName(name)}="${escapeAttribute(String(value))}"`
  }
  if (voidElements.has(tag)) return { markup: `${open}>` }
  return { markup: `${open}>${write(children)}</${tag}>` }
}

/** Children side by side, without a wrapping element. */
export const fragment = (...children: ReadonlyArray<Child>): Markup => ({ markup: write(children) })

/** Inserts one of our own constant texts (the style sheet, the doctype) as it is. Never pass it API data. */
export const trusted = (markup: string): Markup => ({ markup })

/** The markup as text. */
export const serialize = (markup: Markup): string => markup.markup
