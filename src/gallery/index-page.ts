/**
 * The index: `index.html` in the archive folder shows the first page of users (most recent change first) as plain
 * HTML, with links to the next pages (`gallery/pages/<n>.html`), so the archive reads without JavaScript. With
 * JavaScript, `gallery/index.js` takes over from one data file (`gallery/data.js`, a script: `file://` pages may not
 * fetch) and sorts, searches and pages every user in the browser, rendering one page of tiles at a time.
 */
import { GALLERY_DIR, page, thumbOf, tile } from './html.js'
import type { GalleryUser } from './model.js'

/** Users on one page of the index. */
export const DEFAULT_PAGE_SIZE = 100

/** Most recent change first, then by id: the order of the pages without JavaScript. */
export function byRecentChange(a: GalleryUser, b: GalleryUser): number {
  return b.latest - a.latest || a.id - b.id
}

/** The path (relative to the archive) of index page `n` (1-based). */
export function indexPagePath(n: number): string {
  return n === 1 ? 'index.html' : `${GALLERY_DIR}/pages/${n}.html`
}

function pager(current: number, pages: number, depth: number): string {
  if (pages <= 1) return ''
  const base = '../'.repeat(depth)
  const links = Array.from({ length: pages }, (_, i) => {
    const n = i + 1
    return n === current
      ? `<li><a aria-current="page">${n}</a></li>`
      : `<li><a href="${base}${indexPagePath(n)}">${n}</a></li>`
  })
  return `<nav class="pager" aria-label="Pages"><ol>${links.join('')}</ol></nav>`
}

function header(total: number, photos: number, interactive: boolean): string {
  const controls = interactive
    ? `<form class="controls" role="search" hidden>` +
      `<label for="q">Search</label><input id="q" type="search" placeholder="id or username" autocomplete="off">` +
      `<label for="sort">Sort by</label><select id="sort">` +
      `<option value="recent">Most recent change</option><option value="photos">Most photos</option>` +
      `<option value="id">User id</option></select></form>`
    : ''
  return (
    `<header><h1>tg-profile archive</h1>` +
    `<p class="summary">${total} user${total === 1 ? '' : 's'}, ${photos} profile photo${photos === 1 ? '' : 's'}</p>` +
    `${controls}</header>`
  )
}

/**
 * Every page of the index, in order: `[path relative to the archive, HTML]`. `users` are sorted by
 * {@link byRecentChange} already.
 */
export function indexPages(users: readonly GalleryUser[], pageSize: number): [string, string][] {
  const photos = users.reduce((n, u) => n + u.photos.length, 0)
  const pages = Math.max(1, Math.ceil(users.length / pageSize))
  return Array.from({ length: pages }, (_, i) => {
    const n = i + 1
    const depth = n === 1 ? 0 : 2
    const slice = users.slice(i * pageSize, n * pageSize)
    const status = `<p id="status" class="status" role="status" aria-live="polite">Users ${i * pageSize + (slice.length > 0 ? 1 : 0)}–${i * pageSize + slice.length} of ${users.length}, most recent change first</p>`
    const body =
      `${header(users.length, photos, n === 1)}\n<main id="main">${status}\n` +
      `<ol id="tiles" class="tiles">\n${slice.map((u) => tile(u, depth)).join('\n')}\n</ol>\n` +
      `<div id="pager">${pager(n, pages, depth)}</div></main>`
    const scripts = n === 1 ? ['data.js', 'index.js'] : []
    return [indexPagePath(n), page({ title: n === 1 ? 'tg-profile archive' : `tg-profile archive, page ${n}`, depth, body, scripts })]
  })
}

/** One user as the index script sees it: `[id, username, photo count, latest, thumbnail path, gone count]`. */
export type TileData = [number, string, number, number, string, number]

/**
 * `gallery/data.js`: every user's tile as one JSON array assigned to `window.TGP_GALLERY`. JSON is valid
 * JavaScript; `<` and the two line separators JSON allows but old parsers do not are escaped anyway.
 */
export function dataScript(users: readonly GalleryUser[], pageSize: number): string {
  const rows: TileData[] = users.map((u) => {
    const newest = u.photos[0]
    const thumb = newest === undefined ? undefined : thumbOf(newest).thumb
    const gone = u.photos.filter((p) => p.state === 'gone').length
    return [u.id, u.username ?? '', u.photos.length, u.latest, thumb?.path ?? '', gone]
  })
  const json = JSON.stringify({ pageSize, users: rows }).replace(/[<\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return `window.TGP_GALLERY = ${json};\n`
}
