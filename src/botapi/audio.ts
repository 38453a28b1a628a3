/**
 * Pure mappers from MTProto audio documents (`users.savedMusic`) to the Bot API's `Audio` / `UserProfileAudios`,
 * with the field order telegram-bot-api prints (`JsonAudio`): duration, file_name, mime_type, title, performer,
 * thumbnail, file_id, file_unique_id, file_size; empty strings and zero sizes are omitted.
 */
import { Api } from 'telegram'
import { SavedMusic } from '../tl/index.js'
import type { TypeSavedMusic } from '../tl/index.js'
import { audioFileId, documentThumbnailFileId, documentThumbnailUniqueId, documentUniqueId } from './file-id.js'
import type { DocumentRef } from './file-id.js'
import { toBigInt } from '../spec/long.js'
import { botApiPhotoSize } from './photo.js'
import type { Audio, PhotoSize, UserProfileAudios } from './types.js'

function documentRef(document: Api.Document): DocumentRef {
  return { dcId: document.dcId, id: document.id, accessHash: document.accessHash, fileReference: document.fileReference }
}

// TDLib keeps the first real thumbnail of a document as its (album cover) thumbnail; stripped and path sizes are
// minithumbnails, not files.
function albumCover(document: Api.Document): PhotoSize | undefined {
  for (const t of document.thumbs ?? []) {
    let bytes: number
    if (t instanceof Api.PhotoSize) bytes = t.size
    else if (t instanceof Api.PhotoCachedSize) bytes = t.bytes.length
    else if (t instanceof Api.PhotoSizeProgressive && t.sizes.length > 0) bytes = Math.max(...t.sizes)
    else continue
    if (t.type.length !== 1 || t.type.charCodeAt(0) >= 128) continue
    const valid = t.w > 0 && t.h > 0 && t.w <= 65535 && t.h <= 65535
    return botApiPhotoSize(
      documentThumbnailFileId(documentRef(document), t.type),
      documentThumbnailUniqueId(document.id, t.type),
      bytes,
      valid ? t.w : 0,
      valid ? t.h : 0,
    )
  }
  return undefined
}

/**
 * The Bot API `Audio` of an MTProto document; `undefined` for `documentEmpty`.
 *
 * @see https://core.telegram.org/bots/api#audio
 */
export function toAudio(document: Api.TypeDocument): Audio | undefined {
  if (!(document instanceof Api.Document)) return undefined
  let duration = 0
  let title = ''
  let performer = ''
  let fileName = ''
  for (const a of document.attributes) {
    if (a instanceof Api.DocumentAttributeAudio) {
      duration = a.duration
      title = a.title ?? ''
      performer = a.performer ?? ''
    } else if (a instanceof Api.DocumentAttributeFilename) {
      fileName = a.fileName
    }
  }
  // Filled in the Bot API's key order (object keys keep insertion order); the required ids come after the optional
  // descriptive fields, so the object is only complete at the end.
  const ordered: Partial<Audio> & { duration: number } = { duration }
  if (fileName !== '') ordered.file_name = fileName
  if (document.mimeType !== '') ordered.mime_type = document.mimeType
  if (title !== '') ordered.title = title
  if (performer !== '') ordered.performer = performer
  const thumbnail = albumCover(document)
  if (thumbnail !== undefined) ordered.thumbnail = thumbnail
  ordered.file_id = audioFileId(documentRef(document))
  ordered.file_unique_id = documentUniqueId(document.id)
  const size = Number(toBigInt(document.size))
  if (size > 0) ordered.file_size = size
  return ordered as Audio
}

/**
 * Maps `users.getSavedMusic`' answer to the Bot API's `UserProfileAudios`. `total_count` is the server's `count`
 * (the user's total, not the page length); `documentEmpty` entries are skipped. A `users.savedMusicNotModified`
 * carries no documents, so it maps to its count and an empty list.
 *
 * @see https://core.telegram.org/bots/api#userprofileaudios
 */
export function toUserProfileAudios(result: TypeSavedMusic): UserProfileAudios {
  const audios: Audio[] = []
  if (result instanceof SavedMusic) {
    for (const d of result.documents) {
      const a = toAudio(d)
      if (a !== undefined) audios.push(a)
    }
  }
  return { total_count: result.count, audios }
}
