/** Received headers in the shape a `Transport` reports them. */

/** One string per header name; repeated values (as Node and undici give them, in arrays) joined with `, `. */
export const flatHeaders = (headers: Record<string, string | Array<string> | undefined>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const name in headers) {
    const value = headers[name]
    if (value !== undefined) out[name] = typeof value === "string" ? value : value.join(", ")
  }
  return out
}
