// Home directories holding credential files, for tests of the command's credential chain.
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { emptyHome } from "./spawn.ts"

/** A fresh home directory holding the given files (paths relative to it); the caller removes it. */
export const homeWith = (files: Readonly<Record<string, string>>): string => {
  const home = emptyHome()
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(home, path)), { recursive: true })
    writeFileSync(join(home, path), text)
  }
  return home
}
