/**
 * The report model every command renders: one `InstanceReport` per instance, holding its decoded records (latest
 * first) with their assessments, or the error that stopped the call. `render` builds one from a saved body; `status`
 * and `watch` build them from live calls; the renderers and exit codes only ever see this model.
 */
import { Assessment, HologresError, UpgradeDetails, type UpgradeStatus } from "@holo-upgrade/core"
import { Effect } from "effect"

/** One upgrade record with its decoded `Details` and its assessment. */
export interface RecordReport {
  readonly record: UpgradeStatus.UpgradeRecord
  readonly decoded: UpgradeDetails.Decoded
  readonly assessment: Assessment.Assessment
}

/** Which instance a report is about, when known (a saved body does not name its instance). */
export interface Target {
  readonly instanceId?: string | undefined
  readonly regionId?: string | undefined
}

/** Everything known about one instance's upgrade. */
export interface InstanceReport {
  readonly instanceId: string | undefined
  readonly regionId: string | undefined
  readonly requestId: string | undefined
  readonly success: boolean | undefined
  readonly httpStatusCode: number | undefined
  readonly errorCode: string | undefined
  readonly errorMessage: string | undefined
  /** Latest first, by `PrepareFinishTime`. */
  readonly records: ReadonlyArray<RecordReport>
  /** The verdict of the latest record; `no-record` without one; `unknown` when the call itself failed. */
  readonly state: Assessment.State
  /** Findings about the answer as a whole (the call's own outcome, several records, a repaired body). */
  readonly findings: ReadonlyArray<Assessment.Finding>
  /** The error that stopped the call, when it failed; `records` is then empty. */
  readonly error: HologresError.HologresError | undefined
}

const isHttpOk = (code: number | undefined): boolean => code === undefined || (code >= 200 && code < 300)

/** Whether the call behind a report failed: an error, `Success: false`, or a non-2xx `HttpStatusCode` in the body. */
export const callFailed = (report: InstanceReport): boolean =>
  report.error !== undefined || report.success === false || !isHttpOk(report.httpStatusCode)

// `ErrorCode 404 ("Internal server error.")`, or whichever of the two fields is there.
const errorFields = (response: UpgradeStatus.Response): string => {
  const message = response.ErrorMessage === undefined ? undefined : JSON.stringify(response.ErrorMessage)
  if (response.ErrorCode === undefined) return `ErrorMessage ${message}`
  return `ErrorCode ${response.ErrorCode}${message === undefined ? "" : ` (${message})`}`
}

const answerFindings = (
  response: UpgradeStatus.Response,
  repairs: ReadonlyArray<{ readonly kind: string }>
): Array<Assessment.Finding> => {
  const findings: Array<Assessment.Finding> = []
  const error = [response.ErrorCode, response.ErrorMessage].filter((part) => part !== undefined).join(": ")
  if (response.Success === false || !isHttpOk(response.HttpStatusCode)) {
    findings.push({
      severity: "critical",
      code: "call-unsuccessful",
      message:
        `The call did not succeed (Success ${response.Success ?? "absent"}, ` +
        `HttpStatusCode ${response.HttpStatusCode ?? "absent"})${error ? `: ${error}` : ""}`
    })
  } else if (error !== "") {
    findings.push({
      severity: "info",
      code: "error-fields-ignored",
      message:
        `The answer also carries ${errorFields(response)}, ` +
        `which the API treats as informational when the call succeeds`
    })
  }
  if (response.Data.length > 1) {
    findings.push({
      severity: "info",
      code: "several-records",
      message:
        `${response.Data.length} upgrade records; ` +
        `the latest (by PrepareFinishTime) comes first and decides the verdict`
    })
  }
  if (repairs.length > 0) {
    findings.push({
      severity: "warning",
      code: "answer-repaired",
      message:
        `The answer itself was not valid JSON; repaired: ` +
        `${[...new Set(repairs.map((repair) => repair.kind))].join(", ")}`
    })
  }
  return findings
}

/**
 * Builds the report of one decoded answer: decodes every record's `Details`, assesses each record at the Clock's
 * now, and orders them latest first. `repairs` are those the outer document needed, if any.
 */
export const fromResponse = (
  response: UpgradeStatus.Response,
  target: Target = {},
  repairs: ReadonlyArray<{ readonly kind: string }> = []
): Effect.Effect<InstanceReport> =>
  Effect.gen(function* () {
    const records = yield* Effect.forEach(Assessment.latestFirst(response.Data), (record) => {
      const decoded = UpgradeDetails.decode(record.Details)
      return Assessment.assess({ record, decoded }).pipe(
        Effect.map((assessment): RecordReport => ({ record, decoded, assessment })),
        Effect.tap(() =>
          decoded.repairTotal > 0 || decoded.issues.length > 0
            ? Effect.logDebug("Details needed repairs", {
                repairs: decoded.repairs.map((repair) => `${repair.kind}@${repair.offset}`),
                issues: decoded.issues.map((issue) => issue.path.join("."))
              })
            : Effect.void
        )
      )
    })
    const latest = records[0]
    const findings = answerFindings(response, repairs)
    const failed = findings.some((finding) => finding.code === "call-unsuccessful")
    return {
      // A saved body does not name its instance; the leader named in the latest Details is the upgraded one.
      instanceId: target.instanceId ?? latest?.decoded.details?.Instances?.LeaderInstanceId,
      regionId: target.regionId,
      requestId: response.RequestId,
      success: response.Success,
      httpStatusCode: response.HttpStatusCode,
      errorCode: response.ErrorCode,
      errorMessage: response.ErrorMessage,
      records,
      state: failed ? "unknown" : (latest?.assessment.state ?? "no-record"),
      findings,
      error: undefined
    }
  })

/** The report of an instance whose call failed. */
export const fromError = (error: HologresError.HologresError, target: Target = {}): InstanceReport => ({
  instanceId: target.instanceId,
  regionId: target.regionId,
  requestId: error._tag === "HologresApiError" ? error.requestId : undefined,
  success: undefined,
  httpStatusCode: error._tag === "HologresApiError" ? error.httpStatus : undefined,
  errorCode: error._tag === "HologresApiError" ? error.code : undefined,
  errorMessage: error._tag === "HologresApiError" ? error.apiMessage : undefined,
  records: [],
  state: "unknown",
  findings: [{ severity: "critical", code: "call-failed", message: describeError(error) }],
  error
})

/** A one-line account of an error: its message, what was found, and the hint when there is one, as its own sentence. */
export const describeError = (error: HologresError.HologresError): string => {
  switch (error._tag) {
    case "HologresDecodeError":
      return error.excerpt !== "" && !error.message.includes(error.excerpt)
        ? `${error.message}; found: ${error.excerpt}`
        : error.message
    case "HologresApiError":
      return error.hint !== undefined ? `${sentence(error.message)} Hint: ${error.hint}` : error.message
    default:
      return error.message
  }
}

// A message ends with a full stop before a hint follows it.
const sentence = (text: string): string => (/[.!?]$/.test(text.trimEnd()) ? text.trimEnd() : `${text.trimEnd()}.`)

/** Whether a value is one of the core's tagged errors. */
export const isHologresError = (value: unknown): value is HologresError.HologresError =>
  value instanceof HologresError.RequestError ||
  value instanceof HologresError.ApiError ||
  value instanceof HologresError.DecodeError ||
  value instanceof HologresError.ConfigError
