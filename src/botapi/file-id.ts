/**
 * TDLib / Bot API file ids for profile photos and audios, built and parsed with `@mtcute/file-id` (which implements
 * TDLib's persistent id format: TL-serialized location, zero-run encoding, version bytes, base64url).
 *
 * - A photo size's `file_id` is file type **Photo** with a **Thumbnail** photo-size source carrying the size letter,
 *   the photo's dc id, file reference, id and access hash (TDLib `get_photo_size` with `PhotoSizeSource::thumbnail`).
 * - Its `file_unique_id` is the photo id plus one byte for the size (`a`→0, `c`→1, otherwise the letter + 5), so every
 *   size of a photo has its own unique id and none depends on the file reference.
 * - An audio's `file_id` is file type **Audio** with a common (id + access hash) location; its album cover thumbnail
 *   is file type **Thumbnail** with a thumbnail source on the document.
 */
import { parseFileId, tdFileId, toFileId, toUniqueFileId } from '@mtcute/file-id'
import { toBigInt, toLong } from '../spec/long.js'
import type { LongLike } from '../spec/long.js'

const { FileType } = tdFileId

/** Where a photo lives, as `Api.Photo` describes it. */
export interface PhotoRef {
  /** The DC that stores the photo (`photo.dc_id`). */
  dcId: number
  /** `photo.id`. */
  id: LongLike
  /** `photo.access_hash`. */
  accessHash: LongLike
  /** `photo.file_reference` (may be empty). */
  fileReference: Uint8Array
}

/** Where a document lives, as `Api.Document` describes it. */
export type DocumentRef = PhotoRef

function fileReferenceOrNull(ref: Uint8Array): Uint8Array | null {
  // TDLib only sets the file-reference flag when there is one; an empty reference must not add the flag.
  return ref.length === 0 ? null : ref
}

function assertSizeLetter(sizeType: string, context: string): void {
  if (sizeType.length !== 1 || sizeType.charCodeAt(0) >= 128) {
    throw new TypeError(`${context}: size type must be one ASCII letter, got ${JSON.stringify(sizeType)}`)
  }
}

/** The Bot API `file_id` of one size (`sizeType`, e.g. `"x"`) of a photo. */
export function photoSizeFileId(photo: PhotoRef, sizeType: string): string {
  assertSizeLetter(sizeType, 'photoSizeFileId')
  return toFileId({
    dcId: photo.dcId,
    type: FileType.Photo,
    fileReference: fileReferenceOrNull(photo.fileReference),
    location: {
      _: 'photo',
      id: toLong(photo.id),
      accessHash: toLong(photo.accessHash),
      source: { _: 'thumbnail', fileType: FileType.Photo, thumbnailType: sizeType },
    },
  })
}

/** The Bot API `file_unique_id` of one size of a photo: depends on the photo id and the size letter only. */
export function photoSizeUniqueId(photoId: LongLike, sizeType: string): string {
  assertSizeLetter(sizeType, 'photoSizeUniqueId')
  return toUniqueFileId(FileType.Photo, {
    _: 'photo',
    id: toLong(photoId),
    source: { _: 'thumbnail', fileType: FileType.Photo, thumbnailType: sizeType },
  })
}

/** The Bot API `file_id` of an audio document (TDLib file type Audio). */
export function audioFileId(document: DocumentRef): string {
  return toFileId({
    dcId: document.dcId,
    type: FileType.Audio,
    fileReference: fileReferenceOrNull(document.fileReference),
    location: { _: 'common', id: toLong(document.id), accessHash: toLong(document.accessHash) },
  })
}

/** The Bot API `file_unique_id` of any document: depends on the document id only. */
export function documentUniqueId(documentId: LongLike): string {
  return toUniqueFileId(FileType.Audio, { _: 'common', id: toLong(documentId) })
}

/** The Bot API `file_id` of a document thumbnail (e.g. an audio's album cover, size `m`). */
export function documentThumbnailFileId(document: DocumentRef, sizeType: string): string {
  assertSizeLetter(sizeType, 'documentThumbnailFileId')
  return toFileId({
    dcId: document.dcId,
    type: FileType.Thumbnail,
    fileReference: fileReferenceOrNull(document.fileReference),
    location: {
      _: 'photo',
      id: toLong(document.id),
      accessHash: toLong(document.accessHash),
      source: { _: 'thumbnail', fileType: FileType.Thumbnail, thumbnailType: sizeType },
    },
  })
}

/** The Bot API `file_unique_id` of a document thumbnail. */
export function documentThumbnailUniqueId(documentId: LongLike, sizeType: string): string {
  assertSizeLetter(sizeType, 'documentThumbnailUniqueId')
  return toUniqueFileId(FileType.Thumbnail, {
    _: 'photo',
    id: toLong(documentId),
    source: { _: 'thumbnail', fileType: FileType.Thumbnail, thumbnailType: sizeType },
  })
}

/** What a `file_id` produced by this library says, in plain values. */
export interface ParsedFileId {
  /**
   * `photo`: a photo size (download with `inputPhotoFileLocation`, `thumbSize` = {@link sizeType});
   * `document`: a whole document such as an audio (`inputDocumentFileLocation`, empty `thumbSize`);
   * `documentThumbnail`: a document thumbnail (`inputDocumentFileLocation`, `thumbSize` = {@link sizeType}).
   */
  kind: 'photo' | 'document' | 'documentThumbnail'
  /** TDLib file type number (`tdFileId.FileType`). */
  fileType: number
  /** The DC that stores the file. */
  dcId: number
  /** Photo or document id. */
  id: bigint
  /** Photo or document access hash. */
  accessHash: bigint
  /** File reference (empty when the id carries none). */
  fileReference: Uint8Array
  /** Size letter for photos and thumbnails; `''` for whole documents. */
  sizeType: string
}

/**
 * Parses a Bot API / TDLib `file_id` of a photo size, a document or a document thumbnail. Throws a `TypeError`
 * naming the problem for anything else (malformed ids, web files, legacy locations, encrypted/secure files).
 */
export function parseProfileFileId(fileId: string): ParsedFileId {
  let parsed: ReturnType<typeof parseFileId>
  try {
    parsed = parseFileId(fileId)
  } catch (cause) {
    throw new TypeError('parseProfileFileId: not a valid file_id', { cause })
  }
  const loc = parsed.location
  const fileReference = parsed.fileReference ?? new Uint8Array(0)
  if (loc._ === 'photo') {
    if (loc.source._ !== 'thumbnail') {
      throw new TypeError(`parseProfileFileId: unsupported photo source ${loc.source._}`)
    }
    const isPhoto = loc.source.fileType === FileType.Photo
    if (!isPhoto && loc.source.fileType !== FileType.Thumbnail) {
      throw new TypeError(`parseProfileFileId: unsupported thumbnail file type ${loc.source.fileType}`)
    }
    return {
      kind: isPhoto ? 'photo' : 'documentThumbnail',
      fileType: parsed.type,
      dcId: parsed.dcId,
      id: toBigInt(loc.id),
      accessHash: toBigInt(loc.accessHash),
      fileReference,
      sizeType: loc.source.thumbnailType,
    }
  }
  if (loc._ === 'common') {
    const t = parsed.type
    if (t === FileType.Encrypted || t === FileType.Secure || t === FileType.SecureRaw || t === FileType.Temp) {
      throw new TypeError(`parseProfileFileId: file type ${t} has no MTProto download location`)
    }
    return {
      kind: 'document',
      fileType: t,
      dcId: parsed.dcId,
      id: toBigInt(loc.id),
      accessHash: toBigInt(loc.accessHash),
      fileReference,
      sizeType: '',
    }
  }
  throw new TypeError('parseProfileFileId: web files have no MTProto download location')
}
