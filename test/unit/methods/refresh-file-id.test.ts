import { jest } from '@jest/globals'
import { BotApiError, isFileReferenceError } from '../../../src/errors/index.js'
import { withFreshFileReference } from '../../../src/methods/refresh-file-id.js'

const expired = (): BotApiError =>
  new BotApiError(400, 'Bad Request: FILE_REFERENCE_EXPIRED', { mtprotoError: 'FILE_REFERENCE_EXPIRED' })

describe('isFileReferenceError', () => {
  it('is true for FILE_REFERENCE_* answers, raw or translated, and false for anything else', () => {
    expect(isFileReferenceError(expired())).toBe(true)
    expect(isFileReferenceError(new BotApiError(400, 'Bad Request: FILE_REFERENCE_INVALID', { mtprotoError: 'FILE_REFERENCE_INVALID' }))).toBe(true)
    expect(isFileReferenceError(new BotApiError(400, 'Bad Request: LOCATION_INVALID', { mtprotoError: 'LOCATION_INVALID' }))).toBe(false)
    expect(isFileReferenceError(new Error('FILE_REFERENCE_EXPIRED'))).toBe(false)
  })
})

describe('withFreshFileReference', () => {
  it('uses the first id when it works, refreshing nothing', async () => {
    const refresh = jest.fn(async () => 'b')
    await expect(withFreshFileReference('a', async (id) => `got ${id}`, refresh)).resolves.toEqual({ listed: true, value: 'got a', refreshes: 0 })
    expect(refresh).not.toHaveBeenCalled()
  })

  it('refreshes after each file reference error and uses the fresh id, reporting each attempt', async () => {
    const used: string[] = []
    const attempts: number[] = []
    const result = await withFreshFileReference(
      'a',
      async (id) => {
        used.push(id)
        if (id !== 'c') throw expired()
        return id
      },
      async (stale) => (stale === 'a' ? 'b' : 'c'),
      { onRefresh: (n) => attempts.push(n) },
    )
    expect(result).toEqual({ listed: true, value: 'c', refreshes: 2 })
    expect(used).toEqual(['a', 'b', 'c'])
    expect(attempts).toEqual([1, 2])
  })

  it('ends with listed: false and the error when the file is no longer listed', async () => {
    const error = expired()
    const result = await withFreshFileReference('a', async () => Promise.reject(error), async () => undefined)
    expect(result).toEqual({ listed: false, error, refreshes: 1 })
  })

  it('throws the file reference error once maxRefreshes fresh ids failed too', async () => {
    const use = jest.fn(async () => Promise.reject(expired()))
    await expect(withFreshFileReference('a', use, async () => 'b', { maxRefreshes: 2 })).rejects.toThrow('FILE_REFERENCE_EXPIRED')
    expect(use).toHaveBeenCalledTimes(3)
  })

  it('throws any other error at once', async () => {
    const refresh = jest.fn(async () => 'b')
    await expect(withFreshFileReference('a', async () => Promise.reject(new Error('disk full')), refresh)).rejects.toThrow('disk full')
    expect(refresh).not.toHaveBeenCalled()
  })
})
