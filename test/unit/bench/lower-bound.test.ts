import { getFileCalls, listCalls, lowerBound, MAX_PART_SIZE } from '../../../scripts/bench/lower-bound.js'

describe('listCalls', () => {
  it('costs one call for a user with no photos', () => {
    expect(listCalls(0)).toBe(1)
  })
  it('pages by 100', () => {
    expect([1, 100, 101, 200, 201, 330].map(listCalls)).toEqual([1, 1, 2, 2, 3, 4])
  })
  it('rejects negative and fractional counts', () => {
    expect(() => listCalls(-1)).toThrow(RangeError)
    expect(() => listCalls(1.5)).toThrow(RangeError)
  })
})

describe('getFileCalls', () => {
  it('takes one call per started MiB', () => {
    expect(getFileCalls(1)).toBe(1)
    expect(getFileCalls(MAX_PART_SIZE)).toBe(1)
    expect(getFileCalls(MAX_PART_SIZE + 1)).toBe(2)
    expect(getFileCalls(3 * MAX_PART_SIZE)).toBe(3)
  })
  it('honours a smaller part size', () => {
    expect(getFileCalls(300 * 1024, 128 * 1024)).toBe(3)
  })
  it('still costs one call for an empty file', () => {
    expect(getFileCalls(0)).toBe(1)
  })
})

describe('lowerBound', () => {
  const users = [
    { photoCount: 0, resolve: true, fileSizes: [] },
    { photoCount: 250, resolve: true, fileSizes: [100_000, 2 * MAX_PART_SIZE + 5] },
    { photoCount: 3, resolve: false, fileSizes: [MAX_PART_SIZE] },
  ]

  it('counts resolves, listing pages and file parts', () => {
    const lb = lowerBound({ users, latencyMs: 30, inFlight: 1, bandwidthBytesPerSecond: 1 })
    expect(lb.users).toBe(3)
    expect(lb.files).toBe(3)
    expect(lb.bytes).toBe(100_000 + 2 * MAX_PART_SIZE + 5 + MAX_PART_SIZE)
    expect(lb.rpcs).toEqual({ resolve: 2, list: 1 + 3 + 1, getFile: 1 + 3 + 1, total: 12 })
  })

  it('divides latency by the requests in flight and adds bytes over bandwidth', () => {
    const lb = lowerBound({
      users: [{ photoCount: 1, resolve: true, fileSizes: [1000] }],
      latencyMs: 40,
      inFlight: 2,
      bandwidthBytesPerSecond: 10_000,
    })
    expect(lb.rpcs.total).toBe(3)
    expect(lb.latencyMs).toBe(60)
    expect(lb.transferMs).toBe(100)
    expect(lb.wallMs).toBe(160)
  })

  it('lists audios only when asked', () => {
    const lb = lowerBound({
      users: [{ photoCount: 5, audioCount: 0, resolve: false, fileSizes: [] }],
      latencyMs: 0,
      inFlight: 1,
      bandwidthBytesPerSecond: 1,
    })
    expect(lb.rpcs.list).toBe(2)
  })

  it('rejects an in-flight limit below one', () => {
    expect(() => lowerBound({ users, latencyMs: 30, inFlight: 0, bandwidthBytesPerSecond: 1 })).toThrow(RangeError)
  })
})
