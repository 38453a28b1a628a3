import { formatError, formatOk } from '../../../src/botapi/envelope.js'
import { BotApiError } from '../../../src/errors/index.js'

describe('formatOk', () => {
  it('prints the compact Bot API success envelope, ok first', () => {
    const result = { total_count: 1, photos: [[{ file_id: 'A', file_unique_id: 'B', file_size: 10, width: 160, height: 160 }]] }
    expect(formatOk(result)).toBe(
      '{"ok":true,"result":{"total_count":1,"photos":[[{"file_id":"A","file_unique_id":"B","file_size":10,"width":160,"height":160}]]}}\n',
    )
  })
})

describe('formatError', () => {
  it('prints ok, error_code, description and no parameters when there are none', () => {
    const error = new BotApiError(400, 'Bad Request: user not found', { mtprotoError: 'USER_ID_INVALID', hint: 'x' })
    expect(formatError(error)).toBe('{"ok":false,"error_code":400,"description":"Bad Request: user not found"}\n')
  })

  it('prints parameters when present, as telegram-bot-api does for flood waits', () => {
    const error = new BotApiError(429, 'Too Many Requests: retry after 30', { parameters: { retry_after: 30 } })
    expect(formatError(error)).toBe(
      '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 30","parameters":{"retry_after":30}}\n',
    )
  })

  it('accepts a plain envelope object and orders its keys', () => {
    expect(formatError({ description: 'Unauthorized', error_code: 401, ok: false } as never)).toBe(
      '{"ok":false,"error_code":401,"description":"Unauthorized"}\n',
    )
  })
})
