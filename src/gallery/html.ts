/**
 * The HTML every gallery page shares: escaping, the page shell, dates, and the user tile of the index. Every string
 * that comes from the manifest (usernames, names, titles, file ids, paths) goes through {@link escapeHtml}.
 */
import type { GalleryFile, GalleryPhoto, GalleryUser } from './model.js'

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string)
}

/** A path relative to the archive folder as a URL relative to a page `depth` folders below it. */
export function href(depth: number, path: string): string {
  return escapeHtml('../'.repeat(depth) + path.split('/').map(encodeURIComponent).join('/'))
}

/** `2026-01-31 14:05 UTC` for a Unix time. */
export function formatDate(unix: number): string {
  return `${new Date(unix * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** A `<time>` element for a Unix time. */
export function timeTag(unix: number): string {
  return `<time datetime="${new Date(unix * 1000).toISOString()}">${formatDate(unix)}</time>`
}

/** How a user is called on a page: `@username`, else the id. */
export function displayName(user: Pick<GalleryUser, 'id' | 'username'>): string {
  if (user.username !== undefined && user.username !== '') return `@${user.username}`
  return String(user.id)
}

/** The smallest archived size of a photo (the thumbnail), and its largest (what the thumbnail links to). */
export function thumbOf(photo: GalleryPhoto): { thumb: GalleryFile | undefined; full: GalleryFile | undefined } {
  return { thumb: photo.sizes[0], full: photo.sizes[photo.sizes.length - 1] }
}

/** The folder (relative to the archive) that holds the gallery's own files. */
export const GALLERY_DIR = 'gallery'

/** A user page's path relative to the archive folder. */
export function userPagePath(id: number): string {
  return `${GALLERY_DIR}/users/${id}.html`
}

/** A complete page: `depth` is how many folders below the archive folder it lives. */
export function page(options: { title: string; depth: number; body: string; scripts?: readonly string[] }): string {
  const base = '../'.repeat(options.depth)
  const scripts = (options.scripts ?? []).map((s) => `<script src="${base}${GALLERY_DIR}/${s}"></script>`).join('\n')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="${base}${GALLERY_DIR}/style.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
${options.body}
${scripts}
</body>
</html>
`
}

/**
 * What the index shows of a user: `[id, username ('' when none), photo count, latest, thumbnail path ('' when
 * none), gone count]`. It is also the user's row in `gallery/data.js`, and all a build keeps of a user once the
 * user's page is written.
 */
export type TileData = [number, string, number, number, string, number]

/** A user's {@link TileData}: the newest photo's smallest size as the thumbnail. */
export function tileData(user: GalleryUser): TileData {
  const newest = user.photos[0]
  const thumb = newest === undefined ? undefined : thumbOf(newest).thumb
  const gone = user.photos.filter((p) => p.state === 'gone').length
  return [user.id, user.username ?? '', user.photos.length, user.latest, thumb?.path ?? '', gone]
}

/** One user as a tile of the index: newest avatar, name, photo count, date of the latest change. */
export function tile([id, username, photos, latest, thumb]: TileData, depth: number): string {
  const name = displayName({ id, username })
  // Archived paths are never empty: an empty one is a user without a photo size to show.
  const img =
    thumb === ''
      ? `<span class="noimg" aria-hidden="true"></span>`
      : `<img src="${href(depth, thumb)}" alt="" width="160" height="160" loading="lazy" decoding="async">`
  const count = `${photos} photo${photos === 1 ? '' : 's'}`
  const when = latest > 0 ? ` · ${timeTag(latest)}` : ''
  return (
    `<li class="tile"><a href="${href(depth, userPagePath(id))}">${img}` +
    `<span class="name">${escapeHtml(name)}</span><span class="id">${id}</span>` +
    `<span class="meta">${count}${when}</span></a></li>`
  )
}
