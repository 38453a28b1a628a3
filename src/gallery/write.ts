/**
 * The gallery's writes: each page is compared with what is on disk and written only when it differs, through the
 * project's atomic write (temporary name, fsync, rename), so a rebuild that changed nothing writes nothing and a
 * killed build leaves every page either old or new, never half written. Image files are never written here.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { removeIfExists, tempFileWriter, writeFileAtomic } from '../util/atomic-write.js'
import { processAlive } from '../util/process-alive.js'

/** What a build wrote. */
export interface WriteStats {
  /** Files written (new or changed). */
  written: number
  /** Files already on disk with the same content, left untouched. */
  unchanged: number
  /** Bytes written. */
  bytes: number
}

async function sameContent(path: string, data: Buffer): Promise<boolean> {
  try {
    if ((await stat(path)).size !== data.length) return false
    return (await readFile(path)).equals(data)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}

/** Writes gallery files under one root, counting what it wrote. */
export class GalleryWriter {
  readonly stats: WriteStats = { written: 0, unchanged: 0, bytes: 0 }

  constructor(private readonly root: string) {}

  /** Writes `content` at `rel` (relative to the root, `/`-separated) unless the file already holds it. */
  async write(rel: string, content: string): Promise<void> {
    const path = join(this.root, ...rel.split('/'))
    const data = Buffer.from(content, 'utf8')
    if (await sameContent(path, data)) {
      this.stats.unchanged++
      return
    }
    await writeFileAtomic(path, content, { mode: 0o644, dirMode: 0o755 })
    this.stats.written++
    this.stats.bytes += data.length
  }
}

/**
 * Removes the temporary files a killed build left in `dirs` (those of a process that is still running are another
 * build's, in progress). Returns how many were removed.
 */
export async function sweepTemporaryFiles(dirs: readonly string[]): Promise<number> {
  let removed = 0
  for (const dir of dirs) {
    let names: string[]
    try {
      names = await readdir(dir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw error
    }
    for (const name of names) {
      const writer = tempFileWriter(name)
      if (writer === undefined || processAlive(writer)) continue
      await removeIfExists(join(dir, name))
      removed++
    }
  }
  return removed
}

/**
 * Removes the index pages in `pagesDir` (`<n>.html`) that a build with fewer pages no longer links to: a stale page
 * would show users in an order and paging that no longer exist. Returns how many were removed.
 */
export async function removeStalePages(pagesDir: string, pageCount: number): Promise<number> {
  let names: string[]
  try {
    names = await readdir(pagesDir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw error
  }
  let removed = 0
  for (const name of names) {
    const m = /^([0-9]+)\.html$/.exec(name)
    if (m === null || Number(m[1]) <= pageCount) continue
    await removeIfExists(join(pagesDir, name))
    removed++
  }
  return removed
}

/** Runs `task` over `items`, at most `limit` at a time (the writes' fsyncs overlap). */
export async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++] as T)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}
