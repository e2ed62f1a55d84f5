/**
 * The vocabulary of repairs and the log that records them. Every repair is a kind, an offset into the text the
 * caller passed in, and a severity that says how far the recovered value can be trusted.
 */

/** What was wrong with the text at one place, and so what the parser did about it. */
export type RepairKind =
  | "bom"
  | "garbage-prefix"
  | "trailing-garbage"
  | "markdown-fence"
  | "multiple-documents"
  | "unwrapped-double-encoded"
  | "unwrapped-doubled-quotes"
  | "unescaped-document"
  | "html-entities"
  | "missing-comma"
  | "trailing-comma"
  | "extra-comma"
  | "missing-colon"
  | "fullwidth-punctuation"
  | "missing-closer"
  | "extra-closer"
  | "wrong-closer"
  | "closers-reordered"
  | "unexpected-end"
  | "single-quotes"
  | "smart-quotes"
  | "unquoted-key"
  | "unquoted-string"
  | "unescaped-quote"
  | "missing-end-quote"
  | "unterminated-string"
  | "raw-control-char"
  | "invalid-escape"
  | "truncated-escape"
  | "comment"
  | "ellipsis"
  | "truncation-marker"
  | "non-json-literal"
  | "non-finite-number"
  | "leading-zeros"
  | "number-syntax"
  | "duplicate-key"
  | "missing-value"
  | "missing-key"
  | "skipped-character"

/**
 * How much a repair should lower trust in the value: `syntax` (the value is certainly what was meant), `structure`
 * (structure was added or removed, very likely right), `guess` (an ambiguous decision), `loss` (something is known
 * to be missing).
 */
export type Severity = "syntax" | "structure" | "guess" | "loss"

/** One repair: where it was made, what it mended, and how sure the parser is. */
export interface Repair {
  readonly offset: number
  readonly kind: RepairKind
  readonly severity: Severity
}

/** The usual severity of each kind; a few call sites pass a different one when the situation is clearer. */
export const defaultSeverity: Readonly<Record<RepairKind, Severity>> = {
  bom: "syntax",
  "garbage-prefix": "guess",
  "trailing-garbage": "guess",
  "markdown-fence": "syntax",
  "multiple-documents": "structure",
  "unwrapped-double-encoded": "guess",
  "unwrapped-doubled-quotes": "guess",
  "unescaped-document": "guess",
  "html-entities": "syntax",
  "missing-comma": "structure",
  "trailing-comma": "syntax",
  "extra-comma": "syntax",
  "missing-colon": "structure",
  "fullwidth-punctuation": "syntax",
  "missing-closer": "structure",
  "extra-closer": "structure",
  "wrong-closer": "structure",
  "closers-reordered": "structure",
  "unexpected-end": "loss",
  "single-quotes": "syntax",
  "smart-quotes": "syntax",
  "unquoted-key": "syntax",
  "unquoted-string": "guess",
  "unescaped-quote": "guess",
  "missing-end-quote": "guess",
  "unterminated-string": "loss",
  "raw-control-char": "syntax",
  "invalid-escape": "guess",
  "truncated-escape": "loss",
  comment: "syntax",
  ellipsis: "loss",
  "truncation-marker": "loss",
  "non-json-literal": "syntax",
  "non-finite-number": "loss",
  "leading-zeros": "guess",
  "number-syntax": "syntax",
  "duplicate-key": "loss",
  "missing-value": "loss",
  "missing-key": "loss",
  "skipped-character": "guess"
}

/** Every repair kind, in the order of the table above. */
export const repairKinds = Object.keys(defaultSeverity) as ReadonlyArray<RepairKind>

const severities: ReadonlyArray<Severity> = ["syntax", "structure", "guess", "loss"]

// Tallies are kept in arrays indexed by kind and severity: a repair-heavy text records millions of repairs, and a
// Map lookup plus array increments cost less than updating objects keyed by a varying string.
const kindIndex = new Map<RepairKind, number>(repairKinds.map((kind, index) => [kind, index]))
const severityIndex = new Map<Severity, number>(severities.map((severity, index) => [severity, index]))
const defaultSeverityIndex = repairKinds.map((kind) => severityIndex.get(defaultSeverity[kind])!)

/**
 * Records repairs: keeps the first `cap` in full and counts every one by kind, so a document with thousands of
 * damaged places costs a bounded amount of memory.
 */
export class RepairLog {
  readonly kept: Array<Repair> = []
  private readonly byKind: Array<number> = repairKinds.map(() => 0)
  private readonly bySeverity: Array<number> = [0, 0, 0, 0]
  total = 0

  constructor(readonly cap: number) {}

  add(offset: number, kind: RepairKind, severity?: Severity): void {
    const index = kindIndex.get(kind)!
    const severityAt = severity === undefined ? defaultSeverityIndex[index]! : severityIndex.get(severity)!
    this.total++
    this.byKind[index]!++
    this.bySeverity[severityAt]!++
    if (this.kept.length < this.cap) this.kept.push({ offset, kind, severity: severities[severityAt]! })
  }

  /** Adds the repairs of an inner document, whose offsets `translate` maps back into this log's text. */
  absorb(inner: RepairLog, translate: (offset: number) => number): void {
    for (const repair of inner.kept) {
      if (this.kept.length >= this.cap) break
      this.kept.push({ offset: translate(repair.offset), kind: repair.kind, severity: repair.severity })
    }
    for (let k = 0; k < this.byKind.length; k++) this.byKind[k]! += inner.byKind[k]!
    for (let k = 0; k < this.bySeverity.length; k++) this.bySeverity[k]! += inner.bySeverity[k]!
    this.total += inner.total
  }

  /** An independent copy, to fall back to when a tentative step is abandoned. */
  clone(): RepairLog {
    const copy = new RepairLog(this.cap)
    copy.absorb(this, (offset) => offset)
    return copy
  }

  /** True when at least one repair of this severity was made. */
  has(severity: Severity): boolean {
    return this.bySeverity[severityIndex.get(severity)!]! > 0
  }

  /** How many repairs of each kind were made (kinds that did not occur are left out). */
  counts(): Partial<Record<RepairKind, number>> {
    const counts: Partial<Record<RepairKind, number>> = {}
    repairKinds.forEach((kind, index) => {
      if (this.byKind[index]! > 0) counts[kind] = this.byKind[index]!
    })
    return counts
  }

  /** The kept repairs in offset order (the parser records them almost in order; a stable sort fixes the rest). */
  sorted(): ReadonlyArray<Repair> {
    return this.kept.slice().sort((a, b) => a.offset - b.offset)
  }
}
