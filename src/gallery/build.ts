/**
 * `buildGallery`: the archive folder's static gallery, from its manifest only. Writes `index.html` (first page of
 * users), `gallery/pages/<n>.html` (the other pages), `gallery/users/<id>.html` (one per user), `gallery/data.js`
 * (the tiles for the index script) and the stylesheet and scripts, each only when its content changed.
 */
import { join, resolve } from 'node:path'
import { GALLERY_DIR, userPagePath } from './html.js'
import { byRecentChange, dataScript, DEFAULT_PAGE_SIZE, indexPages } from './index-page.js'
import { readManifest } from './read.js'
import { INDEX_JS, USER_JS } from './scripts.js'
import { STYLE_CSS } from './style.js'
import { userPage } from './user-page.js'
import { eachLimited, GalleryWriter, removeStalePages, sweepTemporaryFiles, type WriteStats } from './write.js'

/** Options of {@link buildGallery}. */
export interface GalleryOptions {
  /** Users per page of the index. Default 100. */
  readonly pageSize?: number
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

/**
 * Builds or refreshes the static HTML gallery of an archive folder from its `manifest.ndjson`: every user as a tile
 * on the index (sortable, searchable, paged; readable without JavaScript), and each user's avatar history on its own
 * page. Incremental (a file whose content would not change is not written) and atomic per file. Works from
 * `file://`: no server, no network, nothing outside the folder. Never writes or rewrites an archived image.
 *
 * @param dir the archive folder (the `out` of an archive run)
 * @throws Error with code `ENOENT` when `dir` holds no `manifest.ndjson`
 */
export async function buildGallery(dir: string, options: GalleryOptions = {}): Promise<GallerySummary> {
  const root = resolve(dir)
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? DEFAULT_PAGE_SIZE))
  const signal = options.signal
  const model = await readManifest(root, signal)
  const gallery = join(root, GALLERY_DIR)
  await sweepTemporaryFiles([root, gallery, join(gallery, 'users'), join(gallery, 'pages')])
  const users = model.users()
  const writer = new GalleryWriter(root)
  const write = async (rel: string, content: string): Promise<void> => {
    signal?.throwIfAborted()
    await writer.write(rel, content)
  }
  await write(`${GALLERY_DIR}/style.css`, STYLE_CSS)
  await write(`${GALLERY_DIR}/index.js`, INDEX_JS)
  await write(`${GALLERY_DIR}/user.js`, USER_JS)
  await eachLimited(users, WRITE_CONCURRENCY, (user) => write(userPagePath(user.id), userPage(user)))
  const sorted = [...users].sort(byRecentChange)
  await write(`${GALLERY_DIR}/data.js`, dataScript(sorted, pageSize))
  // The entry page last: once it links to a user, that user's page is there.
  const pages = indexPages(sorted, pageSize)
  await eachLimited(pages.slice(1), WRITE_CONCURRENCY, ([rel, html]) => write(rel, html))
  const first = pages[0]
  if (first !== undefined) await write(first[0], first[1])
  // Only once the entry page no longer links to them.
  await removeStalePages(join(gallery, 'pages'), pages.length)
  return {
    index: join(root, 'index.html'),
    users: users.length,
    photos: users.reduce((n, u) => n + u.photos.length, 0),
    files: { ...writer.stats },
  }
}
