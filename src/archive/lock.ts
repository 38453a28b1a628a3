/**
 * The run lock: one archiver per `out` folder. The lock file holds the owner's pid, host and a random token; a lock
 * whose owner is gone (a run killed with -9 cannot remove it) is taken over, a live one is refused. A run removes
 * only a lock that still holds its own token (or the stale one it judged), never one another run placed meanwhile.
 */
import { randomBytes } from 'node:crypto'
import { link, open, readdir, stat } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { ArchiveLockedError } from '../errors/index.js'
import { ensureDir, fsyncDir, noHardLinks, removeIfExists } from '../util/atomic-write.js'
import { LOCK_FILE } from './layout.js'
import { processAlive } from '../util/process-alive.js'

/** A held lock. */
export interface ArchiveLock {
  readonly path: string
  /** Removes the lock file. Idempotent. */
  release(): Promise<void>
}

interface LockContent {
  pid: number
  host: string
}

/** What the lock file holds now: its text, its owner (undefined when unreadable or torn) and its age. */
interface LockState {
  readonly text: string
  readonly owner: LockContent | undefined
  readonly ageMs: number
}

/** An unreadable lock younger than this may be one still being written (see {@link placeLock}): it is waited for. */
const TORN_GRACE_MS = 10_000

async function readLock(path: string): Promise<LockState | undefined> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const { mtimeMs } = await handle.stat()
    const text = await handle.readFile('utf8')
    let owner: LockContent | undefined
    try {
      const value = JSON.parse(text) as Partial<LockContent>
      if (typeof value.pid === 'number' && typeof value.host === 'string') owner = { pid: value.pid, host: value.host }
    } catch {
      // Torn (its writer died mid-write) or damaged.
    }
    return { text, owner, ageMs: Date.now() - mtimeMs }
  } finally {
    await handle.close()
  }
}

/**
 * Removes the lock at `path` if it still holds `text` (each lock holds a random token, so another run's lock placed
 * meanwhile is never removed; the re-read and the unlink are not one step, a window of microseconds).
 */
async function unlinkIfUnchanged(path: string, text: string): Promise<void> {
  if ((await readLock(path))?.text !== text) return
  await removeIfExists(path)
}

/**
 * Puts `content` at `path`, failing with EEXIST when something is there. The content is written in full under a name
 * of its own and hard-linked into place, so the lock is never seen without its content (a concurrent run would take
 * an empty one for a torn, stale lock). Where hard links are not supported the lock is created in place and written
 * at once; an unreadable lock younger than {@link TORN_GRACE_MS} is then waited for rather than taken over.
 */
async function placeLock(path: string, content: string): Promise<void> {
  const draft = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`
  await writeNew(draft, content)
  try {
    await link(draft, path)
  } catch (error) {
    if (!noHardLinks(error)) throw error
    await writeNew(path, content)
  } finally {
    await removeIfExists(draft)
  }
}

/** Creates `path` (EEXIST if it exists) with `content`, synced. */
async function writeNew(path: string, content: string): Promise<void> {
  const handle = await open(path, 'wx', 0o644)
  try {
    await handle.writeFile(content)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Removes lock drafts (`<lock>.<pid>.<hex>`) left by runs killed between writing and linking them. */
async function removeDeadDrafts(out: string): Promise<void> {
  for (const name of await readdir(out)) {
    const match = /^(.+)\.(\d+)\.[0-9a-f]{12}$/.exec(name)
    if (match === null || match[1] !== LOCK_FILE || processAlive(Number(match[2]))) continue
    const path = join(out, name)
    // A draft lives for milliseconds: a young one may be a live run's on another host sharing this folder.
    const young = await stat(path).then(
      (s) => Date.now() - s.mtimeMs < TORN_GRACE_MS,
      () => false,
    )
    if (young) continue
    await removeIfExists(path)
  }
}

/**
 * Takes the lock of `out` (creating the folder). A stale lock (owner not running on this host, or unreadable for
 * longer than {@link TORN_GRACE_MS}) is replaced; see {@link placeLock} for how a lock is put in place.
 *
 * @throws ArchiveLockedError when a live process holds it
 */
export async function acquireArchiveLock(out: string): Promise<ArchiveLock> {
  await ensureDir(out)
  const path = join(out, LOCK_FILE)
  const content = `${JSON.stringify({ pid: process.pid, host: hostname(), token: randomBytes(12).toString('hex') })}\n`
  for (let takeovers = 0; ; ) {
    try {
      await placeLock(path, content)
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const lock = await readLock(path)
    if (lock === undefined) continue // released meanwhile
    const owner = lock.owner
    if (owner !== undefined && (owner.pid === process.pid || owner.host !== hostname() || processAlive(owner.pid))) {
      throw new ArchiveLockedError(path, owner.pid)
    }
    if (owner === undefined && lock.ageMs < TORN_GRACE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      continue
    }
    if (++takeovers > 3) throw new Error(`could not take over the stale archive lock ${path}`)
    await unlinkIfUnchanged(path, lock.text)
  }
  await fsyncDir(out)
  await removeDeadDrafts(out)
  let released = false
  return {
    path,
    async release(): Promise<void> {
      if (released) return
      released = true
      // Only our own lock: one that replaced it (it was judged stale, wrongly) is left to its owner.
      await unlinkIfUnchanged(path, content)
    },
  }
}
