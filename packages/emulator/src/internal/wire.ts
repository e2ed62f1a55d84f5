/**
 * The bodies the emulator writes: `GetUpgradeStatus` answers (well-formed, or with `Details` broken and types drifted
 * on purpose), the gateway's error document and a proxy's HTML error page. Bodies are built as text, because several
 * of them are deliberately not what `JSON.stringify` would produce.
 */
import type { Frame, Plan, StepName, StepState } from "./timeline.ts"

/** How scenario time maps onto the answer: the request id, wall-clock ms of a scenario second, the time scale. */
export interface RenderContext {
  readonly requestId: string
  readonly wallOf: (scenarioSeconds: number) => number
  readonly timeScale: number
}

const bigIntegerMarker = "\u0000big-integer\u0000"
/** 2^53 + 1: the smallest integer a float64 cannot hold, so a careless parser changes it. */
const bigInteger = "9007199254740993"

const pad = (value: number) => String(value).padStart(2, "0")

/** The console's zone-less `YYYY-MM-DD HH:mm:ss`, in UTC+8 like the console shows it. */
const plainTime = (ms: number): string => {
  const d = new Date(ms + 8 * 3600_000)
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  )
}

const timeOf = (plan: Plan, context: RenderContext) => (seconds: number) => {
  const ms = context.wallOf(seconds)
  return plan.drift.has("plain-times") ? plainTime(ms) : new Date(ms).toISOString()
}

// Served estimates are in wall-clock seconds, so a client's ETA matches what it will observe under `timeScale`.
const estimate = (seconds: number, context: RenderContext) => Math.max(1, Math.ceil(seconds / context.timeScale))

const flightingReport = (plan: Plan, context: RenderContext) => {
  const EstimatedUpgradeTime = {
    StopInstance: estimate(plan.estimates.Stop, context),
    BackupData: estimate(plan.estimates.Backup, context),
    UpgradeInstance: estimate(plan.estimates.DoUpgrade, context)
  }
  switch (plan.flighting) {
    case "clean":
      return {
        SQLResultStat: { TotalExecuted: 12000, Exceptions: 0, Incorrect: 0, Slow: 0, DQLSpeedup: 1.4 },
        SegmentFormatStat: [],
        EstimatedUpgradeTime,
        ReadPermissionCheckStat: []
      }
    case "regressions":
      return {
        SQLResultStat: { TotalExecuted: 15000, Exceptions: 14, Incorrect: 3, Slow: 27, DQLSpeedup: 0.8 },
        SegmentFormatStat: [{ Database: "sales", TableUsingSegmentCount: 12 }],
        EstimatedUpgradeTime,
        ReadPermissionCheckStat: [{ db: "sales", user: "bi_reader", schema: "public", table: "orders_2024" }]
      }
    case "vendor":
      return {
        SQLResultStat: { TotalExecuted: 9000, Exceptions: 0, Incorrect: 1, Slow: 1, DQLSpeedup: 2 },
        SegmentFormatStat: [
          { Database: "test_db", TableUsingSegmentCount: 5 },
          { Database: "user_order", TableUsingSegmentCount: 7 }
        ],
        EstimatedUpgradeTime,
        ReadPermissionCheckStat: [
          { db: "tst0", user: "v4_300433463265624129", schema: "dim_db", table: "it_rpt_org_tree_info_partition_all" },
          { db: "tst1", user: "v4_300433463265624129", schema: "dim_db", table: "it_rpt_org_tree_info_partition_all_2" }
        ]
      }
  }
}

const stepDocument = (state: StepState, time: (seconds: number) => string) => ({
  Status: state.status,
  StartTime: time(state.start),
  ...(state.stop === undefined ? {} : { StopTime: time(state.stop) })
})

/** The `Details` document of a frame, as an object. */
export const detailsDocument = (plan: Plan, frame: Frame, context: RenderContext) => {
  const time = timeOf(plan, context)
  const stepEntries = Object.entries(frame.steps) as Array<[StepName | "Rollback", StepState]>
  return {
    UpgradePhase: frame.phase,
    StatusCode: frame.statusCode,
    ...(frame.prepareFinish === undefined ? {} : { FlightingReport: flightingReport(plan, context) }),
    ...(stepEntries.length === 0
      ? {}
      : { UpgradingSteps: Object.fromEntries(stepEntries.map(([name, state]) => [name, stepDocument(state, time)])) }),
    Instances: {
      LeaderInstanceId: plan.id,
      LeaderInstanceName: plan.name,
      LeaderInstanceStatus: frame.leaderStatus,
      FollowerInstances: plan.followers.map((follower) => ({
        InstanceId: follower.id,
        InstanceName: follower.name,
        Status: follower.unavailable && frame.followersDown ? "Unavailable" : "Running"
      }))
    }
  }
}

type Document = ReturnType<typeof detailsDocument>

/** Commas and closing brackets outside string literals, with the character before each: the places defects go. */
const structuralMarks = (text: string) => {
  const marks: Array<{ readonly at: number; readonly char: string; readonly before: string }> = []
  let inString = false
  for (let at = 0; at < text.length; at++) {
    const char = text[at]!
    if (inString) {
      if (char === "\\") at++
      else if (char === '"') inString = false
    } else if (char === '"') inString = true
    else if (char === "," || char === "]" || char === "}") marks.push({ at, char, before: text[at - 1] ?? "" })
  }
  return marks
}

const removeAt = (text: string, positions: ReadonlyArray<number>) =>
  [...positions].sort((a, b) => b - a).reduce((out, at) => out.slice(0, at) + out.slice(at + 1), text)

const insertCommaBefore = (text: string, positions: ReadonlyArray<number>) =>
  [...positions].sort((a, b) => b - a).reduce((out, at) => `${out.slice(0, at)},${out.slice(at)}`, text)

/** Drops commas like the vendor's example does: after a number, after an object, and after a string value. */
const dropCommas = (text: string) => {
  const commas = structuralMarks(text).filter((mark) => mark.char === ",")
  const afterNumber = commas.find((mark) => /[0-9]/.test(mark.before))
  const afterObject = commas.find((mark) => mark.before === "}")
  const afterString = [...commas].reverse().find((mark) => mark.before === '"')
  return removeAt(
    text,
    [afterNumber, afterObject, afterString].flatMap((mark) => (mark === undefined ? [] : [mark.at]))
  )
}

/** Adds a trailing comma before the first `]` that closes a non-empty array of objects, as the vendor's example has. */
const trailingArrayComma = (text: string) => {
  const close = structuralMarks(text).find((mark) => mark.char === "]" && mark.before === "}")
  return close === undefined ? text : insertCommaBefore(text, [close.at])
}

const trailingObjectComma = (text: string) => {
  const close = structuralMarks(text).find((mark) => mark.char === "}" && mark.before === "}")
  return close === undefined ? text : insertCommaBefore(text, [close.at])
}

/** Reshapes the parts a decoder is most likely to trust: steps as a list, counters and estimates as strings. */
const wrongShape = (document: Document): unknown => {
  const { UpgradingSteps, FlightingReport, Instances, ...rest } = document as Document & {
    UpgradingSteps?: Record<string, unknown>
    FlightingReport?: ReturnType<typeof flightingReport>
  }
  return {
    ...rest,
    ...(FlightingReport === undefined
      ? {}
      : {
          FlightingReport: {
            ...FlightingReport,
            SQLResultStat: { ...FlightingReport.SQLResultStat, TotalExecuted: "many" },
            EstimatedUpgradeTime: Object.fromEntries(
              Object.entries(FlightingReport.EstimatedUpgradeTime).map(([key, value]) => [key, `${value}s`])
            )
          }
        }),
    ...(UpgradingSteps === undefined
      ? {}
      : { UpgradingSteps: Object.entries(UpgradingSteps).map(([Name, step]) => ({ Name, ...(step as object) })) }),
    Instances: { ...Instances, FollowerInstances: Instances.FollowerInstances[0] ?? null }
  }
}

/** The value of the `Details` field for a frame, broken as the plan says. */
const detailsValue = (plan: Plan, frame: Frame, context: RenderContext): unknown => {
  const document = detailsDocument(plan, frame, context)
  const text = JSON.stringify(document)
  switch (plan.details) {
    case "none":
      return text
    case "missing-commas":
      return dropCommas(text)
    case "trailing-commas":
      return trailingObjectComma(trailingArrayComma(text))
    case "vendor":
      return trailingArrayComma(dropCommas(text))
    case "truncated":
      return text.slice(0, Math.floor(text.length * 0.6))
    case "not-json":
      return "Internal error, details are not available."
    case "double-encoded":
      return JSON.stringify(text)
    case "object":
      return document
    case "null":
      return null
    case "empty":
      return ""
    case "wrong-shape":
      return JSON.stringify(wrongShape(document))
  }
}

/** The full `GetUpgradeStatus` answer for an instance at a frame (`undefined`: no upgrade record). */
export const upgradeStatusBody = (plan: Plan, frame: Frame | undefined, context: RenderContext): string => {
  const drift = plan.drift
  const nullish = drift.has("null-strings")
  const time = timeOf(plan, context)
  const record =
    frame === undefined
      ? undefined
      : {
          FromVersion: plan.fromVersion,
          ToVersion: plan.toVersion,
          Status: frame.status,
          Details: detailsValue(plan, frame, context),
          ...(frame.prepareFinish !== undefined
            ? { PrepareFinishTime: time(frame.prepareFinish) }
            : nullish
              ? { PrepareFinishTime: "null" }
              : {}),
          ...(drift.has("extra-fields") ? { TaskState: "RUNNING" } : {}),
          ...(drift.has("big-integers") ? { TaskId: bigIntegerMarker } : {})
        }
  const data = drift.has("data-object") ? record : record === undefined ? [] : [record]
  const vendorErrors = drift.has("vendor-error-fields")
  const body = {
    RequestId: context.requestId,
    ...(data === undefined ? {} : { Data: data }),
    Success: drift.has("string-success") ? "true" : true,
    ErrorCode: vendorErrors ? "404" : nullish ? "null" : "",
    ErrorMessage: vendorErrors ? "Internal server error." : nullish ? "null\n" : "",
    HttpStatusCode: drift.has("number-http-status") ? 200 : "200",
    ...(drift.has("extra-fields") ? { TraceId: context.requestId.toLowerCase() } : {})
  }
  return JSON.stringify(body).replace(JSON.stringify(bigIntegerMarker), bigInteger)
}

/** The gateway's error document, field order as the gateway writes it. */
export const gatewayErrorBody = (error: {
  readonly requestId: string
  readonly hostId: string
  readonly code: string
  readonly message: string
  readonly accessDeniedDetail?: Readonly<Record<string, string>> | undefined
}): string =>
  JSON.stringify({
    RequestId: error.requestId,
    HostId: error.hostId,
    Code: error.code,
    Message: error.message,
    Recommend:
      `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}` +
      `&product=hologram&requestId=${error.requestId}`,
    ...(error.accessDeniedDetail === undefined ? {} : { AccessDeniedDetail: error.accessDeniedDetail })
  })

/** The HTML page a reverse proxy answers with when the service behind it is down. */
export const badGatewayPage =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n" +
  "<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n"
