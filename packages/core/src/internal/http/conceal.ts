/**
 * Keeping the key's secret parts out of what a server says. Gateways echo request material back: a signature
 * mismatch answers with the server's string to sign, which for V1 (and the emulator's V3 canonical request) holds
 * `x-acs-security-token`. Whatever the body says becomes error messages, reports and logs, so the secret and the STS
 * token are blanked out of it before anything reads it.
 */
import { Redacted } from "effect"
import type * as Credentials from "../../Credentials.ts"

/** What stands where a secret was. */
export const placeholder = "‹redacted›"

// A value this short could occur in any text by chance; blanking it would garble answers and protect nothing.
const shortest = 8

/** The spellings a server may echo a value in: as sent (headers are trimmed), and escaped inside a JSON string. */
const spellings = (value: string): ReadonlyArray<string> => {
  const trimmed = value.trim()
  const escaped = JSON.stringify(trimmed).slice(1, -1)
  return [value, trimmed, escaped, escaped.replaceAll("/", "\\/")]
}

/** A function blanking out the secret and the STS token of `credentials` wherever a text repeats them. */
export const concealer = (credentials: Credentials.Service): ((text: string) => string) => {
  const secrets = [credentials.accessKeySecret, credentials.securityToken].flatMap((secret) =>
    secret === undefined ? [] : [Redacted.value(secret)]
  )
  // Longest first, so a spelling that contains another is replaced whole.
  const forms = [...new Set(secrets.flatMap(spellings))]
    .filter((form) => form.length >= shortest)
    .sort((a, b) => b.length - a.length)
  if (forms.length === 0) return (text) => text
  return (text) => {
    let out = text
    for (const form of forms) if (out.includes(form)) out = out.replaceAll(form, placeholder)
    return out
  }
}
