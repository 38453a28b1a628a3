/**
 * The first pass of a build: the manifest's records grouped by user into a few files (groups) in the build's work
 * folder. Each line is copied unchanged and in manifest order, and all of a user's records land in one group, so a
 * group folds on its own into exactly the users the whole manifest would give for its ids. A group holds about
 * `groupBytes` of records, which bounds what the second pass holds at once whatever the archive's size.
 */
import { appendFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { recordUser } from './model.js'
import { eachLine, parseLine } from './read.js'

/** Options of {@link groupByUser}. */
export interface GroupOptions {
  /** Records per group, in bytes of manifest. */
  readonly groupBytes: number
  /** Stops between two lines. Default: none. */
  readonly signal?: AbortSignal
}

/** More groups than this and the merge of their tiles would read too many files at once; groups grow instead. */
export const MAX_GROUPS = 1024

/** Lines buffered before they are appended to their groups, over all groups. */
const BUFFER_BYTES = 4 * 1024 * 1024

/** A well-mixed group for a user id: ids of one archive often share residues, and a group must not hold most. */
export function groupOf(userId: number, groups: number): number {
  let h = Math.imul((userId >>> 0) ^ Math.imul(Math.floor(userId / 2 ** 32) >>> 0, 0x9e3779b1), 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return (h >>> 0) % groups
}

/** How the archiver starts a record: its type, then its user's id (or the id first). */
const RECORD_START = /^\{(?:"type":"[a-z-]+",)?"user_id":([0-9]{1,16}),/

/**
 * The user id a line is grouped by: the `user_id` JSON.parse would give it, read without parsing when the line
 * starts as the archiver starts a record and names no other `user_id` (with no backslash in the line, no key can
 * spell it with escapes). Which lines are records is decided when the groups are folded: a line grouped here that
 * is no record is ignored then.
 */
export function lineUser(line: string): number | undefined {
  const start = RECORD_START.exec(line)
  if (start !== null && !line.includes('\\') && !line.includes('"user_id"', start[0].length)) return Number(start[1])
  return recordUser(parseLine(line))
}

/** How many groups a manifest of `bytes` is split into. */
export function groupCount(bytes: number, groupBytes: number): number {
  return Math.min(MAX_GROUPS, Math.max(1, Math.ceil(bytes / Math.max(1, groupBytes))))
}

/**
 * Splits `manifest` into groups in `work` (an empty folder); resolves to the paths of the groups that hold any
 * record, or to `[manifest]` itself when it is small enough to be one group (nothing is copied then).
 */
export async function groupByUser(manifest: string, work: string, options: GroupOptions): Promise<string[]> {
  const count = groupCount((await stat(manifest)).size, options.groupBytes)
  if (count === 1) return [manifest]
  const groups = Array.from({ length: count }, (_, i) => new GroupFile(join(work, `${i}.ndjson`), Math.max(4096, Math.floor(BUFFER_BYTES / count))))
  for await (const line of eachLine(manifest, { signal: options.signal })) {
    const uid = lineUser(line)
    if (uid !== undefined) await (groups[groupOf(uid, count)] as GroupFile).append(line)
  }
  for (const group of groups) await group.flush()
  return groups.filter((g) => g.used).map((g) => g.path)
}

/**
 * One group's file, appended to through a buffer of its own allocated once: the lines pass through it as bytes, so
 * nothing a group holds outlives a flush on the JavaScript heap.
 */
class GroupFile {
  /** Whether any line went to the file. */
  used = false
  private readonly buffer: Buffer
  private length = 0

  constructor(
    readonly path: string,
    size: number,
  ) {
    this.buffer = Buffer.allocUnsafe(size)
  }

  async append(line: string): Promise<void> {
    const bytes = Buffer.byteLength(line) + 1
    if (this.length + bytes > this.buffer.length) await this.flush()
    if (bytes > this.buffer.length) {
      this.used = true
      await appendFile(this.path, `${line}\n`)
      return
    }
    this.length += this.buffer.write(line, this.length)
    this.buffer[this.length++] = 0x0a
  }

  async flush(): Promise<void> {
    if (this.length === 0) return
    this.used = true
    await appendFile(this.path, this.buffer.subarray(0, this.length))
    this.length = 0
  }
}
