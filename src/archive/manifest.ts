/**
 * The archive's manifest: `<out>/manifest.ndjson`, append-only, one JSON record per line, each append fsynced
 * before it counts. See the module documentation of `src/archive/index.ts` for the record types.
 *
 * A crash can tear the last line; {@link Manifest.open} cuts such a torn tail off (it was never acknowledged, and
 * leaving it would make the next append glue onto it and break `jq`). Appends are group-committed: records that
 * arrive while an fsync is running are written and fsynced together by the next one, so many concurrent downloads
 * cost one fsync each round, not one each.
 */
import { createReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { ensureDir, fsyncDir } from '../util/atomic-write.js'
import { MANIFEST_FILE } from './layout.js'
import type { FileKind, ManifestRecord } from './types.js'

/** What the manifest knows about one archived file. */
export interface ManifestEntry {
  /** Byte length recorded when the file was saved. */
  readonly bytes: number
  /** Path relative to `out`. */
  readonly path: string
  /** sha256 (hex) recorded when the file was saved. */
  readonly sha256: string
}

/** Everything the manifest knows about one user's files. */
export interface UserManifest {
  /** Archived files by {@link fileKey}. */
  readonly files: ReadonlyMap<string, ManifestEntry>
  /** Keys of archived files already marked as disappeared from Telegram (and not seen since). */
  readonly gone: ReadonlySet<string>
  /** What the user's last `user` record says; absent until one is written. */
  readonly seen?: { readonly username?: string }
}

/** What {@link Manifest.open} found. */
export interface ManifestLoadStats {
  /** Records read. */
  readonly records: number
  /** Bytes of a torn last line that were cut off (0 after a clean shutdown). */
  readonly tornBytes: number
  /** Complete lines that were not valid records (skipped; they can only come from editing by hand). */
  readonly ignoredLines: number
}

const EMPTY: UserManifest = { files: new Map(), gone: new Set() }

/**
 * The identity of an archived file within its user: `photo:<photo_id>:<letter>`, `video:<photo_id>:<letter>`,
 * `audio:<document_id>`.
 */
export function fileKey(kind: FileKind, id: string, letter?: string): string {
  return kind === 'audio' ? `audio:${id}` : `${kind}:${id}:${letter ?? ''}`
}

function recordKey(record: { kind: FileKind; photo_id?: string; document_id?: string; size?: string }): string {
  return fileKey(record.kind, (record.kind === 'audio' ? record.document_id : record.photo_id) ?? '', record.size)
}

/** The archive's append-only manifest with its in-memory index (file keys, sizes, paths; no listings). */
export class Manifest {
  private readonly users = new Map<number, { files: Map<string, ManifestEntry>; gone: Set<string>; seen?: { username?: string } }>()
  private pending: { line: string; record: ManifestRecord; done: (error?: Error) => void }[] = []
  private flushing: Promise<void> | undefined
  private closed = false
  private stats: ManifestLoadStats = { records: 0, tornBytes: 0, ignoredLines: 0 }

  private constructor(
    /** Absolute path of the manifest file. */
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** What opening found: records read, torn bytes cut, lines ignored. */
  get loadStats(): ManifestLoadStats {
    return this.stats
  }

  /** Opens (creating if needed) `<out>/manifest.ndjson`, cuts a torn last line, and indexes every record. */
  static async open(out: string): Promise<Manifest> {
    await ensureDir(out)
    const path = join(out, MANIFEST_FILE)
    const handle = await open(path, 'a+', 0o644)
    try {
      const created = (await handle.stat()).size === 0
      const tornBytes = await cutTornTail(handle)
      if (created) await fsyncDir(out)
      const manifest = new Manifest(path, handle)
      const { records, ignoredLines } = await manifest.load()
      manifest.stats = { records, tornBytes, ignoredLines }
      return manifest
    } catch (error) {
      await handle.close()
      throw error
    }
  }

  /** The user's archived files and gone marks (empty for a user never archived). */
  user(userId: number): UserManifest {
    return this.users.get(userId) ?? EMPTY
  }

  /**
   * Drops the user's entries from the in-memory index (the file keeps every record): for a caller that will not ask
   * about the user again, so that a long run's memory does not grow with the files it archived. {@link user} then
   * answers from what was appended since, until the manifest is opened again.
   */
  release(userId: number): void {
    this.users.delete(userId)
  }

  /** How much the in-memory index holds: users, and file entries over all of them. */
  get indexed(): { readonly users: number; readonly files: number } {
    let files = 0
    for (const user of this.users.values()) files += user.files.size
    return { users: this.users.size, files }
  }

  /**
   * Appends a record; resolves once it is on disk (written and fsynced), after which the index reflects it.
   * Callers append a `file` record only after the file itself is durable under its final name.
   */
  append(record: ManifestRecord): Promise<void> {
    if (this.closed) return Promise.reject(new Error('manifest is closed'))
    const line = `${JSON.stringify(record)}\n`
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line, record, done: (error) => (error === undefined ? resolve() : reject(error)) })
      this.flushing ??= this.flush()
    })
  }

  /** Waits for pending appends and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.flushing
    await this.handle.close()
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending
      this.pending = []
      try {
        const bytes = Buffer.from(batch.map((p) => p.line).join(''), 'utf8')
        let offset = 0
        while (offset < bytes.length) {
          const { bytesWritten } = await this.handle.write(bytes, offset, bytes.length - offset)
          offset += bytesWritten
        }
        await this.handle.sync()
        for (const p of batch) this.index(p.record)
        for (const p of batch) p.done()
      } catch (error) {
        for (const p of batch) p.done(error as Error)
      }
    }
    this.flushing = undefined
  }

  private index(record: ManifestRecord): void {
    if (record.type === 'user-failed' || record.type === 'source-failed') return
    let user = this.users.get(record.user_id)
    if (user === undefined) {
      user = { files: new Map(), gone: new Set() }
      this.users.set(record.user_id, user)
    }
    if (record.type === 'user') {
      user.seen = record.username !== undefined ? { username: record.username } : {}
      return
    }
    const key = recordKey(record)
    if (record.type === 'file') {
      user.files.set(key, { bytes: record.bytes, path: record.path, sha256: record.sha256 })
      user.gone.delete(key)
    } else if (record.type === 'gone') {
      user.gone.add(key)
    } else {
      user.gone.delete(key)
    }
  }

  private async load(): Promise<{ records: number; ignoredLines: number }> {
    let records = 0
    let ignoredLines = 0
    const lines = createInterface({ input: createReadStream(this.path, { encoding: 'utf8' }), crlfDelay: Infinity })
    for await (const line of lines) {
      if (line.trim() === '') continue
      const record = parseRecord(line)
      if (record === undefined) {
        ignoredLines++
        continue
      }
      this.index(record)
      records++
    }
    return { records, ignoredLines }
  }
}

function parseRecord(line: string): ManifestRecord | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const r = value as Partial<Record<string, unknown>>
  switch (r['type']) {
    case 'file':
      return Number.isSafeInteger(r['user_id']) &&
        typeof r['path'] === 'string' &&
        Number.isSafeInteger(r['bytes']) &&
        typeof r['sha256'] === 'string' &&
        isKind(r['kind'])
        ? (value as ManifestRecord)
        : undefined
    case 'gone':
    case 'back':
      return Number.isSafeInteger(r['user_id']) && isKind(r['kind']) ? (value as ManifestRecord) : undefined
    case 'user-failed':
      return typeof r['user'] === 'string' ? (value as ManifestRecord) : undefined
    case 'source-failed':
      return typeof r['source'] === 'string' ? (value as ManifestRecord) : undefined
    case 'user':
      return Number.isSafeInteger(r['user_id']) && (r['username'] === undefined || typeof r['username'] === 'string')
        ? (value as ManifestRecord)
        : undefined
    default:
      return undefined
  }
}

function isKind(value: unknown): value is FileKind {
  return value === 'photo' || value === 'video' || value === 'audio'
}

/** Cuts everything after the last `\n` (a line torn by a crash). Returns the number of bytes cut. */
async function cutTornTail(handle: FileHandle): Promise<number> {
  const { size } = await handle.stat()
  if (size === 0) return 0
  const chunk = Buffer.alloc(Math.min(size, 64 * 1024))
  let end = size
  while (end > 0) {
    const start = Math.max(0, end - chunk.length)
    const { bytesRead } = await handle.read(chunk, 0, end - start, start)
    const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a)
    if (newline >= 0) {
      const keep = start + newline + 1
      if (keep === size) return 0
      await handle.truncate(keep)
      await handle.sync()
      return size - keep
    }
    end = start
  }
  // No newline at all: the whole file is one torn line.
  await handle.truncate(0)
  await handle.sync()
  return size
}
