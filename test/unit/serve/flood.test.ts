import { withFloodWaits } from '../../../src/serve/flood.js'
import { BotApiError } from '../../../src/errors/index.js'

const flood = (seconds: number): BotApiError =>
  new BotApiError(429, `Too Many Requests: retry after ${seconds}`, { parameters: { retry_after: seconds } })

describe('withFloodWaits', () => {
  it('repeats a call after a wait that fits in the budget', async () => {
    const answers: (BotApiError | string)[] = [flood(0), flood(0), 'done']
    const calls: number[] = []
    const result = await withFloodWaits(async () => {
      calls.push(calls.length)
      const next = answers.shift()
      if (next instanceof BotApiError) throw next
      return next
    }, { budgetMs: 0 })
    expect([result, calls]).toEqual(['done', [0, 1, 2]])
  })

  it('throws a wait longer than the budget as it came', async () => {
    const error = flood(61)
    await expect(withFloodWaits(() => Promise.reject(error), { budgetMs: 60_000 })).rejects.toBe(error)
  })

  it('passes other errors through at once', async () => {
    const error = new BotApiError(400, 'Bad Request: user not found')
    await expect(withFloodWaits(() => Promise.reject(error), { budgetMs: 60_000 })).rejects.toBe(error)
  })
})
