/**
 * The JSON output: one document with stable keys, in a fixed order, `null` for anything missing (never omitted,
 * never `NaN`), and integers beyond 2^53 written exactly. `details` keeps the API's own field names.
 */
import { type Assessment, type HologresError, JsonWriter, UpgradeDetails, UpgradeStatus } from "@holo-upgrade/core"
import type { InstanceReport, RecordReport } from "../Report.ts"

/** A JSON value as the writers take it: bigints stay exact. */
export type Json = null | boolean | number | bigint | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

const orNull = <A>(value: A | undefined): A | null => (value === undefined ? null : value)

const finite = (value: number | undefined): number | null =>
  value === undefined || !Number.isFinite(value) ? null : value

const timestamp = (value: UpgradeStatus.Timestamp | undefined): Json =>
  value === undefined
    ? null
    : {
        raw: value.raw,
        utc: value.epochMillis === undefined ? null : new Date(value.epochMillis).toISOString(),
        assumedZone: orNull(value.assumedZone)
      }

const findings = (list: ReadonlyArray<Assessment.Finding>): Json =>
  list.map((finding) => ({ severity: finding.severity, code: finding.code, message: finding.message }))

const step = (entry: Assessment.TimelineStep): Json => ({
  step: entry.step,
  status: orNull(entry.status),
  phase: entry.phase,
  start: timestamp(entry.start),
  stop: timestamp(entry.stop),
  durationSeconds: finite(entry.durationSeconds),
  estimatedSeconds: finite(entry.estimatedSeconds)
})

const record = (entry: RecordReport): Json => {
  const { assessment, decoded } = entry
  return {
    fromVersion: orNull(entry.record.FromVersion),
    toVersion: orNull(entry.record.ToVersion),
    status: orNull(entry.record.Status),
    prepareFinishTime: timestamp(entry.record.PrepareFinishTime),
    details: decoded.details === undefined ? null : (UpgradeDetails.encode(decoded.details) as Json),
    detailsRaw: orNull(entry.record.Details) as Json,
    repairs: decoded.repairs.map((repair) => ({ kind: repair.kind, offset: repair.offset, severity: repair.severity })),
    repairTotal: decoded.repairTotal,
    issues: decoded.issues.map((issue) => ({ path: [...issue.path], message: issue.message })),
    verdict: { state: assessment.state, findings: findings(assessment.findings) },
    timeline: assessment.timeline.map(step),
    estimatedUpgradeSeconds: finite(assessment.estimatedUpgradeSeconds),
    remainingSeconds: finite(assessment.remainingSeconds),
    elapsedSeconds: finite(assessment.elapsedSeconds)
  }
}

const error = (value: HologresError.HologresError | undefined): Json =>
  value === undefined ? null : { tag: value._tag, reason: value.reason, message: value.message }

/** One report as a value: the members of `reports` in the document, and each line of `ndjson`. */
export const toReport = (entry: InstanceReport): Json => ({
  instanceId: orNull(entry.instanceId),
  regionId: orNull(entry.regionId),
  requestId: orNull(entry.requestId),
  success: orNull(entry.success),
  httpStatusCode: orNull(entry.httpStatusCode),
  errorCode: orNull(entry.errorCode),
  errorMessage: orNull(entry.errorMessage),
  state: entry.state,
  recordCount: entry.records.length,
  findings: findings(entry.findings),
  error: error(entry.error),
  records: entry.records.map(record)
})

/** The document as a value, before it is written. */
export const toDocument = (reports: ReadonlyArray<InstanceReport>): Json => ({
  reports: reports.map(toReport),
  assumptions: {
    estimatedUpgradeTimeUnit: "seconds",
    zoneOfTimesWithoutZone: `UTC${UpgradeStatus.assumedZone}`
  }
})

/** Renders reports as the JSON document, two-space indented, ending with a newline. */
export const render = (reports: ReadonlyArray<InstanceReport>): string =>
  `${JsonWriter.stringify(toDocument(reports), { indent: 2 })}\n`
