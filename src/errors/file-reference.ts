import { BotApiError } from './bot-api-error.js'
import { toBotApiError } from './to-bot-api-error.js'

/** Hint attached to `FILE_REFERENCE_*` errors. */
export const FILE_REFERENCE_HINT =
  'The file reference inside this file_id has expired. List the photos or audios again (getUserProfilePhotos, ' +
  'iterUserProfilePhotos, getUserProfileAudios) to get a fresh file_id, then download with that.'

/**
 * Whether `error` (a raw GramJS RPC error or a translated {@link BotApiError}) says the file reference inside a
 * file id is no longer accepted (`FILE_REFERENCE_EXPIRED`, `FILE_REFERENCE_INVALID`, …): the file is still there,
 * and listing it again gives a file id that downloads.
 */
export function isFileReferenceError(error: unknown): boolean {
  const e = toBotApiError(error)
  return e instanceof BotApiError && e.mtprotoError?.startsWith('FILE_REFERENCE_') === true
}
