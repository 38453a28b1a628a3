import bigInt from 'big-integer'
import type { Api } from 'telegram'
import { toUserProfileAudios } from '../botapi/audio.js'
import type { UserProfileAudios } from '../botapi/types.js'
import { getEntityCache } from '../client/entity-cache.js'
import type { EntityCache } from '../client/entity-cache.js'
import { callFailure, checkCallOptions } from '../client/deadline.js'
import type { CallOptions } from '../client/deadline.js'
import { invokeRequest } from '../client/invoke.js'
import type { ProfileClient } from '../client/invoke.js'
import { GetSavedMusic, SavedMusic, SavedMusicNotModified } from '../tl/index.js'
import type { TypeSavedMusic } from '../tl/index.js'
import { checkUserProfileAudiosParams } from './check-params.js'
import type { UserArgument } from './normalize.js'
import { resolveParsedUser } from './resolve-user.js'

/** Parameters of {@link getUserProfileAudios}, as in the Bot API. */
export interface GetUserProfileAudiosParams {
  /** The target user: positive integer id (number, bigint, numeric string), `@username`, `username`, t.me link, `"me"`. */
  user_id: UserArgument
  /** Sequential number of the first audio to be returned. Default 0. */
  offset?: number
  /** Number of audios to return, 1..100. Default 100. */
  limit?: number
}

/** Options of {@link getUserProfileAudios}: the deadline and signal of every call ({@link CallOptions}), and the cache. */
export interface GetUserProfileAudiosOptions extends CallOptions {
  /** Entity cache to use. Default: the one attached to the client. */
  cache?: EntityCache
}

/**
 * One raw page of a resolved user's profile audios: `users.getSavedMusic` with hash 0, narrowed to its two answers.
 * {@link getUserProfileAudios} maps it to the Bot API; the archiver maps it too, keeping each document's `date`
 * (the Bot API `Audio` has none). Errors are passed on untranslated.
 *
 * @see https://core.telegram.org/method/users.getSavedMusic
 */
export async function getUserProfileAudiosPage(
  client: ProfileClient,
  inputUser: Api.TypeInputUser,
  page: { offset: number; limit: number },
  options: CallOptions = {},
): Promise<TypeSavedMusic> {
  const request = new GetSavedMusic({ id: inputUser, offset: page.offset, limit: page.limit, hash: bigInt.zero })
  const result = await invokeRequest(client, request, options)
  if (!(result instanceof SavedMusic) && !(result instanceof SavedMusicNotModified)) {
    throw new TypeError('users.getSavedMusic: expected users.SavedMusic | users.SavedMusicNotModified')
  }
  return result
}

/**
 * The Bot API's `getUserProfileAudios` (Bot API 9.4), answered by one MTProto `users.getSavedMusic` call (hash 0)
 * after resolving the user. A `users.savedMusicNotModified` answer gives `total_count` with no audios. Failures are
 * as for `getUserProfilePhotos`: `BotApiError`, `NetworkError` (`TimeoutError` past `options.timeoutMs`), or the
 * signal's reason.
 *
 * @see https://core.telegram.org/bots/api#getuserprofileaudios
 * @see https://core.telegram.org/method/users.getSavedMusic
 */
export async function getUserProfileAudios(
  client: ProfileClient,
  params: GetUserProfileAudiosParams,
  options: GetUserProfileAudiosOptions = {},
): Promise<UserProfileAudios> {
  const method = 'getUserProfileAudios'
  try {
    checkCallOptions(method, options)
    const { user, offset, limit } = checkUserProfileAudiosParams(params)
    const cache = options.cache ?? getEntityCache(client)
    const { inputUser } = await resolveParsedUser(client, user, { ...options, cache, method })
    return toUserProfileAudios(await getUserProfileAudiosPage(client, inputUser, { offset, limit }, options))
  } catch (error) {
    throw callFailure(error, method, options)
  }
}
