/**
 * The run lock: one archiver per `out` folder. The lock file holds the owner's pid; a lock whose owner is gone
 * (a run killed with -9 cannot remove it) is taken over, a live one is refused.
 */
import { open, readFile, unlink } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { TgProfileError } from '../errors/index.js'
import { ensureDir } from './atomic-file.js'
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

async function readOwner(path: string): Promise<LockContent | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<LockContent>
    if (typeof value.pid === 'number' && typeof value.host === 'string') return { pid: value.pid, host: value.host }
  } catch {
    // Unreadable or torn (the owner died while writing it): stale.
  }
  return undefined
}

/**
 * Takes the lock of `out` (creating the folder). A stale lock (owner not running on this host, or unreadable) is
 * replaced.
 *
 * @throws ArchiveLockedError when a live process holds it
 */
export async function acquireArchiveLock(out: string): Promise<ArchiveLock> {
  await ensureDir(out)
  const path = join(out, LOCK_FILE)
  const content = `${JSON.stringify({ pid: process.pid, host: hostname() })}\n`
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o644)
      try {
        await handle.writeFile(content)
        await handle.sync()
      } finally {
        await handle.close()
      }
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error
      const owner = await readOwner(path)
      if (owner !== undefined && owner.pid !== process.pid && (owner.host !== hostname() || alive(owner.pid))) {
        throw new ArchiveLockedError(path, owner.pid)
      }
      if (owner !== undefined && owner.pid === process.pid) throw new ArchiveLockedError(path, owner.pid)
      await unlink(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e
      })
    }
  }
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
