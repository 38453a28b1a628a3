import { NetworkError } from './network-error.js'

/**
 * A request got no answer within its deadline (`timeoutMs`). A {@link NetworkError}: nothing is known to have been
 * done, and sending the request again is usually right (as ky's `TimeoutError` is an `HTTPError`'s sibling for a
 * response that never came).
 */
export class TimeoutError extends NetworkError {
  override name = 'TimeoutError'
  /** The deadline that passed, in milliseconds. */
  readonly timeoutMs: number
  /** The MTProto method that got no answer (`photos.getUserPhotos`, …). */
  readonly request: string

  constructor(request: string, timeoutMs: number, options: { method?: string } = {}) {
    super(`Network error: no answer to ${request} within ${timeoutMs} ms`, { ...options, code: 'ETIMEDOUT' })
    this.timeoutMs = timeoutMs
    this.request = request
  }

  override withMethod(method: string): TimeoutError {
    if (this.method === method) return this
    return new TimeoutError(this.request, this.timeoutMs, { method })
  }
}
