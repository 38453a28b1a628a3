import { Api } from 'telegram'
import { parseProfileFileId } from '../botapi/file-id.js'
import type { ParsedFileId } from '../botapi/file-id.js'
import { toBigInteger } from '../spec/long.js'
import { BotApiError, DESCRIPTIONS } from '../errors/index.js'

/** Where to download a file from: the MTProto location and the DC that stores it. */
export interface FileLocation {
  /** `inputPhotoFileLocation` for photo sizes, `inputDocumentFileLocation` for documents and their thumbnails. */
  location: Api.InputPhotoFileLocation | Api.InputDocumentFileLocation
  /** The DC to send `upload.getFile` to. */
  dcId: number
  /** Everything the `file_id` said. */
  parsed: ParsedFileId
}

/**
 * Turns a `file_id` produced by this library (a profile photo size, a profile video size, an audio or its album
 * cover) back into an MTProto download location.
 *
 * @throws BotApiError 400 `Bad Request: invalid file_id` for anything else
 */
export function fileIdToLocation(fileId: string): FileLocation {
  let parsed: ParsedFileId
  try {
    parsed = parseProfileFileId(fileId)
  } catch (cause) {
    throw new BotApiError(400, DESCRIPTIONS.invalidFileId, { cause })
  }
  const common = {
    id: toBigInteger(parsed.id),
    accessHash: toBigInteger(parsed.accessHash),
    fileReference: Buffer.from(parsed.fileReference),
    thumbSize: parsed.sizeType,
  }
  const location =
    parsed.kind === 'photo' ? new Api.InputPhotoFileLocation(common) : new Api.InputDocumentFileLocation(common)
  return { location, dcId: parsed.dcId, parsed }
}
