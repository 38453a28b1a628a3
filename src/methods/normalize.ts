/**
 * Input checks shared by every method. Each throws a `400` {@link BotApiError} from the one description table, and
 * all of them run before any network call.
 */
import { BotApiError, DESCRIPTIONS } from '../errors/index.js'
import { isValidUsername, MAX_PAGE_LIMIT as MAX_LIMIT } from '../spec/limits.js'

export { isValidUsername, MAX_LIMIT }
export { MIN_USERNAME_LENGTH, MAX_USERNAME_LENGTH } from '../spec/limits.js'

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

/** What a `chat` argument may be: `@username`, `username`, a t.me link, or a Bot API chat id (`-100…`, `-…`, or the bare id). */
export type ChatArgument = number | bigint | string

/** A `chat` argument after validation. */
export type ParsedChat =
  | { readonly kind: 'username'; readonly username: string }
  /** `channel`: a supergroup or channel (`-100…`); `group`: a basic group (`-…`); `any`: a bare positive id. */
  | { readonly kind: 'channel' | 'group' | 'any'; readonly id: bigint }

/** Bot API chat ids of supergroups and channels are `-(10^12 + channel_id)`. */
export const CHANNEL_ID_OFFSET = 1_000_000_000_000n
const CHAT_ID = /^-?[1-9][0-9]{0,18}$/

function chatNotFound(): BotApiError {
  return new BotApiError(400, DESCRIPTIONS.chatNotFound)
}

/**
 * Validates a `chat` argument. Usernames come back lower-cased; Bot API ids are split into the MTProto id and its kind.
 *
 * @throws BotApiError 400 `Bad Request: chat not found`
 */
export function parseChatArgument(chat: unknown): ParsedChat {
  const text = typeof chat === 'number' || typeof chat === 'bigint' ? String(chat) : typeof chat === 'string' ? chat.trim() : undefined
  if (text === undefined) throw chatNotFound()
  if (CHAT_ID.test(text)) {
    const id = BigInt(text)
    if (id > 0n) return { kind: 'any', id }
    if (-id > CHANNEL_ID_OFFSET) return { kind: 'channel', id: -id - CHANNEL_ID_OFFSET }
    // Basic groups are -1 … -(10^12 - 1); -10^12 itself is no chat.
    if (-id === CHANNEL_ID_OFFSET) throw chatNotFound()
    return { kind: 'group', id: -id }
  }
  const link = LINK.exec(text)
  const name = link?.[1] ?? (text.startsWith('@') ? text.slice(1) : text)
  if (!isValidUsername(name)) throw chatNotFound()
  return { kind: 'username', username: name.toLowerCase() }
}
