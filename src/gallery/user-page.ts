/**
 * A user's page: the avatar history as a timeline, newest first, each photo with its date, its state (on the
 * profile, gone from Telegram, back), its video avatar playing muted in a loop, links to every archived file, and
 * the Bot API file ids in read-only fields to copy. Readable without JavaScript; the script only adds copy buttons.
 */
import { displayName, escapeHtml, formatDate, href, page, thumbOf, timeTag } from './html.js'
import type { GalleryAudio, GalleryFile, GalleryPhoto, GalleryUser } from './model.js'

/** User pages live in `gallery/users/`, two folders below the archive. */
const DEPTH = 2

function stateBadge(state: GalleryPhoto['state'], markedAt: number | undefined): string {
  const when = markedAt !== undefined && markedAt > 0 ? ` (noticed ${formatDate(markedAt)})` : ''
  if (state === 'gone') return `<p class="badge gone">Gone from Telegram${when}; the archived files remain.</p>`
  if (state === 'back') return `<p class="badge back">Back on the profile${when} after being gone.</p>`
  return ''
}

function idField(label: string, value: string | undefined, uid: string): string {
  if (value === undefined) return ''
  return (
    `<div class="fid"><label for="${uid}">${label}</label>` +
    `<input id="${uid}" type="text" readonly value="${escapeHtml(value)}" spellcheck="false"></div>`
  )
}

function fileLinks(files: readonly GalleryFile[], what: string): string {
  return files
    .map((f) => `<a href="${href(DEPTH, f.path)}">${what} ${escapeHtml(f.size)} ${f.width}×${f.height}, ${f.bytes} bytes</a>`)
    .join('')
}

function media(photo: GalleryPhoto, n: number): string {
  const { thumb, full } = thumbOf(photo)
  const when = formatDate(photo.date)
  const video = photo.videos[0]
  if (video !== undefined) {
    const poster = thumb !== undefined ? ` poster="${href(DEPTH, thumb.path)}"` : ''
    return (
      `<video src="${href(DEPTH, video.path)}"${poster} width="240" height="240" muted loop autoplay playsinline controls ` +
      `preload="metadata" aria-label="Video avatar ${n}, set ${when}"></video>`
    )
  }
  if (thumb === undefined || full === undefined) return ''
  return (
    `<a href="${href(DEPTH, full.path)}"><img src="${href(DEPTH, thumb.path)}" width="240" height="240" ` +
    `loading="lazy" decoding="async" alt="Profile photo ${n}, set ${when}"></a>`
  )
}

function photoItem(photo: GalleryPhoto, n: number): string {
  const largest = photo.sizes[photo.sizes.length - 1] ?? photo.videos[photo.videos.length - 1]
  const p = `p${escapeHtml(photo.photoId)}`
  const video = photo.videos.length > 0 ? ' video' : ''
  return (
    `<li class="photo ${photo.state}${video}" id="${p}" data-date="${photo.date}">` +
    `<figure>${media(photo, n)}<figcaption>` +
    `<h3>${timeTag(photo.date)}${photo.videos.length > 0 ? ' <span class="tag">video</span>' : ''}</h3>` +
    stateBadge(photo.state, photo.markedAt) +
    `<p class="files">${fileLinks(photo.sizes, 'photo')}${fileLinks(photo.videos, 'video')}</p>` +
    idField('file_id', largest?.fileId, `${p}-fid`) +
    idField('file_unique_id', largest?.fileUniqueId, `${p}-fuid`) +
    `</figcaption></figure></li>`
  )
}

function audioItem(audio: GalleryAudio): string {
  const title = [audio.performer, audio.title].filter((s) => s !== undefined && s !== '').join(' – ') || audio.documentId
  const gone = audio.state === 'gone' ? ' <span class="tag gone">gone</span>' : ''
  const a = `a${escapeHtml(audio.documentId)}`
  return (
    `<li class="audio ${audio.state}"><p><a href="${href(DEPTH, audio.file.path)}">${escapeHtml(title)}</a> ` +
    `${timeTag(audio.date)}${gone}</p>` +
    `<audio src="${href(DEPTH, audio.file.path)}" controls preload="none" aria-label="${escapeHtml(title)}"></audio>` +
    idField('file_id', audio.file.fileId, `${a}-fid`) +
    idField('file_unique_id', audio.file.fileUniqueId, `${a}-fuid`) +
    `</li>`
  )
}

function counts(user: GalleryUser): string {
  const gone = user.photos.filter((p) => p.state === 'gone').length
  const videos = user.photos.filter((p) => p.videos.length > 0).length
  const parts = [`${user.photos.length} photo${user.photos.length === 1 ? '' : 's'}`]
  if (videos > 0) parts.push(`${videos} with video`)
  if (gone > 0) parts.push(`${gone} gone from Telegram`)
  if (user.audios.length > 0) parts.push(`${user.audios.length} audio${user.audios.length === 1 ? '' : 's'}`)
  return parts.join(', ')
}

/** The HTML of a user's page (`gallery/users/<id>.html`). */
export function userPage(user: GalleryUser): string {
  const name = displayName(user)
  const photos = user.photos.map((p, i) => photoItem(p, user.photos.length - i)).join('\n')
  const audios =
    user.audios.length === 0 ? '' : `<h2>Profile audios</h2><ol class="audios">${user.audios.map(audioItem).join('\n')}</ol>`
  const body =
    `<header><nav><a href="../../index.html">← All users</a></nav>` +
    `<h1>${escapeHtml(name)}</h1><p class="id">User id ${user.id} · ${counts(user)}</p></header>\n` +
    `<main id="main"><h2>Avatar history, newest first</h2>\n<ol class="timeline">\n${photos}\n</ol>\n${audios}</main>`
  return page({ title: `${name} · tg-profile gallery`, depth: DEPTH, body, scripts: ['user.js'] })
}
