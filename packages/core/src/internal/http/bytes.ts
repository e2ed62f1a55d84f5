/** Bytes of a body as they arrive in parts: the whole as text, and the start of it for an excerpt. */

/** How much of a refused body is kept: far more than an excerpt shows, so a secret starting in it can be concealed. */
const headBytes = 16 * 1024

/** The first `size` bytes of `parts`, in one array (the part itself when there is only one). */
const joinBytes = (parts: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  if (parts.length === 1 && parts[0]!.byteLength <= size) return parts[0]!
  const all = new Uint8Array(size)
  let offset = 0
  for (const part of parts) {
    if (offset >= size) break
    const piece = part.subarray(0, size - offset)
    all.set(piece, offset)
    offset += piece.byteLength
  }
  return all.subarray(0, offset)
}

/** The parts as UTF-8 text. */
export const textOf = (parts: ReadonlyArray<Uint8Array>, size: number): string =>
  new TextDecoder("utf-8").decode(joinBytes(parts, size))

/** The first `headBytes` of the parts as UTF-8 text. */
export const headOf = (parts: ReadonlyArray<Uint8Array>): string => {
  let size = 0
  for (const part of parts) size += part.byteLength
  return textOf(parts, Math.min(size, headBytes))
}
