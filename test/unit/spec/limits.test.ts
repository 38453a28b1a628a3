import { getFileWindowError, isValidUsername, MAX_PART_SIZE } from '../../../src/spec/limits.js'

describe('getFileWindowError', () => {
  it('accepts the windows Telegram accepts without precise', () => {
    expect(getFileWindowError(0, MAX_PART_SIZE, false)).toBeUndefined()
    expect(getFileWindowError(3 * MAX_PART_SIZE, 4096, false)).toBeUndefined()
    expect(getFileWindowError(512 * 1024, 512 * 1024, false)).toBeUndefined()
  })

  it('refuses a limit that is unaligned, does not divide 1 MiB, or is not positive', () => {
    expect(getFileWindowError(0, 1024, false)).toBe('LIMIT_INVALID')
    expect(getFileWindowError(0, 3 * 4096, false)).toBe('LIMIT_INVALID')
    expect(getFileWindowError(0, 0, false)).toBe('LIMIT_INVALID')
    expect(getFileWindowError(0, 2 * MAX_PART_SIZE, false)).toBe('LIMIT_INVALID')
  })

  it('refuses an unaligned or negative offset', () => {
    expect(getFileWindowError(1024, 4096, false)).toBe('OFFSET_INVALID')
    expect(getFileWindowError(-4096, 4096, false)).toBe('OFFSET_INVALID')
  })

  it('with precise takes 1 KiB steps up to 1 MiB, never across a 1 MiB boundary', () => {
    expect(getFileWindowError(1024, 3 * 1024, true)).toBeUndefined()
    expect(getFileWindowError(0, MAX_PART_SIZE + 1024, true)).toBe('LIMIT_INVALID')
    expect(getFileWindowError(MAX_PART_SIZE - 1024, 2048, true)).toBe('LIMIT_INVALID')
    expect(getFileWindowError(512, 1024, true)).toBe('OFFSET_INVALID')
  })
})

describe('isValidUsername', () => {
  it.each(['durov', 'abcd', 'a_b_c', 'A1234567890123456789012345678901'])('accepts %s', (name) => {
    expect(isValidUsername(name)).toBe(true)
  })
  it.each(['abc', '1abc', '_abc', 'abc_', 'ab__c', 'a-bcd', 'A12345678901234567890123456789012'])('refuses %s', (name) => {
    expect(isValidUsername(name)).toBe(false)
  })
})
