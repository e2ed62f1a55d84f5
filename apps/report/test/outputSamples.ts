// Reports the output tests render: the vendor's example, upgrades at each stage, a failed call, and an answer whose
// every text is hostile markup. Each is built through the real decoder and assessment at a fixed clock.
import { readFileSync } from "node:fs"
import { HologresError, UpgradeStatus } from "@holo-upgrade/core"
import { Clock, Effect, Either } from "effect"
import * as Report from "../src/Report.ts"
import { fixture } from "./cli.ts"

/** A moment on the night of the sample upgrades: 10:07:40 UTC, DoUpgrade running for five minutes. */
export const now = Date.parse("2024-03-02T10:07:40Z")

// A clock stopped at `now`, so elapsed and remaining times come out the same on every run.
const stopped: Clock.Clock = {
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: () => now,
  currentTimeMillis: Effect.succeed(now),
  unsafeCurrentTimeNanos: () => BigInt(now) * 1_000_000n,
  currentTimeNanos: Effect.succeed(BigInt(now) * 1_000_000n),
  sleep: () => Effect.void
}

/** Decodes a body and builds its report as `render` does, with the clock at `now`. */
export const reportOf = (body: string, target: Report.Target = {}): Report.InstanceReport =>
  Effect.runSync(
    Effect.gen(function* () {
      const decoded = UpgradeStatus.decodeBodyWithRepairs(body)
      if (Either.isLeft(decoded)) return Report.fromError(decoded.left, target)
      return yield* Report.fromResponse(decoded.right.response, target, decoded.right.repairs)
    }).pipe(Effect.withClock(stopped))
  )

/** A response body holding one record whose `Details` is `details`, serialised into a string as the API does. */
export const body = (record: Record<string, unknown>, details?: unknown): string =>
  JSON.stringify({
    RequestId: "5B1F0C2E-0000-4A1B-9C3D-REQUEST",
    Data: [{ ...record, ...(details === undefined ? {} : { Details: JSON.stringify(details) }) }],
    Success: true,
    HttpStatusCode: "200"
  })

const estimates = { StopInstance: 30, BackupData: 120, UpgradeInstance: 600 }

const flighting = {
  SQLResultStat: { TotalExecuted: 12_400, Exceptions: 0, Incorrect: 0, Slow: 0, DQLSpeedup: 1.4 },
  EstimatedUpgradeTime: estimates
}

const followers = {
  LeaderInstanceId: "hgprmn-cn-leader",
  LeaderInstanceName: "orders primary",
  LeaderInstanceStatus: "Running",
  FollowerInstances: [
    { InstanceId: "hgprmn-cn-f1", InstanceName: "bi readonly", Status: "Running" },
    { InstanceId: "hgprmn-cn-f2", InstanceName: "ops readonly", Status: "Running" }
  ]
}

/** The vendor's documented example: rolled back, four repairs in `Details`, one follower unavailable. */
export const vendor = (): Report.InstanceReport =>
  reportOf(readFileSync(fixture("vendor-example-response.json"), "utf8"), { regionId: "cn-hangzhou" })

/** An upgrade in its DoUpgrade step, five minutes in, on the leader named in `Details`. */
export const running = (instanceId = "hgprmn-cn-orders"): Report.InstanceReport =>
  reportOf(
    body(
      { FromVersion: "r3.1.20", ToVersion: "r3.2.11", Status: "upgrading", PrepareFinishTime: "2024-03-02T09:10:00Z" },
      {
        UpgradePhase: "Upgrade",
        StatusCode: "Running",
        FlightingReport: flighting,
        UpgradingSteps: {
          Stop: { Status: "Success", StartTime: "2024-03-02T10:00:00Z", StopTime: "2024-03-02T10:00:41Z" },
          Backup: { Status: "Success", StartTime: "2024-03-02T10:00:41Z", StopTime: "2024-03-02T10:02:40Z" },
          DoUpgrade: { Status: "Running", StartTime: "2024-03-02T10:02:40Z" }
        },
        Instances: followers
      }
    ),
    { instanceId, regionId: "cn-hangzhou" }
  )

/** An upgrade that went through, steps read from wall-clock times without a zone. */
export const succeeded = (instanceId = "hgprmn-cn-billing"): Report.InstanceReport =>
  reportOf(
    body(
      { FromVersion: "r3.1.20", ToVersion: "r3.2.11", Status: "archived", PrepareFinishTime: "2024-03-01 22:00:00" },
      {
        UpgradePhase: "Upgrade",
        StatusCode: "Success",
        FlightingReport: flighting,
        UpgradingSteps: {
          Stop: { Status: "Success", StartTime: "2024-03-02 02:00:00", StopTime: "2024-03-02 02:00:25" },
          Backup: { Status: "Success", StartTime: "2024-03-02 02:00:25", StopTime: "2024-03-02 02:03:05" },
          DoUpgrade: { Status: "Success", StartTime: "2024-03-02 02:03:05", StopTime: "2024-03-02 02:14:50" }
        },
        Instances: followers
      }
    ),
    { instanceId, regionId: "cn-shanghai" }
  )

/** A record still being prepared: no steps yet, only the estimate. */
export const preparing = (instanceId = "hgprmn-cn-search"): Report.InstanceReport =>
  reportOf(
    body(
      { FromVersion: "r3.1.20", ToVersion: "r3.2.11", Status: "preparing" },
      { UpgradePhase: "Prepare", FlightingReport: { EstimatedUpgradeTime: estimates } }
    ),
    { instanceId, regionId: "cn-beijing" }
  )

/** A call the gateway refused: no record, the error kept. */
export const forbidden = (instanceId = "hgprmn-cn-locked"): Report.InstanceReport =>
  Report.fromError(
    new HologresError.ApiError({
      reason: "Authentication",
      message: "Forbidden.RAM: the caller is not authorised to call GetUpgradeStatus",
      httpStatus: 403,
      code: "Forbidden.RAM",
      apiMessage: "User not authorized to operate on the specified resource.",
      requestId: "7C0A-FORBIDDEN",
      hostId: "hologram.cn-hangzhou.aliyuncs.com",
      recommend: undefined,
      host: "hologram.cn-hangzhou.aliyuncs.com",
      hint: "grant hologram:GetUpgradeStatus in RAM",
      attempts: 1,
      elapsedMs: 120
    }),
    { instanceId, regionId: "cn-hangzhou" }
  )

/** Markup an attacker would like to see run; every text field of the hostile sample carries some. */
export const hostileName = "<img src=x onerror=alert(1)>"

const hostileTexts = [
  hostileName,
  '"><script>alert(2)</script>',
  "</style><svg onload=alert(3)>",
  "' onmouseover='alert(4)",
  "</title><iframe src=javascript:alert(5)>",
  "&lt;b&gt;entity&lt;/b&gt; & `code` | pipe *star* _under_"
]

/** An upgrade whose instance id and every text in the answer and its `Details` is hostile markup. */
export const hostile = (): Report.InstanceReport => {
  const [name, quote, style, attribute, title, entity] = hostileTexts as [string, ...Array<string>]
  return reportOf(
    JSON.stringify({
      RequestId: quote,
      Data: [
        {
          FromVersion: style,
          ToVersion: attribute,
          Status: title,
          // Missing a comma, so the raw text carries a repair mark next to the markup.
          Details: `{"UpgradePhase":${JSON.stringify(entity)} "StatusCode":${JSON.stringify(`${name}Failed`)},"FlightingReport":{"ReadPermissionCheckStat":[{"db":${JSON.stringify(name)},"user":${JSON.stringify(quote)},"schema":${JSON.stringify(style)},"table":${JSON.stringify(attribute)}}],"SegmentFormatStat":[{"Database":${JSON.stringify(title)},"TableUsingSegmentCount":3}]},"UpgradingSteps":{"Stop":{"Status":${JSON.stringify(name)},"StartTime":${JSON.stringify(quote)}}},"Instances":{"LeaderInstanceId":${JSON.stringify(name)},"LeaderInstanceName":${JSON.stringify(quote)},"LeaderInstanceStatus":${JSON.stringify(style)},"FollowerInstances":[{"InstanceId":${JSON.stringify(attribute)},"InstanceName":${JSON.stringify(title)},"Status":${JSON.stringify(entity)}}]}}`
        }
      ],
      Success: true,
      ErrorCode: name,
      ErrorMessage: entity,
      HttpStatusCode: "200"
    }),
    { instanceId: name, regionId: quote }
  )
}

/** Every hostile text, for tests that look for each one shown literally. */
export const hostileStrings: ReadonlyArray<string> = hostileTexts
