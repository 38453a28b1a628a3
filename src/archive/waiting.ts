/**
 * The users a run left for later, in `waiting.ndjson` in the archive folder: one line per user that waits
 * (`{"user":…,"method":…,"until":…}`) and one per such user later archived or failed (`{"user":…,"done":true}`).
 * Lines are appended as it happens, so a run killed at any point leaves every waiting user on record (a torn last
 * line is ignored); the run's end rewrites the file atomically with the users still waiting, or removes it.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { removeIfExists, writeFileAtomic } from '../util/atomic-write.js'
import { WAITING_FILE } from './layout.js'
import type { WaitingUser } from './types.js'

function parseLine(line: string): WaitingUser | { user: string; done: true } | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const r = value as Partial<Record<string, unknown>>
  if (typeof r['user'] !== 'string') return undefined
  if (r['done'] === true) return { user: r['user'], done: true }
  if (typeof r['method'] !== 'string' || !Number.isSafeInteger(r['until'])) return undefined
  const id = Number.isSafeInteger(r['user_id']) ? { user_id: r['user_id'] as number } : {}
  return { user: r['user'], ...id, method: r['method'], until: r['until'] as number }
}

/** The users waiting in an archive folder, kept on disk as they change. */
export class WaitingList {
  private readonly users = new Map<string, WaitingUser>()
  private handle: FileHandle | undefined
  private writes: Promise<void> = Promise.resolve()

  private constructor(private readonly path: string) {}

  /** Reads `waiting.ndjson` in `out` (absent: nobody waits). */
  static async open(out: string): Promise<WaitingList> {
    const list = new WaitingList(join(out, WAITING_FILE))
    let text = ''
    try {
      text = await readFile(list.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    for (const line of text.split('\n')) {
      const entry = parseLine(line)
      if (entry === undefined) continue
      if ('done' in entry) list.users.delete(entry.user)
      else list.users.set(entry.user, entry)
    }
    return list
  }

  /** The users waiting, in the order they were left. */
  entries(): WaitingUser[] {
    return [...this.users.values()]
  }

  get size(): number {
    return this.users.size
  }

  has(user: string): boolean {
    return this.users.has(user)
  }

  /** Records that `entry.user` waits (again, or with a new end). */
  add(entry: WaitingUser): Promise<void> {
    this.users.set(entry.user, entry)
    return this.append(entry)
  }

  /** Records that `user` no longer waits (archived, or failed for good); nothing when it did not wait. */
  done(user: string): Promise<void> {
    if (!this.users.delete(user)) return Promise.resolve()
    return this.append({ user, done: true })
  }

  private append(line: object): Promise<void> {
    const text = `${JSON.stringify(line)}\n`
    this.writes = this.writes.then(async () => {
      this.handle ??= await open(this.path, 'a', 0o600)
      await this.handle.write(text)
    })
    return this.writes
  }

  /** Rewrites the file with the users still waiting (atomically), or removes it when nobody waits. */
  async close(): Promise<void> {
    await this.writes.catch(() => undefined)
    await this.handle?.close()
    this.handle = undefined
    if (this.users.size === 0) await removeIfExists(this.path)
    else await writeFileAtomic(this.path, this.entries().map((e) => `${JSON.stringify(e)}\n`).join(''))
  }
}
