import { BotApiError } from '../../../src/errors/index.js'
import {
  parseChatArgument,
  isValidUsername,
  normalizeLimit,
  normalizeMaxId,
  normalizeOffset,
  parseUserArgument,
} from '../../../src/methods/normalize.js'

function errorOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

describe('parseUserArgument', () => {
  it.each([
    [42, { kind: 'id', id: 42n }],
    [42n, { kind: 'id', id: 42n }],
    ['7000000000', { kind: 'id', id: 7000000000n }],
    ['me', { kind: 'self' }],
    ['@Durov', { kind: 'username', username: 'durov' }],
    ['durov', { kind: 'username', username: 'durov' }],
    ['https://t.me/durov', { kind: 'username', username: 'durov' }],
    ['t.me/Durov_1/', { kind: 'username', username: 'durov_1' }],
    ['http://telegram.me/durov', { kind: 'username', username: 'durov' }],
    ['@jack', { kind: 'username', username: 'jack' }],
  ])('accepts %p', (input, expected) => {
    expect(parseUserArgument(input)).toEqual(expected)
  })

  it.each([0, -5, 1.5, Number.MAX_SAFE_INTEGER + 1, 0n, -1n, 1n << 63n, '', '0', '-100', '12a', '@', '@ab', 'abc',
    '1durov', 'durov_', 'du__rov', '@du-rov', 'https://example.com/durov', 'a'.repeat(33), null, undefined, {}, true])(
    'rejects %p with 400 invalid user_id specified',
    (input) => {
      const e = errorOf(() => parseUserArgument(input))
      expect(e).toBeInstanceOf(BotApiError)
      expect(JSON.stringify(e)).toBe('{"ok":false,"error_code":400,"description":"Bad Request: invalid user_id specified"}')
    },
  )
})

describe('isValidUsername', () => {
  it('follows Telegram rules: 4..32 chars, letter first, no trailing or double underscore', () => {
    expect(isValidUsername('a_b_c')).toBe(true)
    expect(isValidUsername('a'.repeat(32))).toBe(true)
    expect(isValidUsername('a'.repeat(33))).toBe(false)
    expect(isValidUsername('_abcd')).toBe(false)
    expect(isValidUsername('abcd_')).toBe(false)
    expect(isValidUsername('ab__cd')).toBe(false)
  })
})

describe('normalizeLimit / normalizeOffset / normalizeMaxId', () => {
  it('defaults limit to 100 and accepts 1..100', () => {
    expect(normalizeLimit(undefined)).toBe(100)
    expect(normalizeLimit(1)).toBe(1)
    expect(normalizeLimit(100)).toBe(100)
  })

  it.each([0, 101, 2.5, -1, '10', NaN])('rejects limit %p naming the parameter', (limit) => {
    expect(() => normalizeLimit(limit)).toThrow('Bad Request: limit must be an integer between 1 and 100')
  })

  it.each([-1, 0.5, '3', 2 ** 31])('rejects offset %p naming the parameter', (offset) => {
    expect(() => normalizeOffset(offset)).toThrow('Bad Request: offset must be a non-negative integer')
  })

  it('accepts max_id as number, bigint or decimal string', () => {
    expect(normalizeMaxId(undefined)).toBe(0n)
    expect(normalizeMaxId(5)).toBe(5n)
    expect(normalizeMaxId('6000000000000000123')).toBe(6000000000000000123n)
    expect(normalizeMaxId(7n)).toBe(7n)
  })

  it.each([-1, -1n, '-3', 'x', 1.5])('rejects max_id %p naming the parameter', (maxId) => {
    expect(() => normalizeMaxId(maxId)).toThrow('Bad Request: max_id must be a non-negative integer')
  })
})

describe('parseChatArgument', () => {
  it('reads usernames, t.me links and Bot API chat ids', () => {
    expect(parseChatArgument('@Emulator_Lounge')).toEqual({ kind: 'username', username: 'emulator_lounge' })
    expect(parseChatArgument('https://t.me/emulator_lounge')).toEqual({ kind: 'username', username: 'emulator_lounge' })
    expect(parseChatArgument('-1001234567890')).toEqual({ kind: 'channel', id: 1234567890n })
    expect(parseChatArgument(-1001234567890)).toEqual({ kind: 'channel', id: 1234567890n })
    expect(parseChatArgument('-4567')).toEqual({ kind: 'group', id: 4567n })
    expect(parseChatArgument(' 4567 ')).toEqual({ kind: 'any', id: 4567n })
  })

  it.each(['', '@', '@a b', '0', '-0', 'https://example.com/x', '-1000000000000', '@ab'])('refuses %j: chat not found', (chat) => {
    expect(() => parseChatArgument(chat)).toThrow(new BotApiError(400, 'Bad Request: chat not found'))
  })
})
