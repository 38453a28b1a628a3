/**
 * The gallery's writes: each page is compared with what is on disk and written only when it differs, through the
 * project's atomic write (temporary name, fsync, rename), so a rebuild that changed nothing writes nothing and a
 * killed build leaves every page either old or new, never half written. Image files are never written here.
 */
import type { Dir, Dirent } from 'node:fs'
import { open, opendir, readFile, rm, stat, type FileHandle } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { ensureDir, openAtomicFile, removeIfExists, tempFileWriter, writeFileAtomic, type AtomicFile } from '../util/atomic-write.js'
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

/** Mode of the gallery's files and of the folders made for them: the archive is meant to be read. */
const FILE_MODE = 0o644
const DIR_MODE = 0o755

/** Writes gallery files under one root, counting what it wrote. */
export class GalleryWriter {
  readonly stats: WriteStats = { written: 0, unchanged: 0, bytes: 0 }

  constructor(private readonly root: string) {}

  /** A file at `rel` written piece by piece (see {@link StreamedFile}), counted here when it ends. */
  stream(rel: string): StreamedFile {
    return new StreamedFile(join(this.root, ...rel.split('/')), this.stats)
  }

  /** Writes `content` at `rel` (relative to the root, `/`-separated) unless the file already holds it. */
  async write(rel: string, content: string): Promise<void> {
    const path = join(this.root, ...rel.split('/'))
    const data = Buffer.from(content, 'utf8')
    if (await sameContent(path, data)) {
      this.stats.unchanged++
      return
    }
    await writeFileAtomic(path, content, { mode: FILE_MODE, dirMode: DIR_MODE })
    this.stats.written++
    this.stats.bytes += data.length
  }
}

/** Bytes a {@link StreamedFile} compares or writes at a time. */
const STREAM_CHUNK_BYTES = 64 * 1024

/**
 * A file too large to hold as one string (the data file of a large archive), written piece by piece with the same
 * promise as {@link GalleryWriter.write}: while the pieces match the file on disk nothing is written; from the first
 * difference on, the matching prefix is copied from the old file into a temporary one and the rest follows, and
 * {@link end} renames it over the old file. A killed build leaves the old file whole.
 */
export class StreamedFile {
  private old: FileHandle | undefined
  private opened = false
  /** Bytes equal to the old file so far. */
  private matched = 0
  private out: AtomicFile | undefined
  private pending: Buffer[] = []
  private pendingBytes = 0

  constructor(
    readonly path: string,
    private readonly stats: WriteStats,
  ) {}

  /** Appends `text` (UTF-8). */
  async write(text: string): Promise<void> {
    const data = Buffer.from(text, 'utf8')
    this.pending.push(data)
    this.pendingBytes += data.length
    if (this.pendingBytes >= STREAM_CHUNK_BYTES) await this.flush()
  }

  /** Completes the file: renames the new one into place, or leaves the old one untouched when they are equal. */
  async end(): Promise<void> {
    try {
      await this.flush()
      if (this.out === undefined && this.old !== undefined && (await this.old.stat()).size === this.matched) {
        this.stats.unchanged++
        return
      }
      const out = this.out ?? (await this.diverge())
      await out.commit({ replace: true })
      this.stats.written++
      this.stats.bytes += out.bytesWritten
    } catch (error) {
      await this.out?.abort().catch(() => undefined)
      throw error
    } finally {
      await this.closeOld()
    }
  }

  /** Gives up: removes the temporary file, leaves the old one. */
  async abort(): Promise<void> {
    await this.out?.abort().catch(() => undefined)
    await this.closeOld()
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return
    const data = Buffer.concat(this.pending, this.pendingBytes)
    this.pending = []
    this.pendingBytes = 0
    if (this.out === undefined && (await this.matches(data))) {
      this.matched += data.length
      return
    }
    const out = this.out ?? (await this.diverge())
    await out.write(data)
  }

  /** Whether the old file holds `data` at the end of the part matched so far. */
  private async matches(data: Buffer): Promise<boolean> {
    if (!this.opened) {
      this.opened = true
      try {
        this.old = await open(this.path, 'r')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      }
    }
    if (this.old === undefined) return false
    const held = Buffer.alloc(data.length)
    const { bytesRead } = await this.old.read(held, 0, data.length, this.matched)
    return bytesRead === data.length && held.equals(data)
  }

  /** Starts the new file with the part that matched the old one. */
  private async diverge(): Promise<AtomicFile> {
    await ensureDir(dirname(this.path), DIR_MODE)
    const out = await openAtomicFile(this.path, { mode: FILE_MODE, pinMode: true })
    this.out = out
    const chunk = Buffer.alloc(STREAM_CHUNK_BYTES)
    for (let at = 0; at < this.matched; ) {
      const { bytesRead } = await (this.old as FileHandle).read(chunk, 0, Math.min(chunk.length, this.matched - at), at)
      if (bytesRead === 0) throw new Error(`${this.path} shrank while it was being compared`)
      await out.write(chunk.subarray(0, bytesRead))
      at += bytesRead
    }
    await this.closeOld()
    return out
  }

  private async closeOld(): Promise<void> {
    const old = this.old
    this.old = undefined
    await old?.close()
  }
}

/**
 * Runs the writes it is given, at most `limit` at a time (their fsyncs overlap): {@link add} waits for a free
 * turn, so a producer never gets far ahead of the disk. The first failure is thrown by the next {@link add} or by
 * {@link drain}.
 */
export class WritePool {
  private readonly running = new Set<Promise<void>>()
  private failure: { error: unknown } | undefined

  constructor(private readonly limit: number) {}

  /** Starts `task` once fewer than `limit` run. */
  async add(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running)
    this.check()
    const run: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= { error }
      })
      .finally(() => this.running.delete(run))
    this.running.add(run)
  }

  /** Waits for every task started. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running)
    this.check()
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure.error
  }
}

/**
 * The entries of `dir`, read a few at a time (the users' folder has one page per user); none when it does not exist.
 */
async function* eachEntry(dir: string): AsyncGenerator<Dirent> {
  let entries: Dir
  try {
    entries = await opendir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  yield* entries
}

/**
 * Removes the temporary files and work folders a killed build left in `dirs` (those of a process that is still
 * running are another build's, in progress). Returns how many were removed.
 */
export async function sweepTemporaryFiles(dirs: readonly string[]): Promise<number> {
  let removed = 0
  for (const dir of dirs) {
    for await (const entry of eachEntry(dir)) {
      const writer = tempFileWriter(entry.name)
      if (writer === undefined || processAlive(writer)) continue
      // Only a build's work folder has a temporary name and is a folder (never a symlink: lstat's view).
      if (entry.isDirectory()) await rm(join(dir, entry.name), { recursive: true, force: true })
      else await removeIfExists(join(dir, entry.name))
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
  let removed = 0
  for await (const entry of eachEntry(pagesDir)) {
    const m = /^([0-9]+)\.html$/.exec(entry.name)
    if (m === null || Number(m[1]) <= pageCount) continue
    await removeIfExists(join(pagesDir, entry.name))
    removed++
  }
  return removed
}
