/**
 * `buildGallery`: the archive folder's static gallery, from its manifest only. Writes `index.html` (first page of
 * users), `gallery/pages/<n>.html` (the other pages), `gallery/users/<id>.html` (one per user), `gallery/data.js`
 * (the tiles for the index script) and the stylesheet and scripts, each only when its content changed.
 *
 * Three passes, none holding the whole archive: the manifest is grouped by user into files in a work folder
 * (`group.ts`); each group is folded into its users, whose pages are written, keeping of each user only its tile
 * row, sorted into a run file per group; the runs are merged into the data file and the index pages (`tiles.ts`).
 */
import { mkdir, rm, stat } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import { gcFunction } from '../util/gc.js'
import { tempPathFor } from '../util/temp-name.js'
import { groupByUser } from './group.js'
import { GALLERY_DIR, tileData, userPagePath } from './html.js'
import { DATA_SCRIPT_TAIL, dataScriptHead, dataScriptRow, DEFAULT_PAGE_SIZE, indexPage, pageCount, type IndexTotals, type TileData } from './index-page.js'
import { MANIFEST_FILE, readRecords } from './read.js'
import { INDEX_JS, USER_JS } from './scripts.js'
import { STYLE_CSS } from './style.js'
import { mergeRuns, writeRun } from './tiles.js'
import { userPage } from './user-page.js'
import { GalleryWriter, removeStalePages, sweepTemporaryFiles, WritePool, type WriteStats } from './write.js'

/** Options of {@link buildGallery}. */
export interface GalleryOptions {
  /** Users per page of the index. Default 100. */
  readonly pageSize?: number
  /**
   * Bytes of manifest folded at once: a larger manifest is first grouped by user into files of about this size in
   * a work folder under `gallery/`, which bounds the build's memory whatever the archive's size. Default 8 MiB.
   */
  readonly groupBytes?: number
  /**
   * Start a full garbage collection, without blocking, after each group is folded and its pages written (its users
   * are garbage then) and after every few MiB of index pages: V8 would let its old generation grow far above what
   * is live before collecting it. Turns on V8's `gc` extension (`--expose-gc`), a process-wide setting. Set
   * `false` in a host process that tunes V8 itself. Default true.
   */
  readonly leanMemory?: boolean
  /** Stops the build between two files (every file written so far is complete). Default: none. */
  readonly signal?: AbortSignal
}

/** What {@link buildGallery} did. */
export interface GallerySummary {
  /** The gallery's entry page (absolute path of `<dir>/index.html`). */
  readonly index: string
  /** Users shown (those with at least one archived file). */
  readonly users: number
  /** Profile photos shown, over all users. */
  readonly photos: number
  /** Files written (new or changed), files left untouched because they already held the same content, bytes written. */
  readonly files: WriteStats
}

/** Writes that overlap (their fsyncs share folder syncs). */
const WRITE_CONCURRENCY = 8

const DEFAULT_GROUP_BYTES = 8 * 1024 * 1024

/** Characters of index pages made between two collections with `leanMemory`. */
const COLLECT_EVERY_CHARS = 8 * 1024 * 1024

type Write = (rel: string, content: string) => Promise<void>

/**
 * Builds or refreshes the static HTML gallery of an archive folder from its `manifest.ndjson`: every user as a tile
 * on the index (sortable, searchable, paged; readable without JavaScript), and each user's avatar history on its own
 * page. Incremental (a file whose content would not change is not written) and atomic per file. Works from
 * `file://`: no server, no network, nothing outside the folder. Never writes or rewrites an archived image.
 * Its memory does not grow with the archive (but for the one largest user's timeline).
 *
 * @param dir the archive folder (the `out` of an archive run)
 * @throws Error with code `ENOENT` when `dir` holds no `manifest.ndjson`
 */
export async function buildGallery(dir: string, options: GalleryOptions = {}): Promise<GallerySummary> {
  const root = resolve(dir)
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? DEFAULT_PAGE_SIZE))
  const signal = options.signal
  const manifest = join(root, MANIFEST_FILE)
  await stat(manifest)
  const gallery = join(root, GALLERY_DIR)
  await sweepTemporaryFiles([root, gallery, join(gallery, 'users'), join(gallery, 'pages')])
  const writer = new GalleryWriter(root)
  const write: Write = async (rel, content) => {
    signal?.throwIfAborted()
    await writer.write(rel, content)
  }
  await write(`${GALLERY_DIR}/style.css`, STYLE_CSS)
  await write(`${GALLERY_DIR}/index.js`, INDEX_JS)
  await write(`${GALLERY_DIR}/user.js`, USER_JS)
  // A temporary name: a sweep removes the work folder of a build that was killed.
  const work = tempPathFor(join(gallery, 'work'))
  await mkdir(work, { recursive: true })
  try {
    const groups = await groupByUser(manifest, work, { groupBytes: options.groupBytes ?? DEFAULT_GROUP_BYTES, signal })
    const collect = (options.leanMemory ?? true) ? gcFunction() : undefined
    const collectGarbage = (): void => collect?.({ type: 'major', execution: 'async' })
    const { runs, totals } = await writeUserPages(groups, work, pageSize, write, collectGarbage, signal)
    await writeIndex(runs, totals, writer, write, collectGarbage, signal)
    // Only once the entry page no longer links to them.
    await removeStalePages(join(gallery, 'pages'), pageCount(totals))
    return { index: join(root, 'index.html'), users: totals.users, photos: totals.photos, files: { ...writer.stats } }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** The second pass: each group's users' pages, and each group's tile rows as a sorted run. */
async function writeUserPages(
  groups: readonly string[],
  work: string,
  pageSize: number,
  write: Write,
  collectGarbage: () => void,
  signal: AbortSignal | undefined,
): Promise<{ runs: string[]; totals: IndexTotals }> {
  const pool = new WritePool(WRITE_CONCURRENCY)
  const runs: string[] = []
  let users = 0
  let photos = 0
  try {
    for (const [i, group] of groups.entries()) {
      const rows: TileData[] = []
      const model = await readRecords(group, signal)
      // A copy, gone before the disk need ever see it; never the manifest itself (a small one is its own group).
      if (group.startsWith(work + sep)) await rm(group)
      for (const user of model.users()) {
        await pool.add(() => write(userPagePath(user.id), userPage(user)))
        rows.push(tileData(user))
        photos += user.photos.length
      }
      users += rows.length
      const run = join(work, `${i}.tiles`)
      await writeRun(run, rows)
      runs.push(run)
      collectGarbage()
    }
    await pool.drain()
  } catch (error) {
    await pool.drain().catch(() => undefined)
    throw error
  }
  return { runs, totals: { users, photos, pageSize } }
}

/** The third pass: the runs merged into the data file and the index pages, the entry page last. */
async function writeIndex(
  runs: readonly string[],
  totals: IndexTotals,
  writer: GalleryWriter,
  write: Write,
  collectGarbage: () => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const pool = new WritePool(WRITE_CONCURRENCY)
  const data = writer.stream(`${GALLERY_DIR}/data.js`)
  let entry: [string, string] | undefined
  let page: TileData[] = []
  let n = 1
  let made = 0
  const endPage = async (): Promise<void> => {
    const [rel, html] = indexPage(n, page, totals)
    if (n === 1) entry = [rel, html]
    else await pool.add(() => write(rel, html))
    page = []
    n++
    // Each page links to every page: the garbage of making them grows with their number, collected like a group's.
    made += html.length
    if (made < COLLECT_EVERY_CHARS) return
    made = 0
    collectGarbage()
  }
  try {
    await data.write(dataScriptHead(totals.pageSize))
    let first = true
    for await (const row of mergeRuns(runs, signal)) {
      await data.write(first ? dataScriptRow(row) : `,${dataScriptRow(row)}`)
      first = false
      page.push(row)
      if (page.length === totals.pageSize) await endPage()
    }
    await data.write(DATA_SCRIPT_TAIL)
    if (page.length > 0 || entry === undefined) await endPage()
    signal?.throwIfAborted()
    await data.end()
    await pool.drain()
  } catch (error) {
    await data.abort()
    await pool.drain().catch(() => undefined)
    throw error
  }
  // The entry page last: once it links to a user, that user's page is there.
  const [rel, html] = entry as [string, string]
  await write(rel, html)
}
