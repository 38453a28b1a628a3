/**
 * A bound on the requests the endpoint works on at once: one account, one connection to Telegram, whose flood limits
 * count per account. Requests beyond the bound wait in a queue of bounded length and for a bounded time; one that
 * finds the queue full or waits too long is answered `429 Too Many Requests` with `retry_after`.
 */
import { BotApiError, tooManyRequests } from '../errors/index.js'

/** Seconds a client refused for load is told to wait. */
export const BUSY_RETRY_AFTER = 1

function busy(): BotApiError {
  return new BotApiError(429, tooManyRequests(BUSY_RETRY_AFTER), { parameters: { retry_after: BUSY_RETRY_AFTER } })
}

interface Waiter {
  grant: () => void
  timer: NodeJS.Timeout
}

/** Bounds of a {@link RequestLimiter}. */
export interface LimiterBounds {
  /** Requests worked on at once. */
  readonly maxInFlight: number
  /** Requests waiting for a turn; one more is refused at once. */
  readonly maxQueued: number
  /** Milliseconds a request waits for its turn before it is refused. */
  readonly queueTimeoutMs: number
}

/** Turns for requests: {@link acquire} one, call the release it returns when done. */
export class RequestLimiter {
  private running = 0
  private readonly queue: Waiter[] = []

  constructor(private readonly bounds: LimiterBounds) {}

  /** Requests being worked on now. */
  get inFlight(): number {
    return this.running
  }

  /**
   * Resolves with the release of a turn; rejects with the Bot API's 429 when the queue is full or the wait too long.
   */
  acquire(): Promise<() => void> {
    if (this.running < this.bounds.maxInFlight) {
      this.running++
      return Promise.resolve(this.releaser())
    }
    if (this.queue.length >= this.bounds.maxQueued) return Promise.reject(busy())
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer)
          resolve(this.releaser())
        },
        timer: setTimeout(() => {
          this.queue.splice(this.queue.indexOf(waiter), 1)
          reject(busy())
        }, this.bounds.queueTimeoutMs),
      }
      this.queue.push(waiter)
    })
  }

  private releaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.queue.shift()
      // The turn passes straight to the next waiter: the count stays.
      if (next !== undefined) next.grant()
      else this.running--
    }
  }
}
