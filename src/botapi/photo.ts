/**
 * Pure mappers from MTProto photos to Bot API `PhotoSize[]` / `UserProfilePhotos`, following TDLib (which
 * telegram-bot-api runs on):
 *
 * - `photo.cpp` `get_photo`: sizes of type `i` (stripped), `j` (path), `t`, `p`, `u`, `v`, empty and invalid
 *   (not one ASCII letter) types are dropped; `photoStrippedSize`/`photoPathSize` become minithumbnails, not sizes.
 * - `get_photo_size`: a `photoSizeProgressive` counts as its largest step; a `photoCachedSize` as its byte length.
 * - `get_photo_sizes_object`: sorted by byte size, then by pixel count (smallest first).
 * - telegram-bot-api `json_store_file`: `file_size` only when non-zero.
 */
import { Api } from 'telegram'
import { photoSizeFileId, photoSizeUniqueId } from './file-id.js'
import type { PhotoRef } from './file-id.js'
import type { PhotoSize, ProfileVideoSize, UserProfilePhotos } from './types.js'

// Size letters TDLib never shows as photo sizes: stripped/path minithumbnails, secret-chat thumbnails, and the
// animated (video) profile sizes.
const DROPPED_TYPES: ReadonlySet<string> = new Set(['i', 'j', 't', 'p', 'u', 'v'])

interface RawSize {
  type: string
  width: number
  height: number
  bytes: number
}

// TDLib's get_dimensions: each side must be 1..65535, otherwise both are reported as 0.
function dimensions(w: number, h: number): { width: number; height: number } {
  const ok = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= 65535
  return ok(w) && ok(h) ? { width: w, height: h } : { width: 0, height: 0 }
}

function rawSize(size: Api.TypePhotoSize): RawSize | undefined {
  if (size instanceof Api.PhotoSize) {
    return { type: size.type, ...dimensions(size.w, size.h), bytes: size.size }
  }
  if (size instanceof Api.PhotoCachedSize) {
    return { type: size.type, ...dimensions(size.w, size.h), bytes: size.bytes.length }
  }
  if (size instanceof Api.PhotoSizeProgressive) {
    if (size.sizes.length === 0) return undefined
    return { type: size.type, ...dimensions(size.w, size.h), bytes: Math.max(...size.sizes) }
  }
  // photoSizeEmpty, photoStrippedSize, photoPathSize: no downloadable size.
  return undefined
}

function isValidType(type: string): boolean {
  return type.length === 1 && type.charCodeAt(0) < 128 && !DROPPED_TYPES.has(type)
}

function photoRef(photo: Api.Photo): PhotoRef {
  return { dcId: photo.dcId, id: photo.id, accessHash: photo.accessHash, fileReference: photo.fileReference }
}

/** Builds one Bot API `PhotoSize` with the Bot API's key order (`file_size` only when non-zero). */
export function botApiPhotoSize(fileId: string, uniqueId: string, bytes: number, width: number, height: number): PhotoSize {
  // Two literals rather than a later assignment: JSON key order must be file_id, file_unique_id, file_size, width,
  // height, and reassigning a key does not move it.
  return bytes > 0
    ? { file_id: fileId, file_unique_id: uniqueId, file_size: bytes, width, height }
    : { file_id: fileId, file_unique_id: uniqueId, width, height }
}

/**
 * The Bot API sizes of one photo, smallest first; `[]` for `photoEmpty`.
 *
 * @see https://core.telegram.org/bots/api#photosize
 */
export function toPhotoSizes(photo: Api.TypePhoto): PhotoSize[] {
  if (!(photo instanceof Api.Photo)) return []
  const ref = photoRef(photo)
  const sizes: RawSize[] = []
  for (const s of photo.sizes) {
    const raw = rawSize(s)
    if (raw !== undefined && isValidType(raw.type)) sizes.push(raw)
  }
  // Array.prototype.sort is stable, so equal sizes keep the server's order.
  sizes.sort((a, b) => a.bytes - b.bytes || a.width * a.height - b.width * b.height)
  return sizes.map((s) =>
    botApiPhotoSize(photoSizeFileId(ref, s.type), photoSizeUniqueId(photo.id, s.type), s.bytes, s.width, s.height),
  )
}

/**
 * The animated sizes of a profile photo (`videoSize` entries; emoji/sticker markups are skipped), for archival.
 * Ids follow TDLib's `get_animation_size` (file type Photo, thumbnail source with the video size letter).
 */
export function toProfileVideoSizes(photo: Api.TypePhoto): ProfileVideoSize[] {
  if (!(photo instanceof Api.Photo)) return []
  const ref = photoRef(photo)
  const out: ProfileVideoSize[] = []
  for (const v of photo.videoSizes ?? []) {
    if (!(v instanceof Api.VideoSize) || v.type.length !== 1 || v.type.charCodeAt(0) >= 128) continue
    const { width, height } = dimensions(v.w, v.h)
    const { file_id, file_unique_id, ...rest } = botApiPhotoSize(
      photoSizeFileId(ref, v.type),
      photoSizeUniqueId(photo.id, v.type),
      v.size,
      width,
      height,
    )
    const item: ProfileVideoSize = { type: v.type, file_id, file_unique_id, ...rest }
    if (v.videoStartTs !== undefined) item.video_start_ts = v.videoStartTs
    out.push(item)
  }
  return out
}

/**
 * Maps `photos.getUserPhotos`' answer to the Bot API's `UserProfilePhotos`.
 *
 * `total_count` is the user's total: `photos.photosSlice.count`, or the number of photos in `photos.photos` (which
 * the server sends when the list is complete). `photoEmpty` entries are skipped.
 *
 * @see https://core.telegram.org/bots/api#userprofilephotos
 */
export function toUserProfilePhotos(result: Api.photos.TypePhotos): UserProfilePhotos {
  const photos: PhotoSize[][] = []
  for (const p of result.photos) {
    if (p instanceof Api.Photo) photos.push(toPhotoSizes(p))
  }
  // photos.photos is the complete list, so its total is what it holds (empty entries are not photos).
  const total = result instanceof Api.photos.PhotosSlice ? result.count : photos.length
  return { total_count: total, photos }
}
