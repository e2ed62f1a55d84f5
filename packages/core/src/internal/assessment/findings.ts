/**
 * Findings read from the parts of `Details` that do not decide the verdict: the flighting replay, the pre-upgrade
 * checks, the instances, the estimate and how well `Details` itself could be read.
 */
import type * as UpgradeDetails from "../../UpgradeDetails.ts"

/** How much a finding matters: `critical` means the upgrade is not where it should be. */
export type Severity = "info" | "warning" | "critical"

/** One observation about an upgrade, with a stable `code` programs can match on. */
export interface Finding {
  readonly severity: Severity
  readonly code: string
  readonly message: string
}

type Count = number | bigint

/** `n thing` or `n things`. */
export const plural = (count: Count, one: string, many = `${one}s`): string =>
  `${count} ${count === 1 || count === 1n ? one : many}`

const isPositive = (count: Count | undefined): count is Count => count !== undefined && count > 0

// Summed exactly, whatever the sizes: a number only when the total is one a double holds exactly.
const sum = (counts: ReadonlyArray<Count>): Count => {
  const total = counts.reduce<bigint>((sum, count) => sum + BigInt(count), 0n)
  return Number.isSafeInteger(Number(total)) ? Number(total) : total
}

const listed = (items: ReadonlyArray<string>, limit = 5): string =>
  items.length <= limit ? items.join(", ") : `${items.slice(0, limit).join(", ")} and ${items.length - limit} more`

/** The leader's and followers' health: anything but `Running` is reported. */
export const instanceFindings = (details: UpgradeDetails.Details | undefined): Array<Finding> => {
  const instances = details?.Instances
  if (instances === undefined) return []
  const findings: Array<Finding> = []
  const leaderStatus = instances.LeaderInstanceStatus
  if (leaderStatus !== undefined && leaderStatus.trim().toLowerCase() !== "running") {
    const name = instances.LeaderInstanceName ?? instances.LeaderInstanceId ?? "the leader"
    const id = instances.LeaderInstanceId !== undefined && name !== instances.LeaderInstanceId
    findings.push({
      severity: "critical",
      code: "leader-not-running",
      message: `The leader instance ${name}${id ? ` (${instances.LeaderInstanceId})` : ""} is ${leaderStatus}`
    })
  }
  const down = (instances.FollowerInstances ?? []).filter(
    (follower) => follower.Status !== undefined && follower.Status.trim().toLowerCase() !== "running"
  )
  if (down.length > 0) {
    const names = down.map((follower) => {
      const name = follower.InstanceName ?? follower.InstanceId ?? "unnamed"
      const id = follower.InstanceId !== undefined && follower.InstanceId !== name ? ` (${follower.InstanceId})` : ""
      return `${name}${id} is ${follower.Status}`
    })
    findings.push({
      severity: "warning",
      code: "follower-unavailable",
      message:
        `${down.length === 1 ? "A read-only follower is" : `${down.length} read-only followers are`} ` +
        `not running: ${listed(names)}`
    })
  }
  return findings
}

/** The flighting replay, the read-permission check and the segment-format tables. */
export const flightingFindings = (
  details: UpgradeDetails.Details | undefined,
  toVersion: string | undefined
): Array<Finding> => {
  const report = details?.FlightingReport
  if (report === undefined) return []
  const findings: Array<Finding> = []
  const stat = report.SQLResultStat
  if (stat !== undefined) {
    const replayed = stat.TotalExecuted !== undefined ? ` of ${plural(stat.TotalExecuted, "query", "queries")}` : ""
    const target = toVersion !== undefined ? ` on ${toVersion}` : ""
    const speedup = stat.DQLSpeedup !== undefined ? `; read queries ran ${stat.DQLSpeedup}× as fast` : ""
    const problems = [
      isPositive(stat.Incorrect) ? `${plural(stat.Incorrect, "query")} with a different result` : undefined,
      isPositive(stat.Slow) ? `${plural(stat.Slow, "slower query", "slower queries")}` : undefined,
      isPositive(stat.Exceptions) ? `${plural(stat.Exceptions, "query")} failing with an exception` : undefined
    ].filter((problem) => problem !== undefined)
    if (problems.length > 0) {
      findings.push({
        severity: "warning",
        code: "flighting-regressions",
        message: `The flighting replay${replayed}${target} found ${problems.join(", ")}${speedup}`
      })
    } else if (stat.TotalExecuted !== undefined) {
      findings.push({
        severity: "info",
        code: "flighting-clean",
        message: `The flighting replay${replayed}${target} found no incorrect, slow or failing query${speedup}`
      })
    }
  }
  const flagged = report.ReadPermissionCheckStat ?? []
  if (flagged.length > 0) {
    const objects = flagged.map((item) => {
      const name = [item.db, item.schema, item.table].filter((part) => part !== undefined).join(".") || "unnamed"
      return item.user !== undefined ? `${name} (user ${item.user})` : name
    })
    findings.push({
      severity: "warning",
      code: "read-permission",
      message: `${plural(flagged.length, "object")} failed the read-permission check: ${listed(objects)}`
    })
  }
  const databases = (report.SegmentFormatStat ?? []).filter((entry) => isPositive(entry.TableUsingSegmentCount))
  if (databases.length > 0) {
    const total = sum(databases.map((entry) => entry.TableUsingSegmentCount as Count))
    const each = databases.map((entry) => `${entry.Database ?? "unnamed"} ${entry.TableUsingSegmentCount}`)
    findings.push({
      severity: "warning",
      code: "segment-format",
      message:
        `${plural(total, "table")} in ${plural(databases.length, "database")} ` +
        `still use the segment storage format: ${listed(each)}`
    })
  }
  return findings
}

/** How well `Details` could be read: absent, repaired, or with parts that failed to decode. */
export const decodingFindings = (decoded: UpgradeDetails.Decoded, detailsSent: boolean): Array<Finding> => {
  const findings: Array<Finding> = []
  if (!detailsSent) {
    findings.push({
      severity: "warning",
      code: "details-missing",
      message: "The record carries no Details, so the verdict rests on its Status alone"
    })
  }
  if (decoded.repairTotal > 0) {
    const summary = Object.entries(decoded.repairCounts)
      .map(([kind, count]) => `${kind} ×${count}`)
      .join(", ")
    const doubtful = decoded.repairs.some((repair) => repair.severity === "guess" || repair.severity === "loss")
    findings.push({
      severity: doubtful ? "warning" : "info",
      code: "details-repaired",
      message:
        `Details was not valid JSON; ${plural(decoded.repairTotal, "repair")} made (${summary})` +
        `${doubtful ? ", some of them guesses or with data lost" : ""}`
    })
  }
  if (decoded.issues.length > 0) {
    const parts = decoded.issues.map((issue) => `${issue.path.join(".") || "Details"}: ${issue.message}`)
    findings.push({
      severity: "warning",
      code: "details-issues",
      message:
        `${plural(decoded.issues.length, "part")} of Details could not be read and ` +
        `${decoded.issues.length === 1 ? "was" : "were"} left out: ${listed(parts, 3)}`
    })
  }
  return findings
}
