/**
 * Input checks shared by every method. Each throws a `400` {@link BotApiError} from the one description table, and
 * all of them run before any network call.
 */
import { BotApiError, DESCRIPTIONS } from '../errors/index.js'

/** What a `user` argument may be: a positive integer id, `@username`, `username`, a t.me link, or `"me"`. */
export type UserArgument = number | bigint | string

/** A `user` argument after validation. */
export type ParsedUser =
  | { readonly kind: 'self' }
  | { readonly kind: 'id'; readonly id: bigint }
  | { readonly kind: 'username'; readonly username: string }

const MAX_ID = (1n << 63n) - 1n
const NUMERIC = /^[1-9][0-9]{0,18}$/
const LINK = /^(?:https?:\/\/)?(?:www\.)?(?:t|telegram)\.me\/@?([A-Za-z0-9_]+)\/?$/i

/** The smallest username length accepted: Fragment's collectible usernames can have 4 characters. */
export const MIN_USERNAME_LENGTH = 4
/** The largest username length Telegram allows. */
export const MAX_USERNAME_LENGTH = 32

/**
 * Telegram's username rule (TDLib `is_valid_username`): letters, digits and `_`, starting with a letter, not ending
 * with `_`, no `__`, at most 32 characters; at least {@link MIN_USERNAME_LENGTH} (collectible usernames are shorter
 * than the 5 characters a user may pick).
 */
export function isValidUsername(name: string): boolean {
  return (
    name.length >= MIN_USERNAME_LENGTH &&
    name.length <= MAX_USERNAME_LENGTH &&
    /^[A-Za-z][A-Za-z0-9_]*$/.test(name) &&
    !name.endsWith('_') &&
    !name.includes('__')
  )
}

function invalidUser(): BotApiError {
  return new BotApiError(400, DESCRIPTIONS.invalidUserId)
}

/**
 * Validates a `user` argument. Usernames come back lower-cased (Telegram usernames are case-insensitive).
 *
 * @throws BotApiError 400 `Bad Request: invalid user_id specified`
 */
export function parseUserArgument(user: unknown): ParsedUser {
  if (typeof user === 'number') {
    if (!Number.isSafeInteger(user) || user <= 0) throw invalidUser()
    return { kind: 'id', id: BigInt(user) }
  }
  if (typeof user === 'bigint') {
    if (user <= 0n || user > MAX_ID) throw invalidUser()
    return { kind: 'id', id: user }
  }
  if (typeof user !== 'string') throw invalidUser()
  const text = user.trim()
  if (text.toLowerCase() === 'me') return { kind: 'self' }
  if (NUMERIC.test(text)) {
    const id = BigInt(text)
    if (id > MAX_ID) throw invalidUser()
    return { kind: 'id', id }
  }
  const link = LINK.exec(text)
  const name = link?.[1] ?? (text.startsWith('@') ? text.slice(1) : text)
  if (!isValidUsername(name)) throw invalidUser()
  return { kind: 'username', username: name.toLowerCase() }
}

/** Default and maximum `limit` of the Bot API's `getUserProfilePhotos` / `getUserProfileAudios`. */
export const MAX_LIMIT = 100

/**
 * `limit`: an integer in 1..100, default 100.
 *
 * @throws BotApiError 400 `Bad Request: limit must be an integer between 1 and 100`
 */
export function normalizeLimit(limit: unknown): number {
  if (limit === undefined) return MAX_LIMIT
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new BotApiError(400, DESCRIPTIONS.invalidLimit)
  }
  return limit
}

/**
 * `offset`: a non-negative integer (it is an MTProto `int`), default 0.
 *
 * @throws BotApiError 400 `Bad Request: offset must be a non-negative integer`
 */
export function normalizeOffset(offset: unknown): number {
  if (offset === undefined) return 0
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset > 0x7fffffff) {
    throw new BotApiError(400, DESCRIPTIONS.invalidOffset)
  }
  return offset
}

/**
 * `max_id`: a photo id (non-negative 64-bit integer as number, bigint or decimal string), default 0 (no bound).
 *
 * @throws BotApiError 400 `Bad Request: max_id must be a non-negative integer`
 */
export function normalizeMaxId(maxId: unknown): bigint {
  if (maxId === undefined) return 0n
  const bad = (): BotApiError => new BotApiError(400, DESCRIPTIONS.negativeMaxId)
  let value: bigint
  if (typeof maxId === 'number') {
    if (!Number.isSafeInteger(maxId)) throw bad()
    value = BigInt(maxId)
  } else if (typeof maxId === 'bigint') {
    value = maxId
  } else if (typeof maxId === 'string' && /^[0-9]{1,19}$/.test(maxId.trim())) {
    value = BigInt(maxId.trim())
  } else {
    throw bad()
  }
  if (value < 0n || value > MAX_ID) throw bad()
  return value
}
