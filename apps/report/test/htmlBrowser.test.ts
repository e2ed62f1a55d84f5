// The HTML page in a real headless Chromium: it renders, its chart is visible in a screenshot, it makes no request,
// and hostile text stays text. Chromium comes from the system (Debian's package; CI installs it in .ci/run). Without
// it these tests fail under CI and are skipped, with the reason, on a developer's machine.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, join } from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core"
import * as Html from "../src/output/Html.ts"
import type { InstanceReport } from "../src/Report.ts"
import * as Samples from "./outputSamples.ts"

// HOLO_UPGRADE_CHROMIUM names another build (or, set to a path that does not exist, simulates a machine without one).
const findChromium = (): string | undefined => {
  const chosen = process.env.HOLO_UPGRADE_CHROMIUM
  if (chosen !== undefined && chosen !== "") return existsSync(chosen) ? chosen : undefined
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium"
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of ["chromium", "chromium-browser"]) {
      if (directory !== "" && existsSync(join(directory, name))) return join(directory, name)
    }
  }
  return undefined
}

const executablePath = findChromium()
const inCi = !["", "0", "false", undefined].includes(process.env.CI)
const missing = "Chromium is not installed (apt-get install chromium); the HTML page was not checked in a browser"

// Flags that keep the browser from calling home, so the only traffic is what the page itself asks for.
const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic"
]

const dir = mkdtempSync(join(tmpdir(), "holo-upgrade-html-"))
let browser: Browser | undefined

beforeAll(async () => {
  if (executablePath === undefined) {
    if (inCi) throw new Error(`${missing}; CI must install it`)
    return
  }
  // Playwright gives each launch a fresh, temporary user-data directory, so no profile state carries over.
  browser = await chromium.launch({ executablePath, args })
})

afterAll(async () => {
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})

const screenshots = process.env.HOLO_UPGRADE_SCREENSHOTS

let pages = 0

/** Writes the page to a file and opens it, recording every request and dialog from the first byte on. */
const open = async (
  skip: (note: string) => never,
  reports: ReadonlyArray<InstanceReport>,
  options: BrowserContextOptions = {}
) => {
  if (browser === undefined) return skip(missing)
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, ...options })
  const page = await context.newPage()
  const url = pathToFileURL(join(dir, `page-${++pages}.html`)).href
  writeFileSync(new URL(url), Html.render(reports))
  const requests: Array<string> = []
  const routed: Array<string> = []
  const failed: Array<string> = []
  const dialogs: Array<string> = []
  const errors: Array<string> = []
  page.on("request", (request) => requests.push(request.url()))
  page.on("requestfailed", (request) => failed.push(`${request.url()} ${request.failure()?.errorText}`))
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text())
  })
  // Anything but the page itself is refused before it could leave the machine.
  await context.route("**/*", (route) => {
    routed.push(route.request().url())
    return route.request().url() === url ? route.continue() : route.abort()
  })
  await page.goto(url, { waitUntil: "load" })
  return { page, url, requests, routed, failed, dialogs, errors, close: () => context.close() }
}

/** The colours of a PNG and how many pixels have each, decoded by the browser in a blank page. */
const colours = async (png: Buffer): Promise<Map<string, number>> => {
  const page = await browser!.newPage()
  try {
    const counts = await page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
      const image = await createImageBitmap(new Blob([bytes], { type: "image/png" }))
      const canvas = new OffscreenCanvas(image.width, image.height)
      const context = canvas.getContext("2d")!
      context.drawImage(image, 0, 0)
      const data = context.getImageData(0, 0, image.width, image.height).data
      const found: Record<string, number> = {}
      for (let index = 0; index < data.length; index += 4) {
        const key = `rgb(${data[index]}, ${data[index + 1]}, ${data[index + 2]})`
        found[key] = (found[key] ?? 0) + 1
      }
      return found
    }, png.toString("base64"))
    return new Map(Object.entries(counts))
  } finally {
    await page.close()
  }
}

const save = async (page: Page, name: string) => {
  if (screenshots !== undefined) await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true })
}

describe("the HTML page in headless Chromium", () => {
  it("shows the verdict, the findings, the checks and the marked repairs", async ({ skip }) => {
    const view = await open(skip, [Samples.vendor()])
    try {
      const { page } = view
      await save(page, "vendor")
      assert.strictEqual(await page.title(), "hgxxx: ROLLED BACK · Hologres upgrade")
      assert.isTrue(await page.locator(".verdict .badge").getByText("ROLLED BACK").isVisible())
      assert.isTrue(await page.locator(".verdict h2").getByText("hgxxx").isVisible())
      for (const text of [
        "The upgrade to 1.3.24 did not succeed (StatusCode LeaderRestartFailed)",
        "A read-only follower is not running: WMS readonly (hxxx) is Unavailable",
        "12 tables in 2 databases still use the segment storage format"
      ]) {
        assert.isTrue(await page.locator(".findings").getByText(text).isVisible(), text)
      }
      assert.strictEqual(await page.locator("table.read-permission tbody tr").count(), 2)
      assert.strictEqual(await page.locator("table.instances tbody tr").count(), 3)
      assert.strictEqual(await page.locator(".tile .value").first().textContent(), "9000")
      assert.strictEqual(await page.locator("pre.raw mark.repair").count(), 4)
      assert.isTrue(await page.locator("pre.raw mark.repair").nth(2).isVisible())
      assert.deepStrictEqual(view.errors, [], "no style or resource was refused")
    } finally {
      await view.close()
    }
  })

  for (const colorScheme of ["light", "dark"] as const) {
    it(`draws the step timeline visibly (${colorScheme} scheme)`, async ({ skip }) => {
      const view = await open(skip, [Samples.running()], { colorScheme })
      try {
        const { page } = view
        await save(page, `running-${colorScheme}`)
        const chart = page.locator("svg.timeline")
        const box = await chart.boundingBox()
        assert.isAbove(box?.width ?? 0, 600)
        assert.isAbove(box?.height ?? 0, 120)
        const bars = page.locator("svg.timeline rect.bar")
        assert.strictEqual(await bars.count(), 3)
        const fills = new Set<string>()
        for (const bar of await bars.all()) {
          const size = await bar.evaluate((element) => {
            const { height, width } = (element as SVGGraphicsElement).getBBox()
            return { height, width }
          })
          assert.isAbove(size.width, 10)
          assert.isAbove(size.height, 10)
          fills.add(await bar.evaluate((element) => getComputedStyle(element).fill))
        }
        assert.strictEqual(fills.size, 2, "done and running steps differ in colour")
        const pixels = await colours(await chart.screenshot())
        assert.isAbove(pixels.size, 8, "the chart is not blank")
        for (const fill of fills) assert.isAbove(pixels.get(fill) ?? 0, 300, `${fill} is painted`)
      } finally {
        await view.close()
      }
    })
  }

  it("makes no request besides the page itself, and its policy blocks any other", async ({ skip }) => {
    const reports = [Samples.vendor(), Samples.running(), Samples.succeeded(), Samples.preparing(), Samples.forbidden()]
    const view = await open(skip, [...reports, Samples.hostile()])
    try {
      const { page, requests, url } = view
      await save(page, "fleet")
      await page.waitForLoadState("networkidle")
      assert.deepStrictEqual(requests, [url])
      assert.deepStrictEqual(view.failed, [])
      assert.strictEqual(await page.locator("article.instance").count(), 6)
      assert.strictEqual(await page.locator("table.fleet tbody tr").count(), 6)
      // A load the page did not write itself is refused by the Content-Security-Policy before it reaches the network.
      const violation = await page.evaluate(
        () =>
          new Promise<string>((resolve) => {
            document.addEventListener("securitypolicyviolation", (event) => resolve(event.effectiveDirective))
            const image = document.createElement("img")
            // Should the policy let it through, the load fails (the route refuses it) and no violation follows.
            image.addEventListener("error", () => setTimeout(() => resolve("no violation"), 1000))
            image.src = "http://127.0.0.1:9/probe.png"
            document.body.append(image)
          })
      )
      assert.strictEqual(violation, "img-src")
      // Chromium reports the attempt, but it failed on the policy and never reached the network layer.
      assert.deepStrictEqual(view.failed, ["http://127.0.0.1:9/probe.png csp"])
      assert.deepStrictEqual(view.routed, [url])
    } finally {
      await view.close()
    }
  })

  it("shows an instance named with markup as text, even with the policy bypassed", async ({ skip }) => {
    // With the policy off, only escaping stands between the text and a running script.
    const view = await open(skip, [Samples.hostile()], { bypassCSP: true })
    try {
      const { dialogs, page } = view
      await save(page, "hostile")
      assert.deepStrictEqual(dialogs, [])
      assert.strictEqual(await page.locator("img, script, iframe").count(), 0)
      assert.strictEqual(await page.locator("[onerror], [onload], [onmouseover]").count(), 0)
      assert.strictEqual(await page.locator(".verdict h2").textContent(), Samples.hostileName)
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees, which is the point
      const text = await page.locator("body").innerText()
      for (const hostile of Samples.hostileStrings) assert.include(text, hostile)
    } finally {
      await view.close()
    }
  })

  it("would notice markup that ran", async ({ skip }) => {
    // The control for the test above: the same listener catches the dialog of an unescaped name.
    if (browser === undefined) return skip(missing)
    const page = await browser.newPage({ bypassCSP: true })
    try {
      const dialogs: Array<string> = []
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message())
        void dialog.dismiss()
      })
      await page.setContent(`<h2>${Samples.hostileName}</h2>`)
      if (dialogs.length === 0) await page.waitForEvent("dialog", { timeout: 5000 }).catch(() => undefined)
      assert.deepStrictEqual(dialogs, ["1"])
    } finally {
      await page.close()
    }
  })
})
