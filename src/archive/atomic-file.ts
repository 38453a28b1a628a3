/**
 * Crash-safe file creation: write under a temporary name in the same folder, fsync, rename to the final name,
 * fsync the folder. A final name therefore only ever holds a complete file, whatever moment the process dies at;
 * a crash leaves at most a partial file under a temporary name, which {@link sweepPartialFiles} removes on the
 * next start.
 *
 * Existing final files are never replaced: {@link AtomicFile.commit} refuses with {@link FileExistsError}.
 */
import type { Dirent } from 'node:fs'
import { lstat, mkdir, open, readdir, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { fsyncDir, removeIfExists } from '../util/atomic-write.js'
import { isPartialName, isUserDirName, partialName } from './layout.js'

export { fsyncDir }

/** Folders with a sync running, and the callers that asked for one since it started. */
const dirSyncs = new Map<string, { resolve: () => void; reject: (error: unknown) => void }[]>()

/**
 * fsyncs `dir` on behalf of every caller that asks while another fsync of it runs: one fsync that starts after all
 * their renames covers them (group commit), so files saved together into one folder share one folder fsync.
 * Resolves once an fsync that started after the call has completed.
 */
export function fsyncDirShared(dir: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const queued = dirSyncs.get(dir)
    if (queued !== undefined) {
      queued.push({ resolve, reject })
      return
    }
    const waiting = [{ resolve, reject }]
    dirSyncs.set(dir, waiting)
    void (async () => {
      while (waiting.length > 0) {
        const batch = waiting.splice(0)
        try {
          await fsyncDir(dir)
          for (const w of batch) w.resolve()
        } catch (error) {
          for (const w of batch) w.reject(error)
        }
      }
      dirSyncs.delete(dir)
    })()
  })
}

/** The steps of {@link AtomicFile.commit}, in order (a test hook can stop between them to simulate a crash). */
export type CommitStep = 'sync' | 'close' | 'rename' | 'sync-dir'

/** Thrown when the final name is already taken: nothing is overwritten. */
export class FileExistsError extends Error {
  override readonly name = 'FileExistsError'

  constructor(readonly path: string) {
    super(`refusing to overwrite existing file ${path}`)
  }
}

/** A file being written under a temporary name. */
export interface AtomicFile {
  /** Where it ends up. */
  readonly finalPath: string
  /** Where it is written meanwhile (same folder). */
  readonly tempPath: string
  /** Bytes written so far. */
  readonly bytesWritten: number
  /** Appends a chunk. */
  write(chunk: Uint8Array): Promise<void>
  /**
   * fsync, close, rename to the final name (never over an existing file), fsync the folder. The file is closed
   * when this returns, whether it succeeded or not.
   */
  commit(): Promise<void>
  /** Closes and removes the temporary file (the final name is untouched). Safe to call after a failed commit. */
  abort(): Promise<void>
}

/** Options of {@link openAtomicFile}. */
export interface AtomicFileOptions {
  /** File mode of the created file. Default `0o644`. */
  mode?: number
  /**
   * Called before each commit step; throwing from it aborts the commit right there, like a crash would (the
   * temporary file is left behind). For tests only. Default: none.
   */
  beforeStep?: (step: CommitStep) => void
}

/** Whether something exists at `path` (without following a symlink). */
export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}

/**
 * Creates `dir` (and parents) if needed; when it had to be created, its parent is fsynced so the new folder
 * itself is durable.
 */
export async function ensureDir(dir: string): Promise<void> {
  if (await exists(dir)) return
  await mkdir(dir, { recursive: true })
  await fsyncDir(dirname(dir))
}

/** Starts writing `finalPath` under its temporary name (a stale temporary file from a crash is truncated). */
export async function openAtomicFile(finalPath: string, options: AtomicFileOptions = {}): Promise<AtomicFile> {
  const dir = dirname(finalPath)
  const tempPath = join(dir, partialName(basename(finalPath)))
  const handle = await open(tempPath, 'w', options.mode ?? 0o644)
  const beforeStep = options.beforeStep ?? ((): void => {})
  let written = 0
  let closed = false
  let committed = false

  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await handle.close()
  }

  return {
    finalPath,
    tempPath,
    get bytesWritten(): number {
      return written
    },
    async write(chunk: Uint8Array): Promise<void> {
      let offset = 0
      while (offset < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset)
        offset += bytesWritten
      }
      written += chunk.length
    },
    async commit(): Promise<void> {
      try {
        beforeStep('sync')
        await handle.sync()
        beforeStep('close')
        await close()
        // rename(2) silently replaces an existing file; the check keeps "never overwrite" (one writer per folder
        // is guaranteed by the run lock, so nothing can appear between the check and the rename).
        if (await exists(finalPath)) throw new FileExistsError(finalPath)
        beforeStep('rename')
        await rename(tempPath, finalPath)
        committed = true
        beforeStep('sync-dir')
        await fsyncDirShared(dir)
      } catch (error) {
        // A failed commit leaves the temporary file where it is (as a crash would) but never its descriptor: a
        // caller that gives up without abort() would otherwise leave the handle to the garbage collector.
        await close().catch(() => undefined)
        throw error
      }
    },
    async abort(): Promise<void> {
      await close()
      if (committed) return
      await removeIfExists(tempPath)
    },
  }
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
