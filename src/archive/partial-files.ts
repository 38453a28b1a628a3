/**
 * The archiver's in-progress downloads: each file is written under its fixed partial name (`.<name>.tgp-partial`)
 * beside its final name and committed atomically (see {@link openAtomicFile}). A crash leaves at most a partial
 * file, which {@link sweepPartialFiles} removes on the next start; a final name only ever holds a complete file and
 * is never replaced.
 */
import type { Dirent } from 'node:fs'
import { readdir, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { fsyncDir, openAtomicFile, type AtomicFile, type AtomicFileOptions } from '../util/atomic-write.js'
import { isPartialName, isUserDirName, partialName } from './layout.js'

/**
 * Starts writing `finalPath` under its partial name (whatever a crash left under it is replaced). Its commit
 * refuses with `FileExistsError` when the final name is taken.
 */
export function openPartialFile(finalPath: string, options: Omit<AtomicFileOptions, 'tempPath'> = {}): Promise<AtomicFile> {
  return openAtomicFile(finalPath, { ...options, tempPath: join(dirname(finalPath), partialName(basename(finalPath))) })
}

/**
 * Removes the partial downloads a crashed run left in the user folders under `out` (only names this module
 * creates: `.<name>.tgp-partial`). Returns how many were removed.
 */
export async function sweepPartialFiles(out: string): Promise<number> {
  let removed = 0
  let entries: Dirent[]
  try {
    entries = await readdir(out, { withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw error
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || !isUserDirName(entry.name)) continue
    const dir = join(out, entry.name)
    let swept = false
    for (const name of await readdir(dir)) {
      if (!isPartialName(name)) continue
      await unlink(join(dir, name))
      removed++
      swept = true
    }
    if (swept) await fsyncDir(dir)
  }
  return removed
}
