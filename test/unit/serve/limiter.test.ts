import { jest } from '@jest/globals'
import { RequestLimiter } from '../../../src/serve/limiter.js'
import { BotApiError } from '../../../src/errors/index.js'

describe('RequestLimiter', () => {
  it('gives turns up to maxInFlight, queues the next, and hands a released turn to the oldest waiter', async () => {
    const limiter = new RequestLimiter({ maxInFlight: 1, maxQueued: 1, queueTimeoutMs: 60_000 })
    const release = await limiter.acquire()
    let granted = false
    const waiting = limiter.acquire().then((r) => {
      granted = true
      return r
    })
    await Promise.resolve()
    expect([limiter.inFlight, granted]).toEqual([1, false])
    release()
    const second = await waiting
    expect([limiter.inFlight, granted]).toEqual([1, true])
    second()
    second()
    expect(limiter.inFlight).toBe(0)
  })

  it('refuses with 429 retry after 1 when the queue is full', async () => {
    const limiter = new RequestLimiter({ maxInFlight: 0, maxQueued: 0, queueTimeoutMs: 60_000 })
    const error = await limiter.acquire().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BotApiError)
    expect((error as BotApiError).toJSON()).toEqual({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } })
  })

  it('refuses a request that waited queueTimeoutMs', async () => {
    jest.useFakeTimers()
    try {
      const limiter = new RequestLimiter({ maxInFlight: 0, maxQueued: 1, queueTimeoutMs: 5000 })
      const waiting = limiter.acquire().catch((e: unknown) => e)
      jest.advanceTimersByTime(5000)
      expect(((await waiting) as BotApiError).error_code).toBe(429)
    } finally {
      jest.useRealTimers()
    }
  })
})
