/**
 * `Details` exactly as the API sent it, with every repair the decoder made marked where it was made: the character
 * at the repair's offset is highlighted and numbered, and a table below lists each repair with its line, column and
 * surrounding text. The text is escaped like every other value; only our own `<mark>` elements are markup.
 */
import { JsonWriter, TolerantJson, UpgradeDetails } from "@holo-upgrade/core"
import type { RecordReport } from "../../Report.ts"
import { type Child, h, type Markup } from "./markup.ts"

// A page stays light enough to open and print; Details of real answers is a few kilobytes.
const maxCharacters = 200_000

/** The code units of the character starting at `offset`: two for a surrogate pair, none at the end of the text. */
const characterAt = (text: string, offset: number): string => {
  if (offset >= text.length) return ""
  const code = text.charCodeAt(offset)
  return code >= 0xd800 && code <= 0xdbff && offset + 1 < text.length ? text.slice(offset, offset + 2) : text[offset]!
}

const describe = (repair: TolerantJson.Repair, number: number, text: string): string => {
  const { column, line } = TolerantJson.lineColumn(text, repair.offset)
  return (
    `Repair ${number}: ${repair.kind} (${repair.severity}) ` +
    `at offset ${repair.offset}, line ${line}, column ${column}`
  )
}

/** The raw text with the repairs marked; offsets past the shown part are listed but not marked. */
export const markedText = (text: string, repairs: ReadonlyArray<TolerantJson.Repair>, shown: number): Array<Child> => {
  const byOffset = new Map<number, Array<number>>()
  repairs.forEach((repair, index) => {
    if (repair.offset > shown) return
    byOffset.set(repair.offset, [...(byOffset.get(repair.offset) ?? []), index])
  })
  const pieces: Array<Child> = []
  let position = 0
  for (const offset of [...byOffset.keys()].sort((a, b) => a - b)) {
    if (offset < position) continue
    pieces.push(text.slice(position, offset))
    const numbers = byOffset.get(offset)!
    const character = offset < shown ? characterAt(text, offset) : ""
    pieces.push(
      h(
        "mark",
        {
          class: "repair",
          title: numbers.map((index) => describe(repairs[index]!, index + 1, text)).join("\n")
        },
        h("sup", {}, numbers.map((index) => index + 1).join(",")),
        // A repair at the very end (a missing closer) has no character to hold; a thin space keeps it visible.
        character === "" ? "\u2009" : character
      )
    )
    position = offset + character.length
  }
  pieces.push(text.slice(position, shown))
  return pieces
}

const excerpt = (text: string, offset: number): Markup => {
  const before = text.slice(Math.max(0, offset - 24), offset)
  const at = characterAt(text, offset)
  const after = text.slice(offset + at.length, offset + at.length + 24)
  return h("code", {}, before, h("mark", { class: "repair" }, at === "" ? "\u2009" : at), after)
}

const repairTable = (text: string, decoded: UpgradeDetails.Decoded): Markup =>
  h(
    "table",
    { class: "repairs" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { class: "num" }, "#"),
        h("th", {}, "Repair"),
        h("th", {}, "Trust"),
        h("th", {}, "Where"),
        h("th", {}, "Text around it")
      )
    ),
    h(
      "tbody",
      {},
      decoded.repairs.map((repair, index) => {
        const { column, line } = TolerantJson.lineColumn(text, repair.offset)
        return h(
          "tr",
          {},
          h("td", { class: "num" }, index + 1),
          h("td", {}, h("code", {}, repair.kind)),
          h("td", {}, repair.severity),
          h("td", { class: "mono" }, `offset ${repair.offset} (line ${line}, col ${column})`),
          h("td", {}, excerpt(text, repair.offset))
        )
      })
    )
  )

const decodedDocument = (decoded: UpgradeDetails.Decoded): Markup | undefined =>
  decoded.details === undefined
    ? undefined
    : h(
        "details",
        { class: "screen-only" },
        h("summary", {}, "Details as decoded (after repairs)"),
        h("pre", { class: "raw" }, JsonWriter.stringify(UpgradeDetails.encode(decoded.details), { indent: 2 }))
      )

const issues = (decoded: UpgradeDetails.Decoded): Markup | undefined =>
  decoded.issues.length === 0
    ? undefined
    : h(
        "div",
        {},
        h("p", {}, h("strong", {}, "Parts that could not be read and were left out:")),
        h(
          "ul",
          {},
          decoded.issues.map((issue) =>
            h("li", {}, h("code", {}, issue.path.join(".") || "Details"), ": ", issue.message)
          )
        )
      )

/** The raw `Details` card body: the marked text, the repairs, the decoding issues and the decoded document. */
export const rawDetails = (entry: RecordReport): Array<Child> => {
  const raw = entry.record.Details
  const decoded = entry.decoded
  if (raw === undefined || raw === null) return [h("p", { class: "note" }, "The record carries no Details.")]
  if (typeof raw !== "string") {
    return [
      h("p", { class: "note" }, "Details came as a JSON object rather than a string, so nothing needed repair."),
      h("pre", { class: "raw" }, JsonWriter.stringify(raw, { indent: 2 })),
      issues(decoded)
    ]
  }
  const shown = Math.min(raw.length, maxCharacters)
  const more = decoded.repairTotal - decoded.repairs.length
  return [
    h(
      "p",
      { class: "note" },
      decoded.repairTotal === 0
        ? "Exactly as received; it is valid JSON."
        : `Exactly as received. ` +
            `The ${decoded.repairTotal === 1 ? "repair is" : `${decoded.repairTotal} repairs are`} ` +
            `highlighted where the decoder made ${decoded.repairTotal === 1 ? "it" : "them"}.`,
      shown < raw.length ? ` Only the first ${shown} of ${raw.length} characters are shown.` : undefined
    ),
    h("pre", { class: "raw" }, markedText(raw, decoded.repairs, shown)),
    decoded.repairs.length > 0 && repairTable(raw, decoded),
    more > 0 && h("p", { class: "note" }, `And ${more} more repairs, beyond what the decoder lists one by one.`),
    issues(decoded),
    decodedDocument(decoded)
  ]
}
