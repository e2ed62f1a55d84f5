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

/**
 * Records repairs: keeps the first `cap` in full and counts every one by kind, so a document with thousands of
 * damaged places costs a bounded amount of memory.
 */
export class RepairLog {
  readonly kept: Array<Repair> = []
  readonly counts: Partial<Record<RepairKind, number>> = {}
  readonly bySeverity: Record<Severity, number> = { syntax: 0, structure: 0, guess: 0, loss: 0 }
  total = 0

  constructor(readonly cap: number) {}

  add(offset: number, kind: RepairKind, severity: Severity = defaultSeverity[kind]): void {
    this.total++
    this.counts[kind] = (this.counts[kind] ?? 0) + 1
    this.bySeverity[severity]++
    if (this.kept.length < this.cap) this.kept.push({ offset, kind, severity })
  }

  /** Adds the repairs of an inner document, whose offsets `translate` maps back into this log's text. */
  absorb(inner: RepairLog, translate: (offset: number) => number): void {
    for (const repair of inner.kept) {
      if (this.kept.length >= this.cap) break
      this.kept.push({ offset: translate(repair.offset), kind: repair.kind, severity: repair.severity })
    }
    for (const kind of Object.keys(inner.counts) as Array<RepairKind>) {
      this.counts[kind] = (this.counts[kind] ?? 0) + (inner.counts[kind] ?? 0)
    }
    for (const severity of Object.keys(inner.bySeverity) as Array<Severity>) {
      this.bySeverity[severity] += inner.bySeverity[severity]
    }
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
    return this.bySeverity[severity] > 0
  }

  /** The kept repairs in offset order (the parser records them almost in order; a stable sort fixes the rest). */
  sorted(): ReadonlyArray<Repair> {
    return this.kept.slice().sort((a, b) => a.offset - b.offset)
  }
}
