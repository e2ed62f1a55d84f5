import { assert, describe, it } from "@effect/vitest"
import * as Markdown from "../src/output/Markdown.ts"
import * as Samples from "./outputSamples.ts"

// The unescaped `|` of a table row: its cell borders.
const borders = (row: string): number => row.replace(/\\\\/g, "").replace(/\\\|/g, "").split("|").length - 1

const outsideFences = (text: string): string => text.replace(/^(`{3,})json\n[\s\S]*?\n\1$/gm, "")

describe("Markdown.render", () => {
  it("puts the verdict first, then a compact table, then the findings", () => {
    const text = Markdown.render([Samples.vendor()])
    const lines = text.split("\n")
    assert.strictEqual(lines[0], "# Hologres upgrade report")
    assert.strictEqual(lines[2], "**1 instance**: ❌ 1 rolled back")
    assert.strictEqual(lines[4], "| Instance | Verdict | Versions | Step | Why |")
    assert.match(
      lines[6]!,
      /^\| hgxxx \| \*\*❌ ROLLED BACK\*\* \| 1\.3\.23 → 1\.3\.24 \| Rollback Success \| The upgrade/
    )
    assert.isBelow(text.indexOf("ROLLED BACK"), text.indexOf("### Findings"))
    assert.include(text, "| critical | `rolled-back` |")
    assert.include(
      text,
      "| warning | `follower-unavailable` | A read-only follower is not running: WMS readonly (hxxx)"
    )
  })

  it("folds the steps, the checks and the raw Details, with the repairs located", () => {
    const text = Markdown.render([Samples.vendor()])
    assert.strictEqual(text.split("<details>").length, text.split("</details>").length)
    assert.include(text, "<summary>Steps and times</summary>\n\n| Step | Status |")
    assert.include(text, "| Stop | Success |")
    assert.include(text, "| tst0 | dim_db | it_rpt_org_tree_info_partition_all | v4_300433463265624129 |")
    assert.include(text, "| test_db | 5 |")
    assert.include(text, "| follower | WMS readonly | hxxx | Unavailable |")
    assert.include(text, "<summary>Call and raw Details (4 repairs)</summary>")
    assert.include(text, "- `missing-comma` (structure) at offset 117, line 1, column 118")
    assert.include(text, "- `trailing-comma` (syntax) at offset 622, line 1, column 623")
    assert.include(text, '```json\n{"UpgradePhase":"Upgrade","StatusCode":"LeaderRestartFailed"')
  })

  it("summarises a fleet, the instances needing attention first", () => {
    const text = Markdown.render([Samples.succeeded(), Samples.running(), Samples.vendor(), Samples.forbidden()])
    assert.include(text, "**4 instances**: ❌ 1 rolled back · ❔ 1 unknown · ⏳ 1 upgrading · ✅ 1 succeeded")
    const lines = text.split("\n")
    const start = lines.indexOf("| Instance | Verdict | Versions | Step | Why |") + 2
    const rows = lines.slice(start, start + 4)
    assert.deepStrictEqual(
      rows.map((row) => row.split(" | ")[0]!.slice(2)),
      ["hgxxx", "hgprmn-cn-locked", "hgprmn-cn-orders", "hgprmn-cn-billing"]
    )
    assert.include(rows[1]!, "Forbidden.RAM: the caller is not authorised")
    // Sections keep the order the instances were given in.
    assert.isBelow(text.indexOf("## Instance hgprmn-cn-billing"), text.indexOf("## Instance hgxxx"))
  })

  it("lets no text from the API become markup or break a table", () => {
    const text = Markdown.render([Samples.hostile()])
    const prose = outsideFences(text)
    const ours = prose.replace(/<\/?(?:details|summary)>/g, "")
    assert.notInclude(ours, "<", "every < from the API is an entity outside code")
    assert.include(prose, "## Instance &lt;img src=x onerror=alert(1)&gt;: FAILED")
    assert.include(prose, "&amp;lt;b&amp;gt;entity&amp;lt;/b&amp;gt; &amp; \\`code\\` \\| pipe \\*star\\* \\_under\\_")
    for (const block of prose.split("\n\n")) {
      const rows = block.split("\n").filter((line) => line.startsWith("| "))
      if (rows.length === 0) continue
      for (const row of rows) assert.strictEqual(borders(row), borders(rows[0]!), row)
    }
  })

  it("fences raw Details longer than any backtick run inside it", () => {
    const report = Samples.reportOf(Samples.body({ Status: "upgrading" }, { UpgradePhase: "````` ``` `" }))
    const text = Markdown.render([report])
    assert.include(text, '``````json\n{"UpgradePhase":"````` ``` `"}\n``````')
  })
})
