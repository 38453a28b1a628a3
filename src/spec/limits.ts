/**
 * Telegram's published limits, kept once: the client checks its arguments against them before any request, and the
 * emulator answers a request that breaks them with Telegram's error. Each limit names where it is documented.
 */

/**
 * The most items one page of `photos.getUserPhotos` or `users.getSavedMusic` returns (and the Bot API's
 * `getUserProfilePhotos` `limit` range, 1–100: core.telegram.org/bots/api#getuserprofilephotos).
 */
export const MAX_PAGE_LIMIT = 100

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

/** The largest `limit` of one `upload.getFile` call (core.telegram.org/api/files#downloading-files). */
export const MAX_PART_SIZE = 1024 * 1024
/** `offset` and `limit` of `upload.getFile` without `precise` are multiples of this. */
export const PART_ALIGNMENT = 4096
/** `offset` and `limit` of `upload.getFile` with `precise` are multiples of this. */
export const PRECISE_PART_ALIGNMENT = 1024

/**
 * Why Telegram refuses an `upload.getFile` window, or `undefined` when it accepts it (core.telegram.org/api/files):
 * without `precise`, `limit` is a multiple of 4096 that divides 1 MiB and `offset` a multiple of 4096; with
 * `precise`, both are multiples of 1024 and `limit` ≤ 1 MiB; in both modes a window never crosses a 1 MiB boundary.
 */
export function getFileWindowError(offset: number, limit: number, precise: boolean): 'LIMIT_INVALID' | 'OFFSET_INVALID' | undefined {
  const alignment = precise ? PRECISE_PART_ALIGNMENT : PART_ALIGNMENT
  if (!Number.isInteger(limit) || limit <= 0 || limit % alignment !== 0 || limit > MAX_PART_SIZE) return 'LIMIT_INVALID'
  if (!precise && MAX_PART_SIZE % limit !== 0) return 'LIMIT_INVALID'
  if (!Number.isInteger(offset) || offset < 0 || offset % alignment !== 0) return 'OFFSET_INVALID'
  if (Math.floor(offset / MAX_PART_SIZE) !== Math.floor((offset + limit - 1) / MAX_PART_SIZE)) return 'LIMIT_INVALID'
  return undefined
}

/**
 * The largest transport packet either side accepts. No message of the methods in use comes near it (a file part is
 * at most 1 MiB), so a declared length above it means a desynchronised stream, which is closed rather than buffered.
 */
export const MAX_PACKET = 16 * 1024 * 1024
