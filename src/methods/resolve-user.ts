import { Api } from 'telegram'
import bigInt from 'big-integer'
import { getEntityCache } from '../client/entity-cache.js'
import type { EntityCache } from '../client/entity-cache.js'
import { callFailure, checkCallOptions } from '../client/deadline.js'
import type { CallOptions } from '../client/deadline.js'
import { invokeRequest } from '../client/invoke.js'
import type { ProfileClient } from '../client/invoke.js'
import { BotApiError, DESCRIPTIONS, USER_NOT_CACHED_HINT } from '../errors/index.js'
import { parseUserArgument } from './normalize.js'
import type { ParsedUser, UserArgument } from './normalize.js'

/** Options of {@link resolveUser}: the deadline and signal of every call ({@link CallOptions}), the cache, the method name. */
export interface ResolveUserOptions extends CallOptions {
  /** The entity cache to read and fill. Default: the one attached to the client (`attachEntityCache`). */
  cache?: EntityCache
  /** The method name recorded on errors. Default `resolveUser`. */
  method?: string
}

/** A user ready for MTProto requests. */
export interface ResolvedUser {
  /** `inputUser` with the cached access hash, or `inputUserSelf` for `"me"`. */
  inputUser: Api.InputUser | Api.InputUserSelf
  /** The user id; for `"me"` only when the cache has seen the account's own user object. */
  userId: bigint | undefined
}

function inputUser(id: bigint, accessHash: bigint): Api.InputUser {
  return new Api.InputUser({ userId: bigInt(id.toString()), accessHash: bigInt(accessHash.toString()) })
}

/** Resolves an already validated user argument (see {@link resolveUser}). */
export async function resolveParsedUser(
  client: ProfileClient,
  user: ParsedUser,
  options: ResolveUserOptions = {},
): Promise<ResolvedUser> {
  const cache = options.cache ?? getEntityCache(client)
  const method = options.method ?? 'resolveUser'
  if (user.kind === 'self') return { inputUser: new Api.InputUserSelf(), userId: cache.selfId }
  if (user.kind === 'id') {
    if (user.id === cache.selfId) return { inputUser: new Api.InputUserSelf(), userId: user.id }
    const known = cache.get(user.id)
    if (known === undefined) {
      throw new BotApiError(400, DESCRIPTIONS.userNotFound, { method, hint: USER_NOT_CACHED_HINT })
    }
    return { inputUser: inputUser(known.id, known.accessHash), userId: known.id }
  }
  const known = cache.getByUsername(user.username)
  if (known !== undefined) return { inputUser: inputUser(known.id, known.accessHash), userId: known.id }

  let result: unknown
  try {
    result = await invokeRequest(client, new Api.contacts.ResolveUsername({ username: user.username }), options)
  } catch (error) {
    throw callFailure(error, method, options)
  }
  if (!(result instanceof Api.contacts.ResolvedPeer)) {
    throw new TypeError(`${method}: contacts.resolveUsername answered with something other than contacts.ResolvedPeer`)
  }
  cache.addUsers(result.users)
  // A username of a channel or group is not a user.
  if (!(result.peer instanceof Api.PeerUser)) throw new BotApiError(400, DESCRIPTIONS.userNotFound, { method })
  const id = BigInt(result.peer.userId.toString())
  const entry = cache.get(id)
  if (entry === undefined) {
    // The server named a user but sent no usable user object for it (min or missing).
    throw new BotApiError(400, DESCRIPTIONS.userNotFound, { method })
  }
  return { inputUser: inputUser(entry.id, entry.accessHash), userId: entry.id }
}

/**
 * Turns a user argument into an `InputUser`.
 *
 * - `"me"` → `inputUserSelf`, no network call;
 * - a numeric id → the access hash from the entity cache, no network call; an id never seen is
 *   `400 Bad Request: user not found` with a hint (`error.hint`) to resolve the username once;
 * - `@username`, `username`, `https://t.me/username` → the cache, or one `contacts.resolveUsername` the first time
 *   (its users fill the cache).
 *
 * @param client a GramJS `TelegramClient` (or anything with its `invoke`)
 * @param user positive integer id (number, bigint or numeric string), `@username`, `username`, t.me link or `"me"`
 * @throws BotApiError 400 `invalid user_id specified` before any network call when `user` is malformed
 * @throws TimeoutError when `contacts.resolveUsername` gets no answer within `options.timeoutMs`; the signal's reason
 *   once `options.signal` aborts
 */
export async function resolveUser(
  client: ProfileClient,
  user: UserArgument,
  options: ResolveUserOptions = {},
): Promise<ResolvedUser> {
  const method = options.method ?? 'resolveUser'
  let parsed: ParsedUser
  try {
    checkCallOptions(method, options)
    parsed = parseUserArgument(user)
  } catch (error) {
    throw callFailure(error, method, options)
  }
  return resolveParsedUser(client, parsed, options)
}
