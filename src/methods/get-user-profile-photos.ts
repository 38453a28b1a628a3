import { Api } from 'telegram'
import { assertTypeIs } from '../botapi/assert.js'
import { toBigInteger } from '../spec/long.js'
import { toUserProfilePhotos } from '../botapi/photo.js'
import type { UserProfilePhotos } from '../botapi/types.js'
import { getEntityCache } from '../client/entity-cache.js'
import type { EntityCache } from '../client/entity-cache.js'
import { callFailure, checkCallOptions } from '../client/deadline.js'
import type { CallOptions } from '../client/deadline.js'
import { invokeRequest } from '../client/invoke.js'
import type { ProfileClient } from '../client/invoke.js'
import { checkUserProfilePhotosParams } from './check-params.js'
import type { UserArgument } from './normalize.js'
import { resolveParsedUser } from './resolve-user.js'

/** Parameters of {@link getUserProfilePhotos}: the Bot API's, plus `max_id`. */
export interface GetUserProfilePhotosParams {
  /** The target user: positive integer id (number, bigint, numeric string), `@username`, `username`, t.me link, `"me"`. */
  user_id: UserArgument
  /** Sequential number of the first photo to be returned. Default 0 (the newest). */
  offset?: number
  /** Number of photos to return, 1..100. Default 100. */
  limit?: number
  /** Only photos with an id below this one (MTProto `max_id`; not in the Bot API). Default 0 (no bound). */
  max_id?: number | bigint | string
}

/** Options of {@link getUserProfilePhotos}: the deadline and signal of every call ({@link CallOptions}), and the cache. */
export interface GetUserProfilePhotosOptions extends CallOptions {
  /** Entity cache to use. Default: the one attached to the client. */
  cache?: EntityCache
}

/** One page of `photos.getUserPhotos` for an already resolved user; users in the answer fill `cache`. */
export async function fetchUserPhotosPage(
  client: ProfileClient,
  cache: EntityCache,
  request: { userId: Api.TypeInputUser; offset: number; limit: number; maxId: bigint },
  options: CallOptions = {},
): Promise<Api.photos.TypePhotos> {
  const result = await invokeRequest(
    client,
    new Api.photos.GetUserPhotos({
      userId: request.userId,
      offset: request.offset,
      limit: request.limit,
      maxId: toBigInteger(request.maxId),
    }),
    options,
  )
  assertTypeIs<Api.photos.TypePhotos>('photos.getUserPhotos', result, Api.photos.Photos, Api.photos.PhotosSlice)
  cache.addUsers(result.users)
  return result
}

/**
 * The Bot API's `getUserProfilePhotos`, answered by one MTProto `photos.getUserPhotos` call (after resolving the
 * user, see `resolveUser`). Parameters are checked before any network call; every failure is a `BotApiError` or a
 * `NetworkError` (see `toBotApiError`): a `TimeoutError` when a request gets no answer within `options.timeoutMs`,
 * or the signal's reason once `options.signal` aborts.
 *
 * @see https://core.telegram.org/bots/api#getuserprofilephotos
 * @see https://core.telegram.org/method/photos.getUserPhotos
 */
export async function getUserProfilePhotos(
  client: ProfileClient,
  params: GetUserProfilePhotosParams,
  options: GetUserProfilePhotosOptions = {},
): Promise<UserProfilePhotos> {
  const method = 'getUserProfilePhotos'
  try {
    checkCallOptions(method, options)
    const { user, offset, limit, maxId } = checkUserProfilePhotosParams(params)
    const cache = options.cache ?? getEntityCache(client)
    const { inputUser } = await resolveParsedUser(client, user, { ...options, cache, method })
    const result = await fetchUserPhotosPage(client, cache, { userId: inputUser, offset, limit, maxId }, options)
    return toUserProfilePhotos(result)
  } catch (error) {
    throw callFailure(error, method, options)
  }
}
