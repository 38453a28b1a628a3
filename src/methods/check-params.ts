/**
 * The argument checks of the page calls, apart from the calls themselves, so a caller (the CLI) can reject bad input
 * before it connects or reads credentials: the errors are the calls' own Bot API 400s.
 */
import { toBotApiError } from '../errors/index.js'
import { normalizeLimit, normalizeMaxId, normalizeOffset, parseUserArgument } from './normalize.js'
import type { ParsedUser } from './normalize.js'
import type { GetUserProfilePhotosParams } from './get-user-profile-photos.js'
import type { GetUserProfileAudiosParams } from './get-user-profile-audios.js'

/** A page call's arguments, checked: the user parsed, offset and limit within the Bot API's bounds. */
export interface CheckedPageParams {
  readonly user: ParsedUser
  readonly offset: number
  readonly limit: number
}

function checked<T>(method: string, check: () => T): T {
  try {
    return check()
  } catch (error) {
    throw toBotApiError(error, method)
  }
}

/**
 * Checks the arguments of `getUserProfilePhotos` without a request; throws its `BotApiError` 400 for bad input.
 */
export function checkUserProfilePhotosParams(params: GetUserProfilePhotosParams): CheckedPageParams & { readonly maxId: bigint } {
  return checked('getUserProfilePhotos', () => ({
    user: parseUserArgument(params.user_id),
    offset: normalizeOffset(params.offset),
    limit: normalizeLimit(params.limit),
    maxId: normalizeMaxId(params.max_id),
  }))
}

/** Checks the arguments of `getUserProfileAudios` without a request; throws its `BotApiError` 400 for bad input. */
export function checkUserProfileAudiosParams(params: GetUserProfileAudiosParams): CheckedPageParams {
  return checked('getUserProfileAudios', () => ({
    user: parseUserArgument(params.user_id),
    offset: normalizeOffset(params.offset),
    limit: normalizeLimit(params.limit),
  }))
}
