import { integerParam } from '../../../src/serve/params.js'

describe('integerParam', () => {
  const p = (value: string): Map<string, string> => new Map([['limit', value]])

  it('is the fallback when absent or empty', () => {
    expect(integerParam(new Map(), 'limit', 100, 1, 100)).toBe(100)
    expect(integerParam(p(''), 'limit', 100, 1, 100)).toBe(100)
  })

  it('reads the leading integer and clamps it, as get_integer_arg does', () => {
    expect([' 5', '7abc', 'abc', '0', '-3', '1000', '+2'].map((v) => integerParam(p(v), 'limit', 100, 1, 100))).toEqual([5, 7, 1, 1, 1, 100, 2])
  })
})
