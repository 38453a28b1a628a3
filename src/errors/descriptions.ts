/**
 * The Bot API error texts this library produces, in one place (the emulator and the HTTP endpoint import them too).
 */

/** Exact `description` strings of the error table. */
export const DESCRIPTIONS = {
  /** The `user` / `user_id` argument is not a positive integer, a valid username, a t.me link or `"me"`. */
  invalidUserId: 'Bad Request: invalid user_id specified',
  /** No such user, or no access hash known for it. */
  userNotFound: 'Bad Request: user not found',
  /** `MAX_ID_INVALID`. */
  invalidMaxId: 'Bad Request: invalid max_id specified',
  /** `INPUT_USER_DEACTIVATED`. */
  userDeactivated: 'Forbidden: user is deactivated',
  /** The session is unusable: `AUTH_KEY_UNREGISTERED`, `SESSION_REVOKED`, `USER_DEACTIVATED*`, … */
  unauthorized: 'Unauthorized',
  /** `limit` outside 1..100 or not an integer. */
  invalidLimit: 'Bad Request: limit must be an integer between 1 and 100',
  /** `offset` negative or not an integer. */
  invalidOffset: 'Bad Request: offset must be a non-negative integer',
  /** `max_id` negative or not an integer. */
  negativeMaxId: 'Bad Request: max_id must be a non-negative integer',
  /** A `file_id` that is malformed or not of a downloadable kind. */
  invalidFileId: 'Bad Request: invalid file_id',
  /** A chat argument that is malformed, or names no chat the account can see. */
  chatNotFound: 'Bad Request: chat not found',
  /** Catch-all for failures that are not answers from Telegram. */
  internal: 'Internal Server Error',
} as const

/** `Too Many Requests: retry after X`, with the Bot API's wording. */
export function tooManyRequests(seconds: number): string {
  return `Too Many Requests: retry after ${seconds}`
}

/** Hint attached (outside `description`) when a numeric id has no known access hash. */
export const USER_NOT_CACHED_HINT =
  'This account has never seen that user, so it has no access hash for the id. Resolve the user once by @username ' +
  '(or fetch something that contains them); the id is then remembered in the entity cache beside the session.'

/** MTProto error names that mean "no such user" to the Bot API. */
export const USER_NOT_FOUND_ERRORS: ReadonlySet<string> = new Set([
  'USER_ID_INVALID',
  'PEER_ID_INVALID',
  'USERNAME_NOT_OCCUPIED',
  'USERNAME_INVALID',
])

/** MTProto error names after which the session cannot be used any more: `401 Unauthorized`. */
export const UNAUTHORIZED_ERRORS: ReadonlySet<string> = new Set([
  'AUTH_KEY_UNREGISTERED',
  'AUTH_KEY_INVALID',
  'AUTH_KEY_PERM_EMPTY',
  'SESSION_REVOKED',
  'SESSION_EXPIRED',
  'USER_DEACTIVATED',
  'USER_DEACTIVATED_BAN',
])
