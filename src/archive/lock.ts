/**
 * The run lock: one archiver per `out` folder. The lock file holds the owner's pid; a lock whose owner is gone
 * (a run killed with -9 cannot remove it) is taken over, a live one is refused.
 */
import { randomBytes } from 'node:crypto'
import { link, lstat, open, readdir, unlink } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { TgProfileError } from '../errors/index.js'
import { ensureDir, fsyncDir } from './atomic-file.js'
import { LOCK_FILE } from './layout.js'

/** Another live run holds the lock of this `out` folder. */
export class ArchiveLockedError extends TgProfileError {
  override name = 'ArchiveLockedError'
  constructor(
    readonly lockPath: string,
    readonly pid: number,
  ) {
    super(`another archive run (pid ${pid}) is using this folder (lock ${lockPath})`)
  }
}

/** A held lock. */
export interface ArchiveLock {
  readonly path: string
  /** Removes the lock file. Idempotent. */
  release(): Promise<void>
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

interface LockContent {
  pid: number
  host: string
}

/** The lock file's owner (`lock` undefined when unreadable or torn) and inode; undefined when there is none. */
async function readOwner(path: string): Promise<{ lock: LockContent | undefined; ino: number } | undefined> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const { ino } = await handle.stat()
    try {
      const value = JSON.parse(await handle.readFile('utf8')) as Partial<LockContent>
      if (typeof value.pid === 'number' && typeof value.host === 'string') {
        return { lock: { pid: value.pid, host: value.host }, ino }
      }
    } catch {
      // Torn (written by a run that died mid-write before locks were linked into place) or damaged: stale.
    }
    return { lock: undefined, ino }
  } finally {
    await handle.close()
  }
}

/** Removes `path` if it is still the file whose inode is `ino` (another run may have replaced it meanwhile). */
async function unlinkIfSame(path: string, ino: number): Promise<void> {
  try {
    if ((await lstat(path)).ino !== ino) return
    await unlink(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

/** Removes lock drafts (`<lock>.<pid>.<hex>`) left by runs killed between writing and linking them. */
async function removeDeadDrafts(out: string): Promise<void> {
  for (const name of await readdir(out)) {
    const match = /^(.+)\.(\d+)\.[0-9a-f]{12}$/.exec(name)
    if (match === null || match[1] !== LOCK_FILE || alive(Number(match[2]))) continue
    await unlink(join(out, name)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e
    })
  }
}

/**
 * Takes the lock of `out` (creating the folder). A stale lock (owner not running on this host, or unreadable) is
 * replaced.
 *
 * The lock is written in full under a name of its own and then hard-linked to the lock name (link(2) fails when the
 * name is taken), so a lock file is never seen half-written: a concurrent run reading it finds a live owner, not an
 * empty file it would take for a torn, stale one.
 *
 * @throws ArchiveLockedError when a live process holds it
 */
export async function acquireArchiveLock(out: string): Promise<ArchiveLock> {
  await ensureDir(out)
  const path = join(out, LOCK_FILE)
  const content = `${JSON.stringify({ pid: process.pid, host: hostname() })}\n`
  const draft = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`
  const handle = await open(draft, 'wx', 0o644)
  try {
    try {
      await handle.writeFile(content)
      await handle.sync()
    } finally {
      await handle.close()
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await link(draft, path)
        break
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error
        const owner = await readOwner(path)
        if (owner?.lock?.pid === process.pid) throw new ArchiveLockedError(path, process.pid)
        if (owner !== undefined && owner.lock !== undefined) {
          const { pid, host } = owner.lock
          if (host !== hostname() || alive(pid)) throw new ArchiveLockedError(path, pid)
        }
        if (owner !== undefined) await unlinkIfSame(path, owner.ino)
      }
    }
  } finally {
    await unlink(draft).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e
    })
  }
  await fsyncDir(out)
  await removeDeadDrafts(out)
  let released = false
  return {
    path,
    async release(): Promise<void> {
      if (released) return
      released = true
      await unlink(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e
      })
    },
  }
}
