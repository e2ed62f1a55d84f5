/** @holo-upgrade/core: the platform-free heart of holo-upgrade. */

export * as Assessment from "./Assessment.ts"
export * as Credentials from "./Credentials.ts"
export * as HologresClient from "./HologresClient.ts"
export * as HologresError from "./HologresError.ts"
export * as JsonWriter from "./JsonWriter.ts"
export * as PromiseClient from "./PromiseClient.ts"
export * as RetryPolicy from "./RetryPolicy.ts"
export * as Signature from "./Signature.ts"
export * as TolerantJson from "./TolerantJson.ts"
export * as Transport from "./Transport.ts"
export * as UpgradeDetails from "./UpgradeDetails.ts"
export * as UpgradeStatus from "./UpgradeStatus.ts"
