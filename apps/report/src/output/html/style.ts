/**
 * The page's one style sheet and the Content-Security-Policy that admits exactly it. The policy forbids every load
 * (scripts, fonts, frames, connections, images other than `data:`) and every other style, so the page can make no
 * request and run nothing, whatever text it carries. Colours follow the reader's light or dark scheme; print is light.
 */
import { createHash } from "node:crypto"

/**
 * The style sheet, inlined in `<head>`. System fonts only: a web font would be a request.
 */
export const css = `
:root {
  color-scheme: light dark;
  --bg: #f4f6f8; --card: #ffffff; --text: #1a1e24; --muted: #5c6673; --border: #dce1e7; --grid: #e7ebef;
  --red: #c0262d; --red-bg: #fdecec; --green: #1d7a3a; --green-bg: #e5f4ea; --amber: #9a5b00; --amber-bg: #fff3dd;
  --blue: #1d5fc2; --blue-bg: #e7effc; --grey: #6b7480; --grey-bg: #eef1f4; --mark: #ffe08a; --mark-text: #1a1e24;
  --code-bg: #f6f8fa;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0e1116; --card: #161b22; --text: #e6eaf0; --muted: #9ba6b4; --border: #2b333d; --grid: #232a33;
    --red: #ff7b72; --red-bg: #3b1619; --green: #56d364; --green-bg: #12301b; --amber: #e3b341; --amber-bg: #3a2b0b;
    --blue: #79b8ff; --blue-bg: #13284a; --grey: #9ba6b4; --grey-bg: #232a33; --mark: #d29922; --mark-text: #0e1116;
    --code-bg: #0d1117;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--text); }
body {
  margin: 0 auto; max-width: 1080px; padding: 24px 20px 40px;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif;
}
h1 { font-size: 22px; margin: 0; letter-spacing: -0.01em; }
h2 { font-size: 20px; margin: 0; overflow-wrap: anywhere; }
h3 { font-size: 13px; margin: 0 0 10px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
a { color: var(--blue); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 13px; }
.page-head { display: flex; align-items: baseline; justify-content: space-between; gap: 16px; flex-wrap: wrap;
  margin-bottom: 18px; }
.page-head p { margin: 0; color: var(--muted); }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 16px 18px;
  margin: 14px 0; overflow-x: auto; }
.instance { margin: 28px 0 40px; }
.tone-red { --tone: var(--red); --tone-bg: var(--red-bg); }
.tone-green { --tone: var(--green); --tone-bg: var(--green-bg); }
.tone-amber { --tone: var(--amber); --tone-bg: var(--amber-bg); }
.tone-blue { --tone: var(--blue); --tone-bg: var(--blue-bg); }
.tone-grey { --tone: var(--grey); --tone-bg: var(--grey-bg); }
.verdict { border-left: 6px solid var(--tone); background: var(--card); }
.verdict-top { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; }
.badge {
  display: inline-block; padding: 3px 10px; border-radius: 999px; font-weight: 700; font-size: 13px;
  letter-spacing: 0.04em; color: var(--tone); background: var(--tone-bg); border: 1px solid var(--tone);
  white-space: nowrap;
}
.badge.big { font-size: 16px; padding: 5px 14px; }
.headline { font-size: 17px; margin: 10px 0 4px; overflow-wrap: anywhere; }
.sub { color: var(--muted); margin: 2px 0 0; overflow-wrap: anywhere; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 10px 18px;
  margin: 14px 0 0; }
.facts div { min-width: 0; }
.facts dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.findings { list-style: none; margin: 0; padding: 0; }
.findings li { display: grid; grid-template-columns: 84px 1fr; gap: 10px; padding: 7px 0;
  border-top: 1px solid var(--grid); }
.findings li:first-child { border-top: 0; }
.findings .code { color: var(--muted); font-size: 12px; }
.findings .message { overflow-wrap: anywhere; }
.pill { display: inline-block; text-align: center; padding: 1px 8px; border-radius: 6px; font-size: 12px;
  font-weight: 600; color: var(--tone); background: var(--tone-bg); }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(110px, 1fr)); gap: 10px; }
.tile { border: 1px solid var(--border); border-radius: 8px; padding: 8px 10px;
  background: var(--tone-bg, transparent); }
.tile .value { font-size: 20px; font-weight: 700; color: var(--tone, var(--text)); overflow-wrap: anywhere; }
.tile .label { font-size: 12px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--grid); vertical-align: top;
  overflow-wrap: break-word; }
td.nowrap { white-space: nowrap; }
td.why { width: 40%; min-width: 16em; }
th { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; background: var(--tone); margin-right: 6px; }
.chart { width: 100%; height: auto; display: block; }
.chart text { fill: var(--text);
  font: 12px system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif; }
.chart .muted { fill: var(--muted); font-size: 11px; }
.chart .step-name { font-weight: 600; font-size: 13px; }
.chart .gridline { stroke: var(--grid); stroke-width: 1; }
.chart .axis { stroke: var(--border); stroke-width: 1; }
.chart .lane { fill: var(--grey-bg); opacity: 0.55; }
.chart .estimate { fill: var(--grey-bg); stroke: var(--muted); stroke-width: 1; stroke-dasharray: 4 3; }
.chart .bar { fill: var(--tone); }
.chart .now { stroke: var(--blue); stroke-width: 1.5; stroke-dasharray: 3 3; }
.legend { display: flex; gap: 16px; flex-wrap: wrap; color: var(--muted); font-size: 12px; margin-top: 6px; }
.swatch { display: inline-block; width: 14px; height: 10px; border-radius: 2px; background: var(--tone);
  margin-right: 5px; vertical-align: -1px; }
.swatch.estimate { background: var(--grey-bg); border: 1px dashed var(--muted); }
.spark { vertical-align: middle; }
.spark rect { fill: var(--amber); }
.spark .track { fill: var(--grey-bg); }
details > summary { cursor: pointer; font-weight: 600; }
details[open] > summary { margin-bottom: 10px; }
pre.raw {
  white-space: pre-wrap; word-break: break-all; background: var(--code-bg); border: 1px solid var(--border);
  border-radius: 8px; padding: 12px; margin: 0 0 12px; line-height: 1.6; max-height: 520px; overflow: auto;
}
mark.repair { background: var(--mark); color: var(--mark-text); border-radius: 3px; padding: 0 1px;
  outline: 2px solid var(--amber); }
mark.repair sup { font: 700 10px/1 system-ui, sans-serif; margin-right: 2px; }
.note { color: var(--muted); font-size: 13px; }
.error-box { border: 1px solid var(--red); background: var(--red-bg); border-radius: 8px; padding: 10px 12px;
  overflow-wrap: anywhere; }
.summary-tiles { display: flex; gap: 10px; flex-wrap: wrap; margin-bottom: 12px; }
.summary-tiles .tile { min-width: 120px; }
footer { color: var(--muted); font-size: 13px; border-top: 1px solid var(--border); padding-top: 12px;
  margin-top: 28px; }
@media (max-width: 640px) { .findings li { grid-template-columns: 1fr; gap: 2px; } }
@media print {
  :root {
    color-scheme: light;
    --bg: #fff; --card: #fff; --text: #000; --muted: #444; --border: #bbb; --grid: #ddd; --code-bg: #fff;
  --mark: #ffe08a;
    --red: #b00020; --red-bg: #fdecec; --green: #1d7a3a; --green-bg: #e5f4ea; --amber: #8a5100; --amber-bg: #fff3dd;
    --blue: #1d5fc2; --blue-bg: #e7effc; --grey: #555; --grey-bg: #f0f0f0; --mark-text: #000;
  }
  body { max-width: none; padding: 0; font-size: 12px; }
  .card { break-inside: avoid; overflow: visible; }
  .instance + .instance { break-before: page; }
  pre.raw { max-height: none; overflow: visible; }
  .screen-only { display: none; }
  details::details-content { content-visibility: visible; display: block; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`.trim()

/** The policy: nothing may load or run; only this style sheet applies; images only from `data:` URLs. */
export const contentSecurityPolicy =
  `default-src 'none'; style-src 'sha256-${createHash("sha256").update(css).digest("base64")}'; ` +
  `img-src data:; base-uri 'none'; form-action 'none'`
