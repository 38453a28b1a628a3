import { diffCounts, formatBytes, formatCalls, formatMs, formatRatio, formatTable, sumCounts } from '../../../scripts/bench/table.js'

describe('formatTable', () => {
  it('aligns columns, right-aligns numbers and rules the header', () => {
    const out = formatTable([
      ['contender', 'wall', 'rpcs'],
      ['naive', '100.0 s', '25016'],
      ['tg-profile', '9.5 s', '7'],
    ])
    expect(out.split('\n')).toEqual([
      'contender   wall     rpcs',
      '----------  -------  -----',
      'naive       100.0 s  25016',
      'tg-profile    9.5 s      7',
    ])
  })
})

describe('formatters', () => {
  it('prints seconds, MiB and ratios', () => {
    expect(formatMs(12_345)).toBe('12.3 s')
    expect(formatBytes(3 * 1024 * 1024 + 104_858)).toBe('3.1 MiB')
    expect(formatRatio(25, 2)).toBe('12.5×')
    expect(formatRatio(3, 2)).toBe('1.50×')
    expect(formatRatio(1, 0)).toBe('—')
  })
  it('lists calls largest first', () => {
    expect(formatCalls({ 'upload.GetFile': 10, 'contacts.ResolveUsername': 2, 'photos.GetUserPhotos': 2, x: 0 })).toBe(
      'upload.GetFile=10 contacts.ResolveUsername=2 photos.GetUserPhotos=2',
    )
  })
})

describe('diffCounts', () => {
  it('subtracts per key and drops zeros', () => {
    expect(diffCounts({ a: 1, b: 2 }, { a: 1, b: 5, c: 3 })).toEqual({ b: 3, c: 3 })
    expect(sumCounts({ b: 3, c: 3 })).toBe(6)
  })
})
