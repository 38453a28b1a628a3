/**
 * Deadlines and cancellation for every call that talks to Telegram. GramJS puts no deadline on a request: one whose
 * answer never comes (a connection GramJS gave up on, an answer lost) waits forever. Here every request races a
 * timer and the caller's `AbortSignal`; the call ends with {@link TimeoutError} or the signal's reason, whichever
 * comes first (ky's `timeout` + `signal`, grammY's `signal` on every call).
 */
import { BotApiError, TimeoutError, toBotApiError } from '../errors/index.js'

/** How long a request waits for its answer unless told otherwise (telegram-bot-api waits no longer for Telegram). */
export const DEFAULT_TIMEOUT_MS = 30_000

/**
 * How long connecting and logging in may take with a request deadline of `timeoutMs`: a few round trips and
 * GramJS's own reconnect attempts, so twice the deadline.
 */
export function connectTimeoutMs(timeoutMs: number | undefined): number {
  return 2 * (timeoutMs ?? DEFAULT_TIMEOUT_MS)
}

/** The longest deadline accepted: Node's timers fire at once beyond 2^31 - 1 ms. */
const MAX_TIMEOUT_MS = 2_147_483_647

/** The options every library call that talks to Telegram takes, beside its own. */
export interface CallOptions {
  /**
   * Milliseconds each request to Telegram may wait for its answer; when one passes, the call fails with a
   * {@link TimeoutError} (a `NetworkError`: worth retrying). A call of several requests (resolving a username, then
   * listing; a download of several parts) gives each its own deadline. Default 30 000.
   */
  timeoutMs?: number
  /**
   * Aborting it ends the call at once, rejecting with `signal.reason` (a `DOMException` named `AbortError` unless
   * `abort()` was given a reason), as `fetch` does. An answer that arrives later is dropped. Default: none.
   */
  signal?: AbortSignal
}

/**
 * Checks `options` before any network call: a deadline that is not a positive integer number of milliseconds is a
 * caller's mistake (400, like any bad parameter), and a signal already aborted ends the call before it starts.
 */
export function checkCallOptions(method: string, options: CallOptions): void {
  const { timeoutMs, signal } = options
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS)) {
    throw new BotApiError(400, `Bad Request: timeoutMs must be an integer between 1 and ${MAX_TIMEOUT_MS}`, { method })
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new BotApiError(400, 'Bad Request: signal must be an AbortSignal', { method })
  }
  signal?.throwIfAborted()
}

/**
 * `work` (one request sent to Telegram, named `request` in the timeout error), or a {@link TimeoutError} after
 * `options.timeoutMs`, or the signal's reason once it aborts. The timer and the listener are removed once it settles.
 * `onAbandon` is told when the deadline or the signal ended the call before `work` settled.
 */
export function withDeadline<T>(
  work: Promise<T>,
  request: string,
  options: CallOptions = {},
  onAbandon?: (reason: unknown) => void,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = new TimeoutError(request, timeoutMs)
      onAbandon?.(reason)
      reject(reason)
    }, timeoutMs)
  })
  return untilAborted(Promise.race([work, timeout]), options.signal, onAbandon).finally(() => clearTimeout(timer))
}

/**
 * `work`, or the signal's reason once `signal` aborts, for work that waits on a person rather than on Telegram (a
 * login waiting at a prompt has no deadline, but Ctrl-C ends it).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, onAbandon?: (reason: unknown) => void): Promise<T> {
  if (signal === undefined) return work
  if (signal.aborted) {
    work.catch(() => undefined)
    onAbandon?.(signal.reason)
    return Promise.reject(signal.reason)
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      onAbandon?.(signal.reason)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

/**
 * What a library call throws for `error`: the signal's own reason when the caller aborted (passed through untouched,
 * so `error === signal.reason`), otherwise the Bot API / network error of the one translation table.
 */
export function callFailure(error: unknown, method: string, options: CallOptions = {}): unknown {
  if (options.signal?.aborted === true && error === options.signal.reason) return error
  return toBotApiError(error, method)
}
