/**
 * Durable, atomic replacement of small files (sessions, the entity cache): write a private temporary file beside the
 * target, fsync it, rename it over the target, fsync the folder. A crash leaves the old file or the new one, never a
 * partial one.
 */
import { randomBytes } from 'node:crypto'
import { constants, type BigIntStats } from 'node:fs'
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Removes the file at `path`; one that is already gone is fine. */
export async function removeIfExists(path: string): Promise<void> {
  try {
    await unlink(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
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
  const mode = options.mode ?? 0o600
  const dir = dirname(path)
  await mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o700 })
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode)
  let written: BigIntStats
  try {
    await handle.chmod(mode)
    await handle.writeFile(data, 'utf8')
    await handle.sync()
    written = await handle.stat({ bigint: true })
  } catch (error) {
    await handle.close()
    await unlink(tmp).catch(() => undefined)
    throw error
  }
  await handle.close()
  try {
    await rename(tmp, path)
  } catch (error) {
    await unlink(tmp).catch(() => undefined)
    throw error
  }
  await fsyncDir(dir)
  return written
}
