/**
 * What a run left for later, in `waiting.ndjson` in the archive folder: one line per user that waits
 * (`{"user":…,"method":…,"until":…}`) or source that waits (`{"source":…,"kind":…,"method":…,"until":…}`), and one
 * per such user or source later done or failed (`{"user":…,"done":true}`, `{"source":…,"done":true}`). Lines are
 * appended as it happens, so a run killed at any point leaves everything waiting on record (a torn last line is
 * ignored); the run's end rewrites the file atomically with what still waits, or removes it.
 *
 * While something waits, the job is not over, and the file also keeps the ids of the users the job archived so far
 * (`{"archived":[…]}`, written at each run's end): the next run goes on with the job instead of listing them again.
 * A run that ends with nothing waiting removes the file, so the run after it is a full incremental pass again.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { removeIfExists, writeFileAtomic } from '../util/atomic-write.js'
import { WAITING_FILE } from './layout.js'
import type { ArchiveSummary, WaitingSource, WaitingUser } from './types.js'

type Entry = WaitingUser | WaitingSource
type Line = Entry | { readonly key: string; readonly done: true } | { readonly archived: readonly number[] }

// Users and sources are kept apart: a chat `@x` and a user `@x` are different things to wait for.
const userKey = (user: string): string => `user:${user}`
const sourceKey = (source: string): string => `source:${source}`

function keyOf(entry: Entry): string {
  return 'source' in entry ? sourceKey(entry.source) : userKey(entry.user)
}

function parseEntry(r: Partial<Record<string, unknown>>): Entry | undefined {
  if (typeof r['method'] !== 'string' || !Number.isSafeInteger(r['until'])) return undefined
  const wait = { method: r['method'], until: r['until'] as number }
  if (typeof r['source'] === 'string') {
    if (r['kind'] !== 'chat' && r['kind'] !== 'contacts') return undefined
    return { source: r['source'], kind: r['kind'], ...wait }
  }
  if (typeof r['user'] !== 'string') return undefined
  const id = Number.isSafeInteger(r['user_id']) ? { user_id: r['user_id'] as number } : {}
  return { user: r['user'], ...id, ...wait }
}

function parseLine(line: string): Line | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const r = value as Partial<Record<string, unknown>>
  if (Array.isArray(r['archived'])) return { archived: r['archived'].filter((id): id is number => Number.isSafeInteger(id)) }
  if (r['done'] === true) {
    if (typeof r['source'] === 'string') return { key: sourceKey(r['source']), done: true }
    if (typeof r['user'] === 'string') return { key: userKey(r['user']), done: true }
    return undefined
  }
  return parseEntry(r)
}

/** The users and sources waiting in an archive folder, kept on disk as they change. */
export class WaitingList {
  private readonly waiting = new Map<string, Entry>()
  /** Users this job archived in earlier runs (read at open) and in this one. */
  private readonly archivedInJob = new Set<number>()
  private readonly archivedEarlier = new Set<number>()
  private handle: FileHandle | undefined
  private writes: Promise<void> = Promise.resolve()

  private constructor(private readonly path: string) {}

  /** Reads `waiting.ndjson` in `out` (absent: nothing waits). */
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
      if ('archived' in entry) for (const id of entry.archived) list.archivedEarlier.add(id)
      else if ('done' in entry) list.waiting.delete(entry.key)
      else list.waiting.set(keyOf(entry), entry)
    }
    for (const id of list.archivedEarlier) list.archivedInJob.add(id)
    return list
  }

  /** The users waiting, in the order they were left. */
  entries(): WaitingUser[] {
    return [...this.waiting.values()].filter((e): e is WaitingUser => 'user' in e)
  }

  /** The sources waiting, in the order they were left. */
  sources(): WaitingSource[] {
    return [...this.waiting.values()].filter((e): e is WaitingSource => 'source' in e)
  }

  /** Users waiting. */
  get size(): number {
    return this.entries().length
  }

  has(user: string): boolean {
    return this.waiting.has(userKey(user))
  }

  /** Whether an earlier run of this job (one that left something waiting) archived the user. */
  archivedByEarlierRun(userId: number): boolean {
    return this.archivedEarlier.has(userId)
  }

  /** Notes a user archived by this run: kept at the end if the job goes on. */
  archived(userId: number): void {
    this.archivedInJob.add(userId)
  }

  /** Records that a user or a source waits (again, or with a new end). */
  add(entry: WaitingUser | WaitingSource): Promise<void> {
    this.waiting.set(keyOf(entry), entry)
    return this.append(entry)
  }

  /** Records that `user` no longer waits (archived, or failed for good); nothing when it did not wait. */
  done(user: string): Promise<void> {
    if (!this.waiting.delete(userKey(user))) return Promise.resolve()
    return this.append({ user, done: true })
  }

  /** Records that `source` no longer waits (read, or failed for good); nothing when it did not wait. */
  sourceDone(source: string): Promise<void> {
    if (!this.waiting.delete(sourceKey(source))) return Promise.resolve()
    return this.append({ source, done: true })
  }

  /** The summary's account of what waits: for which method, until when; `undefined` when nothing does. */
  summary(): ArchiveSummary['waiting'] {
    if (this.waiting.size === 0) return undefined
    const methods: Record<string, { users: number; sources: number; until: number }> = {}
    let users = 0
    for (const e of this.waiting.values()) {
      const m = (methods[e.method] ??= { users: 0, sources: 0, until: 0 })
      if ('user' in e) {
        m.users++
        users++
      } else m.sources++
      m.until = Math.max(m.until, e.until)
    }
    const earliest = Math.min(...Object.values(methods).map((m) => m.until))
    return { users, sources: this.waiting.size - users, methods, retry_at: new Date(earliest * 1000).toISOString() }
  }

  private append(line: object): Promise<void> {
    const text = `${JSON.stringify(line)}\n`
    this.writes = this.writes.then(async () => {
      this.handle ??= await open(this.path, 'a', 0o600)
      await this.handle.write(text)
    })
    return this.writes
  }

  /** Rewrites the file with what still waits (atomically), or removes it when nothing waits. */
  async close(): Promise<void> {
    await this.writes.catch(() => undefined)
    await this.handle?.close()
    this.handle = undefined
    if (this.waiting.size === 0) return removeIfExists(this.path)
    const lines = [...this.waiting.values()].map((e) => `${JSON.stringify(e)}\n`)
    if (this.archivedInJob.size > 0) lines.push(`${JSON.stringify({ archived: [...this.archivedInJob].sort((a, b) => a - b) })}\n`)
    await writeFileAtomic(this.path, lines.join(''))
  }
}
