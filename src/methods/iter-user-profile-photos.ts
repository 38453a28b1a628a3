import { Api } from 'telegram'
import { toPhotoSizes, toProfileVideoSizes } from '../botapi/photo.js'
import type { PhotoSize, ProfileVideoSize } from '../botapi/types.js'
import { getEntityCache } from '../client/entity-cache.js'
import type { EntityCache } from '../client/entity-cache.js'
import { callFailure, checkCallOptions } from '../client/deadline.js'
import type { CallOptions } from '../client/deadline.js'
import type { ProfileClient } from '../client/invoke.js'
import { BotApiError, DESCRIPTIONS } from '../errors/index.js'
import { fetchUserPhotosPage } from './get-user-profile-photos.js'
import { MAX_LIMIT, normalizeMaxId, normalizeOffset, parseUserArgument } from './normalize.js'
import type { UserArgument } from './normalize.js'
import { resolveParsedUser } from './resolve-user.js'

/** One profile photo as {@link iterUserProfilePhotos} yields it. */
export interface ProfilePhotoItem {
  /** The MTProto photo id, as a decimal string. */
  photo_id: string
  /** Unix time the photo was set. */
  date: number
  /** The DC that stores the photo. */
  dc_id: number
  /** The Bot API sizes, smallest first (what `getUserProfilePhotos` would return for it). */
  sizes: PhotoSize[]
  /** The animated sizes, when it is a video profile photo. */
  video_sizes: ProfileVideoSize[]
  /** The raw MTProto photo. */
  photo: Api.Photo
}

/** Options of {@link iterUserProfilePhotos}; `timeoutMs` and `signal` ({@link CallOptions}) apply to every page. */
export interface IterUserProfilePhotosOptions extends CallOptions {
  /** Only photos with an id below this one. Default 0 (no bound). */
  max_id?: number | bigint | string
  /** Number of photos to skip first. Default 0. */
  offset?: number
  /** Photos per request, 1..100. Default 100 (the fewest calls). */
  pageSize?: number
  /** Entity cache to use. Default: the one attached to the client. */
  cache?: EntityCache
}

/**
 * Every profile photo of a user, newest first, 100 per `photos.getUserPhotos` call: ⌈n/100⌉ calls for n photos
 * (one call when there are none). Pages are requested by `offset`, so photo ids need not be monotonic. Iteration
 * ends after a `photos.photos` answer (the server sent everything), an empty page, or once the offset reaches the
 * total count.
 *
 * Arguments are checked before the first call; failures are `BotApiError` / `NetworkError` (`TimeoutError` when a
 * page gets no answer within `options.timeoutMs`), or the signal's reason once `options.signal` aborts.
 */
export async function* iterUserProfilePhotos(
  client: ProfileClient,
  user: UserArgument,
  options: IterUserProfilePhotosOptions = {},
): AsyncGenerator<ProfilePhotoItem, void, undefined> {
  const method = 'iterUserProfilePhotos'
  let parsed
  let offset: number
  let maxId: bigint
  let pageSize: number
  try {
    checkCallOptions(method, options)
    parsed = parseUserArgument(user)
    offset = normalizeOffset(options.offset)
    maxId = normalizeMaxId(options.max_id)
    pageSize = options.pageSize ?? MAX_LIMIT
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_LIMIT) {
      throw new BotApiError(400, DESCRIPTIONS.invalidLimit)
    }
  } catch (error) {
    throw callFailure(error, method, options)
  }
  const cache = options.cache ?? getEntityCache(client)
  let userId: Api.TypeInputUser
  try {
    userId = (await resolveParsedUser(client, parsed, { ...options, cache, method })).inputUser
  } catch (error) {
    throw callFailure(error, method, options)
  }
  for (;;) {
    let page: Api.photos.TypePhotos
    try {
      page = await fetchUserPhotosPage(client, cache, { userId, offset, limit: pageSize, maxId }, options)
    } catch (error) {
      throw callFailure(error, method, options)
    }
    for (const photo of page.photos) {
      if (!(photo instanceof Api.Photo)) continue
      yield {
        photo_id: photo.id.toString(),
        date: photo.date,
        dc_id: photo.dcId,
        sizes: toPhotoSizes(photo),
        video_sizes: toProfileVideoSizes(photo),
        photo,
      }
    }
    // photoEmpty entries still take a place in the server's list, so they advance the offset too.
    offset += page.photos.length
    if (page instanceof Api.photos.Photos || page.photos.length === 0 || offset >= page.count) return
  }
}
