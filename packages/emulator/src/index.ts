/** @holo-upgrade/emulator: a local, signature-checking emulator of Hologres `GetUpgradeStatus`. */
export * as AccessKey from "./AccessKey.ts"
export * as Emulator from "./Emulator.ts"
export { startEmulator } from "./Emulator.ts"
export * as EmulatorError from "./EmulatorError.ts"
export * as Fault from "./Fault.ts"
export * as RequestLog from "./RequestLog.ts"
export * as Scenario from "./Scenario.ts"
