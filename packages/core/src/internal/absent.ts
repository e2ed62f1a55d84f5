/** What "nothing" looks like on the wire; re-exported by `UpgradeStatus`. */

/**
 * Whether a wire value means "nothing". Besides `null`, the vendor's upgrade APIs send the literal string `"null"`
 * (once `"null\n"`) and empty strings for fields that have no value.
 */
export const isAbsent = (value: unknown): boolean => {
  if (value === null || value === undefined) return true
  if (typeof value !== "string") return false
  const trimmed = value.trim()
  return trimmed === "" || trimmed === "null"
}
