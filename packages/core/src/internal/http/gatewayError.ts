/**
 * Turning a gateway or service error answer into an `ApiError`: reason, readable message and, where the usual cause
 * is known, a hint.
 */
import * as HologresError from "../../HologresError.ts"

/** The gateway's error document; every field is optional because proxies and older gateways vary. */
export interface GatewayError {
  readonly code: string | undefined
  readonly message: string | undefined
  readonly requestId: string | undefined
  readonly hostId: string | undefined
  readonly recommend: string | undefined
}

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value : typeof value === "number" ? String(value) : undefined

/** The gateway error document in a body, or `undefined` when the body is not a JSON object with a `Code`. */
export const parseGatewayError = (body: string): GatewayError | undefined => {
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return undefined
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined
  const record = value as Record<string, unknown>
  const code = text(record.Code ?? record.code)
  if (code === undefined) return undefined
  return {
    code,
    message: text(record.Message ?? record.message),
    requestId: text(record.RequestId ?? record.requestId),
    hostId: text(record.HostId ?? record.hostId),
    recommend: text(record.Recommend ?? record.recommend)
  }
}

/** Sorts an error code (and the HTTP status, when there is no code) into an `ApiErrorReason`. */
export const reasonOf = (code: string | undefined, status: number): HologresError.ApiErrorReason => {
  const c = code ?? ""
  if (c.includes("Throttling")) return "Throttled"
  if (c === "SignatureNonceUsed") return "NonceReused"
  if (c.startsWith("InvalidTimeStamp")) return "ClockSkew"
  if (
    c === "SignatureDoesNotMatch" ||
    c === "IncompleteSignature" ||
    c.startsWith("InvalidAccessKeyId") ||
    c.startsWith("InvalidSecurityToken")
  ) {
    return "Authentication"
  }
  if (c.startsWith("Forbidden") || c.includes("NoPermission") || c.includes("AccessDenied")) return "Permission"
  if (c.includes("NotFound")) return "NotFound"
  if (c.includes("ServiceUnavailable") || c.includes("InternalError")) return "Unavailable"
  if (c !== "") return status >= 500 ? "Unavailable" : "Other"
  if (status === 429) return "Throttled"
  if (status === 401 || status === 403) return "Permission"
  if (status === 404) return "NotFound"
  return status >= 500 ? "Unavailable" : "Other"
}

/** What a hint may draw on besides the error itself. */
export interface HintContext {
  readonly credentialsSource: string
  readonly credentialWarnings: ReadonlyArray<string>
  readonly localTimeMs: number
  readonly serverDate: string | undefined
}

const formatSkew = (localMs: number, serverDate: string | undefined): string => {
  const local = new Date(localMs).toISOString()
  const serverMs = serverDate === undefined ? Number.NaN : Date.parse(serverDate)
  if (Number.isNaN(serverMs)) return `Local time is ${local}; the server sent no usable Date header.`
  const minutes = Math.round((localMs - serverMs) / 60_000)
  const direction =
    minutes === 0 ? "within a minute of it" : `${Math.abs(minutes)} min ${minutes > 0 ? "ahead" : "behind"}`
  return `Local time is ${local}, the server's Date is ${serverDate} (local clock ${direction}).`
}

/** The usual cause of an error, phrased as something to check, or `undefined` when nothing useful can be said. */
export const hintFor = (reason: HologresError.ApiErrorReason, context: HintContext): string | undefined => {
  switch (reason) {
    case "Authentication": {
      const warnings =
        context.credentialWarnings.length === 0 ? "" : ` Noticed: ${context.credentialWarnings.join("; ")}.`
      return (
        `Check the AccessKey pair from ${context.credentialsSource}: a wrong, disabled or deleted key, ` +
        `or a secret pasted with surrounding whitespace or an invisible character, fails this way.${warnings}`
      )
    }
    case "ClockSkew":
      return (
        `The gateway rejects requests whose time is more than 15 minutes off. ` +
        `${formatSkew(context.localTimeMs, context.serverDate)} Synchronise the local clock (NTP).`
      )
    case "Permission":
      return (
        "The RAM user or role lacks permission: attach a policy allowing hologram:GetUpgradeStatus " +
        "on this instance (the Recommend link of the error explains the denial)."
      )
    case "Throttled":
      return "The account's request quota for this API is exhausted for now; call less often or lower the concurrency."
    case "NotFound":
      return "Check the instance id and the region: an instance is only visible through its own region's endpoint."
    default:
      return undefined
  }
}

/** The readable message of an API error, before retry totals are appended. */
export const describe = (fields: {
  readonly httpStatus: number
  readonly code: string | undefined
  readonly apiMessage: string | undefined
  readonly requestId: string | undefined
}): string => {
  const head = fields.code === undefined ? `HTTP ${fields.httpStatus}` : `${fields.code} (HTTP ${fields.httpStatus})`
  const detail = fields.apiMessage === undefined ? "" : `: ${HologresError.excerpt(fields.apiMessage, 300)}`
  const id = fields.requestId === undefined ? "" : ` [request id ${fields.requestId}]`
  return `Hologres API error ${head}${detail}${id}`
}
