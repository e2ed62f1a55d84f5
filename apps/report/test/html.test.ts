import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import * as Html from "../src/output/Html.ts"
import { layout, tickStep } from "../src/output/html/chart.ts"
import { escapeAttribute, escapeText, h, serialize } from "../src/output/html/markup.ts"
import * as Samples from "./outputSamples.ts"

const styleOf = (page: string): string => /<style>([\s\S]*?)<\/style>/.exec(page)![1]!

const policyOf = (page: string): string =>
  /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)![1]!.replace(/&#39;/g, "'")

// Every `<` the renderer writes opens one of its own tags (text has its `<` escaped), so this finds all of them.
const tagsOf = (page: string): Array<{ name: string; attributes: Array<string> }> =>
  [...page.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)].map((match) => ({
    name: match[1]!.toLowerCase(),
    attributes: [...match[2]!.matchAll(/\s([^\s=]+)(?:="[^"]*")?/g)].map((attribute) => attribute[1]!.toLowerCase())
  }))

const allowedTags = new Set(
  "html head meta title style body header h1 h2 h3 p section article main footer div span strong code pre mark sup dl dt dd ul li table thead tbody tr th td a details summary svg g rect line text".split(
    " "
  )
)

const allowedAttributes = new Set(
  "lang charset http-equiv content name class id href title open xmlns viewbox width height x y x1 x2 y1 y2 rx role aria-label aria-hidden text-anchor".split(
    " "
  )
)

describe("markup", () => {
  it("escapes text and attribute values, and refuses names that are not plain words", () => {
    const markup = serialize(h("p", { title: `"'<>&` }, "<b>&amp;</b>", h("br")))
    assert.strictEqual(markup, '<p title="&quot;&#39;&lt;&gt;&amp;">&lt;b&gt;&amp;amp;&lt;/b&gt;<br></p>')
    assert.throws(() => h("p onclick=x"), /Not a safe HTML name/)
    assert.throws(() => h("p", { "on click": "x" }), /Not a safe HTML name/)
    assert.strictEqual(escapeText("a<b>&"), "a&lt;b&gt;&amp;")
    assert.strictEqual(escapeAttribute(`x" onload="y`), "x&quot; onload=&quot;y")
  })
})

describe("Html.render", () => {
  it("forbids every load and admits only its own style sheet", () => {
    const page = Html.render([Samples.vendor()])
    const policy = policyOf(page)
    const hash = createHash("sha256").update(styleOf(page)).digest("base64")
    assert.include(policy, "default-src 'none'")
    assert.include(policy, `style-src 'sha256-${hash}'`)
    assert.include(policy, "img-src data:")
    assert.isBelow(page.indexOf("Content-Security-Policy"), page.indexOf("<style>"), "the policy precedes the style")
  })

  it("refers to nothing outside itself", () => {
    const page = Html.render([Samples.vendor(), Samples.running(), Samples.forbidden(), Samples.hostile()])
    assert.deepStrictEqual(
      [...new Set(tagsOf(page).map((tag) => tag.name))].filter((name) => !allowedTags.has(name)),
      []
    )
    assert.deepStrictEqual(
      [...new Set(tagsOf(page).flatMap((tag) => tag.attributes))].filter(
        (name) => !allowedAttributes.has(name) && !name.startsWith("data-")
      ),
      []
    )
    assert.notMatch(styleOf(page), /url\(|@import/i)
    assert.deepStrictEqual(
      [...new Set([...page.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!.replace(/\d+$/, "N")))],
      ["#instance-N"]
    )
    assert.deepStrictEqual([...new Set(page.match(/https?:\/\/[^\s"'<)]+/g))], ["http://www.w3.org/2000/svg"])
  })

  it("escapes every text from the API", () => {
    const page = Html.render([Samples.hostile()])
    for (const text of Samples.hostileStrings) assert.include(page, escapeText(text), "each appears as text")
    assert.deepStrictEqual(
      tagsOf(page).filter((tag) => !allowedTags.has(tag.name) || tag.attributes.some((name) => name.startsWith("on"))),
      []
    )
    assert.include(page, `<h2>${escapeText(Samples.hostileName)}</h2>`)
    assert.include(page, `<title>${escapeText(Samples.hostileName)}: FAILED · Hologres upgrade</title>`)
    assert.include(page, `aria-label="Upgrade steps of ${escapeAttribute(Samples.hostileName)}: FAILED"`)
  })

  it("shows the verdict, the findings, the checks and the followers of the vendor example", () => {
    const page = Html.render([Samples.vendor()])
    assert.include(page, '<span class="badge tone-red big">ROLLED BACK</span>')
    for (const code of [
      "rolled-back",
      "follower-unavailable",
      "read-permission",
      "segment-format",
      "details-repaired"
    ]) {
      assert.include(page, `data-code="${code}"`)
    }
    assert.include(page, "it_rpt_org_tree_info_partition_all_2")
    assert.include(page, "Segment storage format: 12 tables")
    assert.include(page, "WMS readonly")
    assert.strictEqual(page.match(/<rect class="bar"/g)?.length, 4)
  })

  it("marks each repair at its offset in the raw Details", () => {
    const page = Html.render([Samples.vendor()])
    const marks = [...page.matchAll(/<mark class="repair" title="([^"]*)"><sup>(\d+)<\/sup>([^<]*)<\/mark>/g)]
    assert.deepStrictEqual(
      marks.map((match) => [match[2], match[3]]),
      [
        ["1", '"'],
        ["2", '"'],
        ["3", "]"],
        ["4", '"']
      ]
    )
    assert.include(marks[2]![1]!, "Repair 3: trailing-comma (syntax) at offset 622, line 1, column 623")
    // The text around the marks is the raw text, unchanged.
    const raw = /<pre class="raw">([\s\S]*?)<\/pre>/.exec(page)![1]!
    const text = raw
      .replace(/<sup>\d+<\/sup>/g, "")
      .replace(/<[^>]+>/g, "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&")
    assert.strictEqual(text, Samples.vendor().records[0]!.record.Details)
  })

  it("summarises a fleet with a row per instance, those needing attention first", () => {
    const page = Html.render([Samples.succeeded(), Samples.running(), Samples.vendor(), Samples.preparing()])
    const rows = [...page.matchAll(/<tr><td class="mono"><a href="#instance-(\d)">([^<]*)<\/a>/g)]
    assert.deepStrictEqual(
      rows.map((match) => [match[1], match[2]]),
      [
        ["3", "hgxxx"],
        ["2", "hgprmn-cn-orders"],
        ["4", "hgprmn-cn-search"],
        ["1", "hgprmn-cn-billing"]
      ]
    )
    assert.include(page, "<title>4 instances, 1 needs attention · Hologres upgrades</title>")
    assert.strictEqual(page.match(/<article /g)?.length, 4)
  })
})

describe("the timeline layout", () => {
  it("places measured steps at their times and marks now while one runs", () => {
    const { lanes, now, origin } = layout(Samples.running().records[0]!.assessment)
    assert.strictEqual(origin, Date.parse("2024-03-02T10:00:00Z"))
    assert.deepStrictEqual(
      lanes.map((lane) => [lane.step, lane.start, lane.end, lane.estimateEnd, lane.projected]),
      [
        ["Stop", 0, 41, 30, false],
        ["Backup", 41, 160, 161, false],
        ["DoUpgrade", 160, 460, 760, false]
      ]
    )
    assert.strictEqual(now, 460)
  })

  it("projects steps not reached yet one after another from their estimates", () => {
    const { lanes, now, origin } = layout(Samples.preparing().records[0]!.assessment)
    assert.strictEqual(origin, undefined)
    assert.strictEqual(now, undefined)
    assert.deepStrictEqual(
      lanes.map((lane) => [lane.step, lane.phase, lane.start, lane.end, lane.estimateEnd]),
      [
        ["Stop", "not reached", 0, undefined, 30],
        ["Backup", "not reached", 30, undefined, 150],
        ["DoUpgrade", "not reached", 150, undefined, 750]
      ]
    )
  })

  it("spaces ticks at a round step, at most six of them", () => {
    assert.strictEqual(tickStep(60), 10)
    assert.strictEqual(tickStep(760), 300)
    assert.strictEqual(tickStep(7200), 1800)
    assert.strictEqual(tickStep(30 * 86_400), 5 * 86_400)
  })
})
