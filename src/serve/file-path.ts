/**
 * `getFile`'s `file_path`, and back. The path carries the `file_id` itself (`<folder>/<file_id><ext>`), so any
 * `file_path` this endpoint handed out stays valid across restarts and nothing is kept per file; the folder and
 * extension only make the path readable, as the Bot API's `profile_photos/file_0.jpg` is.
 */
import type { ParsedFileId } from '../botapi/file-id.js'
import { documentThumbnailUniqueId, documentUniqueId, parseProfileFileId, photoSizeUniqueId } from '../botapi/file-id.js'

// MTProto's size letters of a profile photo's videos (`videoSize.type`).
const VIDEO_SIZES: ReadonlySet<string> = new Set(['u', 'v'])

/** The `file_path` of a file id; `extension` (with its dot) for whole documents, whose type the id does not tell. */
export function filePathOf(fileId: string, parsed: ParsedFileId, extension = ''): string {
  if (parsed.kind === 'documentThumbnail') return `thumbnails/${fileId}.jpg`
  if (parsed.kind === 'document') return `music/${fileId}${extension}`
  return VIDEO_SIZES.has(parsed.sizeType) ? `profile_videos/${fileId}.mp4` : `profile_photos/${fileId}.jpg`
}

/** The file id in a `file_path` from {@link filePathOf}; `undefined` for any other path. */
export function fileIdOfPath(filePath: string): { fileId: string; parsed: ParsedFileId } | undefined {
  const m = /^(?:profile_photos|profile_videos|music|thumbnails)\/([A-Za-z0-9_-]+)(?:\.[a-z0-9]{1,5})?$/.exec(filePath)
  if (m === null) return undefined
  const fileId = m[1] as string
  try {
    return { fileId, parsed: parseProfileFileId(fileId) }
  } catch {
    return undefined
  }
}

/** The `file_unique_id` of a parsed file id. */
export function uniqueIdOf(parsed: ParsedFileId): string {
  if (parsed.kind === 'photo') return photoSizeUniqueId(parsed.id, parsed.sizeType)
  if (parsed.kind === 'documentThumbnail') return documentThumbnailUniqueId(parsed.id, parsed.sizeType)
  return documentUniqueId(parsed.id)
}
