/** @holo-upgrade/node: the Hologres client on Node, with the official tools' credential chain and proxy variables. */
export * as CredentialChain from "./CredentialChain.ts"
export * as NodeHologresClient from "./NodeHologresClient.ts"
export * as PromiseClient from "./PromiseClient.ts"
export { createClient } from "./PromiseClient.ts"
