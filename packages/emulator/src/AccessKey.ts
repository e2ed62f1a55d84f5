/**
 * The key pairs the emulator accepts, the documented demo pair, and the `ID:SECRET[:TOKEN]` notation of the
 * command.
 */
import { Redacted } from "effect"

/** A key pair the emulator accepts; with `securityToken` it is an STS pair and requests must carry that token. */
export interface AccessKey {
  readonly accessKeyId: string
  readonly accessKeySecret: Redacted.Redacted<string>
  readonly securityToken?: Redacted.Redacted<string> | undefined
}

/**
 * The demo pair the emulator accepts when no key is configured. It is public and fake on purpose: it opens nothing
 * but a local emulator, so it may be printed and committed.
 */
export const demo: AccessKey = {
  accessKeyId: "holo-demo-key",
  accessKeySecret: Redacted.make("holo-demo-secret-not-a-real-key")
}

/** A key pair from plain strings. */
export const make = (accessKeyId: string, accessKeySecret: string, securityToken?: string): AccessKey => ({
  accessKeyId,
  accessKeySecret: Redacted.make(accessKeySecret),
  ...(securityToken === undefined ? {} : { securityToken: Redacted.make(securityToken) })
})

/**
 * Parses `ID:SECRET` or `ID:SECRET:TOKEN` (an STS pair); `undefined` when the id or the secret is empty. The token
 * takes the rest of the text, so it may itself contain colons.
 */
export const parse = (text: string): AccessKey | undefined => {
  const first = text.indexOf(":")
  if (first <= 0) return undefined
  const second = text.indexOf(":", first + 1)
  const secret = second === -1 ? text.slice(first + 1) : text.slice(first + 1, second)
  const token = second === -1 ? undefined : text.slice(second + 1)
  if (secret === "" || token === "") return undefined
  return make(text.slice(0, first), secret, token)
}

/** `ID:SECRET[:TOKEN]`, the secret in clear: for the emulator's own banner, since these keys are local test keys. */
export const show = (key: AccessKey): string =>
  [
    key.accessKeyId,
    Redacted.value(key.accessKeySecret),
    ...(key.securityToken === undefined ? [] : [Redacted.value(key.securityToken)])
  ].join(":")
