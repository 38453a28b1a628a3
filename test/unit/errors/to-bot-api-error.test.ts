import { Api, errors } from 'telegram'
import { BotApiError, NetworkError, TgProfileError, toBotApiError } from '../../../src/errors/index.js'
import { RpcError } from '../../../src/emulator/rpc.js'

const request = new Api.photos.GetUserPhotos({})

/** What GramJS's sender builds from an `rpc_error` it receives. */
function gramjsRpc(code: number, message: string): unknown {
  return errors.RPCMessageToError(new Api.RpcError({ errorCode: code, errorMessage: message }), request)
}

function envelope(error: unknown): string {
  return JSON.stringify(toBotApiError(error))
}

describe('toBotApiError: the error table, row by row', () => {
  it.each(['USER_ID_INVALID', 'PEER_ID_INVALID', 'USERNAME_NOT_OCCUPIED', 'USERNAME_INVALID'])(
    'maps %s to 400 user not found',
    (name) => {
      const e = toBotApiError(gramjsRpc(400, name), 'getUserProfilePhotos')
      expect(e).toBeInstanceOf(BotApiError)
      expect(JSON.stringify(e)).toBe('{"ok":false,"error_code":400,"description":"Bad Request: user not found"}')
      expect((e as BotApiError).mtprotoError).toBe(name)
      expect((e as BotApiError).method).toBe('getUserProfilePhotos')
    },
  )

  it('maps MAX_ID_INVALID to 400 invalid max_id specified', () => {
    expect(envelope(gramjsRpc(400, 'MAX_ID_INVALID'))).toBe(
      '{"ok":false,"error_code":400,"description":"Bad Request: invalid max_id specified"}',
    )
  })

  it('maps INPUT_USER_DEACTIVATED to 403 Forbidden: user is deactivated', () => {
    expect(envelope(gramjsRpc(400, 'INPUT_USER_DEACTIVATED'))).toBe(
      '{"ok":false,"error_code":403,"description":"Forbidden: user is deactivated"}',
    )
  })

  it('maps GramJS FloodWaitError (code unset, seconds set) to 429 with retry_after', () => {
    const raw = gramjsRpc(420, 'FLOOD_WAIT_31')
    expect(raw).toBeInstanceOf(errors.FloodWaitError)
    // GramJS puts a sentence in errorMessage, and some builds leave code unset: only `seconds` is reliable.
    expect((raw as errors.RPCError).errorMessage).not.toMatch(/^FLOOD_WAIT/)
    ;(raw as errors.RPCError).code = undefined
    const e = toBotApiError(raw) as BotApiError
    expect(JSON.stringify(e)).toBe(
      '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 31","parameters":{"retry_after":31}}',
    )
    expect(e.mtprotoError).toBe('FLOOD_WAIT_31')
    expect(e.name).toBe('BotApiError')
  })

  it('maps FLOOD_PREMIUM_WAIT_X (which GramJS also turns into FloodWaitError) to 429', () => {
    expect(envelope(gramjsRpc(420, 'FLOOD_PREMIUM_WAIT_7'))).toBe(
      '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}',
    )
    // An RPC error object that kept its name (the emulator's, or a plain RPCError) keeps it in mtprotoError.
    const e = toBotApiError(new RpcError(420, 'FLOOD_PREMIUM_WAIT_7')) as BotApiError
    expect(e.mtprotoError).toBe('FLOOD_PREMIUM_WAIT_7')
    expect(e.parameters).toEqual({ retry_after: 7 })
  })

  it('maps a bare RPCError with code unset by its name alone', () => {
    const bare = new errors.RPCError('FLOOD_WAIT_5', request)
    expect(bare.code).toBeUndefined()
    expect(envelope(bare)).toBe(
      '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}',
    )
    expect(envelope(new errors.RPCError('USER_ID_INVALID', request))).toBe(
      '{"ok":false,"error_code":400,"description":"Bad Request: user not found"}',
    )
  })

  it.each(['AUTH_KEY_UNREGISTERED', 'SESSION_REVOKED', 'USER_DEACTIVATED', 'USER_DEACTIVATED_BAN'])(
    'maps %s to 401 Unauthorized',
    (name) => {
      expect(envelope(gramjsRpc(401, name))).toBe('{"ok":false,"error_code":401,"description":"Unauthorized"}')
    },
  )

  it('keeps the name for any other 400, 401, 403 (as 400, like telegram-bot-api) and 500', () => {
    expect(envelope(gramjsRpc(400, 'LIMIT_INVALID'))).toBe(
      '{"ok":false,"error_code":400,"description":"Bad Request: LIMIT_INVALID"}',
    )
    expect(envelope(gramjsRpc(401, 'SESSION_PASSWORD_NEEDED'))).toBe(
      '{"ok":false,"error_code":401,"description":"Unauthorized: SESSION_PASSWORD_NEEDED"}',
    )
    expect(envelope(gramjsRpc(403, 'USER_PRIVACY_RESTRICTED'))).toBe(
      '{"ok":false,"error_code":400,"description":"Bad Request: USER_PRIVACY_RESTRICTED"}',
    )
    expect(envelope(gramjsRpc(500, 'PHOTO_GET_FAILED'))).toBe(
      '{"ok":false,"error_code":500,"description":"Internal Server Error: PHOTO_GET_FAILED"}',
    )
    expect(envelope(gramjsRpc(406, 'AUTH_KEY_DUPLICATED'))).toBe(
      '{"ok":false,"error_code":400,"description":"Bad Request: AUTH_KEY_DUPLICATED"}',
    )
  })

  it('maps *_MIGRATE_X to 400 with the name, and records the DC', () => {
    const raw = gramjsRpc(303, 'FILE_MIGRATE_4')
    expect(raw).toBeInstanceOf(errors.FileMigrateError)
    const e = toBotApiError(raw) as BotApiError
    expect(JSON.stringify(e)).toBe('{"ok":false,"error_code":400,"description":"Bad Request: FILE_MIGRATE_4"}')
    expect(e.migrateToDc).toBe(4)
    expect(e.mtprotoCode).toBe(303)
    const user = toBotApiError(gramjsRpc(303, 'USER_MIGRATE_2')) as BotApiError
    expect([user.description, user.migrateToDc]).toEqual(['Bad Request: USER_MIGRATE_2', 2])
  })

  it('turns GramJS network failures into NetworkError, not BotApiError', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
    const cases: unknown[] = [
      refused,
      new Error('Not connected'),
      new Error('TIMEOUT'),
      new Error('Cannot send requests while disconnected. You need to call .connect()'),
      new Error('NetSocket was closed'),
      new Error('Request was unsuccessful 5 time(s)'),
    ]
    for (const c of cases) {
      const e = toBotApiError(c, 'getUserProfilePhotos')
      expect(e).toBeInstanceOf(NetworkError)
      expect(e).not.toBeInstanceOf(BotApiError)
      expect(e).toBeInstanceOf(TgProfileError)
      expect(e.name).toBe('NetworkError')
      expect(e.method).toBe('getUserProfilePhotos')
    }
    expect((toBotApiError(refused) as NetworkError).code).toBe('ECONNREFUSED')
  })

  it('gives unknown failures 500 without copying their message', () => {
    const secret = new Error('session 1BAAOMTQ5LjE1NC4xNjcuOTEBu0 failed')
    const e = toBotApiError(secret) as BotApiError
    expect(JSON.stringify(e)).toBe('{"ok":false,"error_code":500,"description":"Internal Server Error"}')
    expect(e.message).not.toContain('1BAAOM')
    expect(e.cause).toBe(secret)
  })

  it('does not copy a non-name RPC message into the description', () => {
    const e = toBotApiError({ errorMessage: 'api_hash 0123456789abcdef is wrong', code: 400 }) as BotApiError
    expect(e.description).toBe('Bad Request: UNKNOWN_RPC_ERROR')
  })

  it('returns its own errors unchanged, adding the method', () => {
    const original = new BotApiError(400, 'Bad Request: user not found', { hint: 'use the username once' })
    expect(toBotApiError(original)).toBe(original)
    const withMethod = toBotApiError(original, 'resolveUser') as BotApiError
    expect([withMethod.method, withMethod.hint, withMethod.description]).toEqual([
      'resolveUser',
      'use the username once',
      'Bad Request: user not found',
    ])
  })
})

describe('BotApiError', () => {
  it('always sets name, ok: false and the root class', () => {
    const e = new BotApiError(429, 'Too Many Requests: retry after 3', { parameters: { retry_after: 3 } })
    expect([e.name, e.ok, e.error_code, e.message]).toEqual([
      'BotApiError',
      false,
      429,
      'Too Many Requests: retry after 3',
    ])
    expect(e).toBeInstanceOf(TgProfileError)
    expect(e).toBeInstanceOf(Error)
    expect(Object.keys(e.toJSON())).toEqual(['ok', 'error_code', 'description', 'parameters'])
  })

  it('omits parameters when none apply', () => {
    expect(new BotApiError(400, 'Bad Request: user not found').toJSON()).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: user not found',
    })
  })
})
