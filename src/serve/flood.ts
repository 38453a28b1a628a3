/**
 * Telegram's FLOOD_WAIT, seen by an HTTP client: a wait that fits in what is left of the request's budget is waited
 * out here and the call repeated (the client sees only a slower answer); a longer one is the Bot API's
 * `429 Too Many Requests` with `retry_after`, for the client to schedule.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { BotApiError } from '../errors/index.js'

/** Options of {@link withFloodWaits}. */
export interface FloodWaitOptions {
  /** Milliseconds a request may spend waiting out flood waits, in total. */
  budgetMs: number
  /** Aborting it ends a wait at once with the signal's reason. */
  signal?: AbortSignal
}

/** The `retry_after` of a flood wait answer, else `undefined`. */
export function retryAfterOf(error: unknown): number | undefined {
  return error instanceof BotApiError && error.error_code === 429 ? error.parameters?.retry_after : undefined
}

/** `call()`, repeated after each flood wait that fits in `options.budgetMs`; a longer wait is thrown as it came. */
export async function withFloodWaits<T>(call: () => Promise<T>, options: FloodWaitOptions): Promise<T> {
  let left = options.budgetMs
  for (;;) {
    try {
      return await call()
    } catch (error) {
      const seconds = retryAfterOf(error)
      if (seconds === undefined || seconds * 1000 > left) throw error
      left -= seconds * 1000
      await sleep(seconds * 1000, undefined, options.signal === undefined ? {} : { signal: options.signal }).catch(() => {
        throw options.signal?.reason ?? error
      })
    }
  }
}
