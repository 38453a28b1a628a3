/**
 * Crash-safe file writes, the one place that does them: write under a temporary name in the target's folder, fsync,
 * rename (or link) to the final name, fsync the folder. A final name therefore only ever holds a complete file,
 * whatever moment the process dies at; a crash leaves at most a file under a temporary name.
 *
 * Two shapes: {@link openAtomicFile} streams a file of any size (downloads), {@link writeFileAtomic} replaces a small
 * file in one call (sessions, the entity cache). Neither overwrites a final file unless told to.
 */
import { constants, type BigIntStats } from 'node:fs'
import { link, lstat, mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { tempPathFor } from './temp-name.js'

export { tempFileWriter, tempPathFor } from './temp-name.js'

/** Removes the file at `path`; one that is already gone is fine. */
export async function removeIfExists(path: string): Promise<void> {
  try {
    await unlink(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
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

/** fsyncs a directory so a rename or creation inside it survives a power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined
  try {
    handle = await open(dir, constants.O_RDONLY)
    await handle.sync()
  } catch (error) {
    // Windows cannot open or fsync a directory; its renames are already durable enough there.
    if (process.platform !== 'win32') throw error
  } finally {
    await handle?.close()
  }
}

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

/**
 * Creates `dir` (and parents) if needed; every folder it had to create is made durable by fsyncing the folder it
 * was created in.
 */
export async function ensureDir(dir: string, mode?: number): Promise<void> {
  if (await exists(dir)) return
  const first = await mkdir(dir, { recursive: true, ...(mode !== undefined ? { mode } : {}) })
  // mkdir -p names the first folder it created; undefined when another process created them all meanwhile.
  if (first === undefined) return
  const top = resolve(first)
  for (let created = resolve(dir); ; created = dirname(created)) {
    await fsyncDir(dirname(created))
    if (created === top || dirname(created) === created) return
  }
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

/** Options of {@link AtomicFile.commit}. */
export interface CommitOptions {
  /** The final name, in the temporary file's folder. Default: the `finalPath` the file was opened with. */
  readonly path?: string
  /** Replace a file already at the final name instead of refusing with {@link FileExistsError}. Default false. */
  readonly replace?: boolean
}

/** A file being written under a temporary name. */
export interface AtomicFile {
  /** Where it ends up unless {@link CommitOptions.path} says otherwise. */
  readonly finalPath: string
  /** Where it is written meanwhile (same folder). */
  readonly tempPath: string
  /** Bytes written so far. */
  readonly bytesWritten: number
  /** Appends a chunk. */
  write(chunk: Uint8Array): Promise<void>
  /** Discards everything written so far; the next chunk starts the file again. */
  restart(): Promise<void>
  /** The written file's status (its inode, size and modification time tell it apart from a later file). */
  stat(): Promise<BigIntStats>
  /**
   * fsync, close, move to the final name (never over an existing file unless `replace`), fsync the folder.
   * Resolves to the final path. The file is closed when this returns, whether it succeeded or not.
   */
  commit(options?: CommitOptions): Promise<string>
  /** Closes and removes the temporary file (the final name is untouched). Safe to call after a failed commit. */
  abort(): Promise<void>
}

/** Options of {@link openAtomicFile}. */
export interface AtomicFileOptions {
  /** File mode of the created file. Default `0o644`. */
  readonly mode?: number
  /** chmod the file to `mode` so the umask cannot narrow it. Default false (the umask applies). */
  readonly pinMode?: boolean
  /**
   * A fixed temporary name in the final name's folder; whatever a crash left there is replaced.
   * Default: a fresh {@link tempPathFor} name, created exclusively.
   */
  readonly tempPath?: string
  /**
   * Called before each commit step; throwing from it aborts the commit right there, like a crash would (the
   * temporary file is left behind). For tests only. Default: none.
   */
  readonly beforeStep?: (step: CommitStep) => void
}

/** Whether `link(2)` failed because the file system has no hard links (FAT, exFAT, some network and FUSE ones). */
export function noHardLinks(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS'
}

/**
 * Puts `from` at `to` unless `to` exists; resolves true when `from` is still there (as a second name) to remove.
 * link(2) refuses a taken name atomically; where the filesystem has no hard links, a check before rename(2) stands
 * in (rename would silently replace; writers sharing a folder hold a lock, so nothing appears in between).
 */
async function placeNoReplace(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new FileExistsError(to)
    if (!noHardLinks(error)) throw error
  }
  if (await exists(to)) throw new FileExistsError(to)
  await rename(from, to)
  return false
}

/** Puts `from` at `to`, replacing what is there when `replace`; resolves true when `from` remains to remove. */
async function place(from: string, to: string, replace: boolean): Promise<boolean> {
  if (!replace) return placeNoReplace(from, to)
  await rename(from, to)
  return false
}

/** Starts writing `finalPath` under a temporary name in its folder. */
export async function openAtomicFile(finalPath: string, options: AtomicFileOptions = {}): Promise<AtomicFile> {
  const mode = options.mode ?? 0o644
  const tempPath = options.tempPath ?? tempPathFor(finalPath)
  // Created exclusively, never opened: a stale file or a symlink at a fixed name is removed, not written through.
  if (options.tempPath !== undefined) await removeIfExists(tempPath)
  const handle = await open(tempPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode)
  try {
    if (options.pinMode === true) await handle.chmod(mode)
  } catch (error) {
    await handle.close()
    await removeIfExists(tempPath)
    throw error
  }
  return atomicFile(handle, finalPath, tempPath, options.beforeStep ?? ((): void => {}))
}

function atomicFile(handle: FileHandle, finalPath: string, tempPath: string, beforeStep: (step: CommitStep) => void): AtomicFile {
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
        const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset, written + offset)
        offset += bytesWritten
      }
      written += chunk.length
    },
    async restart(): Promise<void> {
      await handle.truncate(0)
      written = 0
    },
    stat: () => handle.stat({ bigint: true }),
    async commit(commitOptions: CommitOptions = {}): Promise<string> {
      const target = commitOptions.path ?? finalPath
      try {
        beforeStep('sync')
        await handle.sync()
        beforeStep('close')
        await close()
        beforeStep('rename')
        const linked = await place(tempPath, target, commitOptions.replace === true)
        committed = true
        if (linked) await unlink(tempPath)
        beforeStep('sync-dir')
        await fsyncDirShared(dirname(target))
        return target
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

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Mode of the file, pinned with chmod so the umask cannot change it. Default 0o600. */
  readonly mode?: number
  /** Mode of folders created on the way. Default 0o700. */
  readonly dirMode?: number
}

/**
 * Atomically replaces `path` with `data` (UTF-8), creating missing folders. Returns the written file's status (its
 * inode, size and modification time tell it apart from a file another process puts there later).
 */
export async function writeFileAtomic(path: string, data: string, options: AtomicWriteOptions = {}): Promise<BigIntStats> {
  await ensureDir(dirname(path), options.dirMode ?? 0o700)
  const file = await openAtomicFile(path, { mode: options.mode ?? 0o600, pinMode: true })
  try {
    await file.write(Buffer.from(data, 'utf8'))
    const written = await file.stat()
    await file.commit({ replace: true })
    return written
  } catch (error) {
    await file.abort().catch(() => undefined)
    throw error
  }
}
