/**
 * Getting past an expired file reference. A file id carries a file reference that Telegram lets expire; the file is
 * still there, and the only way to a fresh reference is listing the file where it was found again. The CLI and the
 * archiver both recover through {@link withFreshFileReference}; they differ only in how they list again.
 */
import { parseProfileFileId } from '../botapi/file-id.js'
import type { ParsedFileId } from '../botapi/file-id.js'
import type { CallOptions } from '../client/deadline.js'
import type { ProfileClient } from '../client/invoke.js'
import { isFileReferenceError } from '../errors/index.js'
import { MAX_LIMIT } from './normalize.js'
import { getUserProfileAudios } from './get-user-profile-audios.js'
import { iterUserProfilePhotos } from './iter-user-profile-photos.js'

function sameFile(candidate: string | undefined, wanted: ParsedFileId): boolean {
  if (candidate === undefined) return false
  const c = parseProfileFileId(candidate)
  return c.kind === wanted.kind && c.id === wanted.id && c.sizeType === wanted.sizeType
}

/**
 * A fresh `file_id` for the same file as `fileId` (same photo or document id and size letter), found by listing
 * `user`'s profile photos or audios again: a `file_id` carries no owner, so an expired file reference can only be
 * refreshed when the caller says whose profile it came from. `undefined` when that profile no longer has the file.
 */
export async function findFileId(
  client: ProfileClient,
  user: string,
  fileId: string | ParsedFileId,
  options: CallOptions = {},
): Promise<string | undefined> {
  const wanted = typeof fileId === 'string' ? parseProfileFileId(fileId) : fileId
  if (wanted.kind === 'photo') {
    for await (const item of iterUserProfilePhotos(client, user, options)) {
      if (item.photo_id !== wanted.id.toString()) continue
      const all = [...item.sizes.map((x) => x.file_id), ...item.video_sizes.map((x) => x.file_id)]
      return all.find((id) => sameFile(id, wanted))
    }
    return undefined
  }
  for (let offset = 0; ; offset += MAX_LIMIT) {
    const page = await getUserProfileAudios(client, { user_id: user, offset, limit: MAX_LIMIT }, options)
    for (const audio of page.audios) {
      if (sameFile(audio.file_id, wanted)) return audio.file_id
      if (sameFile(audio.thumbnail?.file_id, wanted)) return audio.thumbnail?.file_id
    }
    if (page.audios.length === 0 || offset + page.audios.length >= page.total_count) return undefined
  }
}

/** The outcome of {@link withFreshFileReference}. */
export type FreshReferenceResult<T> =
  /** `use` succeeded (after `refreshes` fresh references). */
  | { readonly listed: true; readonly value: T; readonly refreshes: number }
  /** Listing again no longer found the file; `error` is the file reference error that sent it looking. */
  | { readonly listed: false; readonly error: unknown; readonly refreshes: number }

/** Options of {@link withFreshFileReference}. */
export interface FreshReferenceOptions {
  /** Fresh references to try before the file reference error is thrown. Default 3. */
  readonly maxRefreshes?: number
  /** Called before each refresh (1 for the first), e.g. to report a retry. */
  readonly onRefresh?: (attempt: number) => void
}

/**
 * Runs `use(id)`; while it fails with a file reference error ({@link isFileReferenceError}), gets a fresh id from
 * `refresh(stale)` and runs `use` again, up to `maxRefreshes` times. Any other error, and a file reference error
 * after the last refresh, is thrown. `refresh` answering `undefined` (the file is no longer listed) ends it with
 * `listed: false`.
 */
export async function withFreshFileReference<I, T>(
  first: I,
  use: (id: I) => Promise<T>,
  refresh: (stale: I) => Promise<I | undefined>,
  options: FreshReferenceOptions = {},
): Promise<FreshReferenceResult<T>> {
  const maxRefreshes = options.maxRefreshes ?? 3
  let id = first
  for (let refreshes = 0; ; refreshes++) {
    try {
      return { listed: true, value: await use(id), refreshes }
    } catch (error) {
      if (!isFileReferenceError(error) || refreshes >= maxRefreshes) throw error
      options.onRefresh?.(refreshes + 1)
      const fresh = await refresh(id)
      if (fresh === undefined) return { listed: false, error, refreshes: refreshes + 1 }
      id = fresh
    }
  }
}
