import { TgProfileError } from './tg-profile-error.js'

/**
 * The request never got an answer from Telegram: connection refused/closed/reset, timeout, not connected.
 * Distinct from {@link BotApiError}, which is an answer. Usually worth retrying after reconnecting.
 */
export class NetworkError extends TgProfileError {
  override name = 'NetworkError'
  /** The library method that failed, when known. */
  readonly method: string | undefined
  /** The Node.js error code (`ECONNREFUSED`, …) when the failure came from a socket. */
  readonly code: string | undefined

  constructor(message: string, options: { method?: string; code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.method = options.method
    this.code = options.code
  }

  /** A copy that records which library method failed. */
  withMethod(method: string): NetworkError {
    if (this.method === method) return this
    return new NetworkError(this.message, { method, code: this.code, cause: this.cause })
  }
}
