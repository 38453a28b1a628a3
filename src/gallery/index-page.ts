/**
 * The index: `index.html` in the archive folder shows the first page of users (most recent change first) as plain
 * HTML, with links to the next pages (`gallery/pages/<n>.html`), so the archive reads without JavaScript. With
 * JavaScript, `gallery/index.js` takes over from one data file (`gallery/data.js`, a script: `file://` pages may not
 * fetch) and sorts, searches and pages every user in the browser, rendering one page of tiles at a time.
 *
 * Every part is made from {@link TileData} rows in index order, one page at a time, so a build can stream them.
 */
import { GALLERY_DIR, page, tile, tileData, type TileData } from './html.js'
import type { GalleryUser } from './model.js'

export type { TileData } from './html.js'

/** Users on one page of the index. */
export const DEFAULT_PAGE_SIZE = 100

/** Most recent change first, then by id: the order of the pages without JavaScript (a total order: ids are unique). */
export function byRecentChange(a: TileData, b: TileData): number {
  return b[3] - a[3] || a[0] - b[0]
}

/** The path (relative to the archive) of index page `n` (1-based). */
export function indexPagePath(n: number): string {
  return n === 1 ? 'index.html' : `${GALLERY_DIR}/pages/${n}.html`
}

/** What every page of the index says about the whole archive. */
export interface IndexTotals {
  /** Users shown. */
  readonly users: number
  /** Profile photos, over all users. */
  readonly photos: number
  /** Users per page. */
  readonly pageSize: number
}

/** How many pages the index has (at least one, which says the archive is empty). */
export function pageCount(totals: IndexTotals): number {
  return Math.max(1, Math.ceil(totals.users / totals.pageSize))
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
 * Page `n` (1-based) of the index: `[path relative to the archive, HTML]`. `rows` are that page's users, in
 * {@link byRecentChange} order.
 */
export function indexPage(n: number, rows: readonly TileData[], totals: IndexTotals): [string, string] {
  const first = (n - 1) * totals.pageSize
  const depth = n === 1 ? 0 : 2
  const status = `<p id="status" class="status" role="status" aria-live="polite">Users ${first + (rows.length > 0 ? 1 : 0)}–${first + rows.length} of ${totals.users}, most recent change first</p>`
  const body =
    `${header(totals.users, totals.photos, n === 1)}\n<main id="main">${status}\n` +
    `<ol id="tiles" class="tiles">\n${rows.map((r) => tile(r, depth)).join('\n')}\n</ol>\n` +
    `<div id="pager">${pager(n, pageCount(totals), depth)}</div></main>`
  const scripts = n === 1 ? ['data.js', 'index.js'] : []
  return [indexPagePath(n), page({ title: n === 1 ? 'tg-profile archive' : `tg-profile archive, page ${n}`, depth, body, scripts })]
}

/** Every page of the index, in order, for users held at once (any order). */
export function indexPages(users: readonly GalleryUser[], pageSize: number): [string, string][] {
  const rows = users.map(tileData).sort(byRecentChange)
  const totals = { users: rows.length, photos: rows.reduce((n, r) => n + r[2], 0), pageSize }
  return Array.from({ length: pageCount(totals) }, (_, i) => indexPage(i + 1, rows.slice(i * pageSize, (i + 1) * pageSize), totals))
}

/** The start of `gallery/data.js`, up to its first row. */
export function dataScriptHead(pageSize: number): string {
  return `window.TGP_GALLERY = {"pageSize":${JSON.stringify(pageSize)},"users":[`
}

/**
 * One row of `gallery/data.js`, as JSON. JSON is valid JavaScript; `<` and the two line separators JSON allows but
 * old parsers do not are escaped anyway, so no `</script>` in a username closes anything.
 */
export function dataScriptRow(row: TileData): string {
  return JSON.stringify(row).replace(/[<\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** The end of `gallery/data.js`, after its last row. */
export const DATA_SCRIPT_TAIL = ']};\n'

/**
 * `gallery/data.js` for users held at once: every user's tile as one JSON object assigned to `window.TGP_GALLERY`
 * (`{ pageSize, users: TileData[] }`), rows in {@link byRecentChange} order.
 */
export function dataScript(users: readonly GalleryUser[], pageSize: number): string {
  const rows = users.map(tileData).sort(byRecentChange)
  return `${dataScriptHead(pageSize)}${rows.map(dataScriptRow).join(',')}${DATA_SCRIPT_TAIL}`
}
