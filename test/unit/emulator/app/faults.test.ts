import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FloodLimiter, SeededRandom, DEFAULT_RESOLVE_USERNAME_RULE, FLOOD_WAIT_READ_GRACE_MS, msgIdSentMs } from '../../../../src/emulator/faults.js'
import { StatsCollector, writeStatsFile } from '../../../../src/emulator/stats.js'

describe('FloodLimiter', () => {
  it('allows a burst of capacity, then answers the honest wait until the next token', () => {
    const clock = { ms: 0, now(): number { return this.ms } }
    const limiter = new FloodLimiter({ 'photos.GetUserPhotos': { capacity: 3, refillPerSecond: 0.1 } }, clock)
    expect(limiter.limits('photos.GetUserPhotos')).toBe(true)
    expect(limiter.limits('users.GetUsers')).toBe(false)
    for (let i = 0; i < 3; i++) expect(limiter.take('u1', 'photos.GetUserPhotos')).toEqual({ ok: true })
    const first = limiter.take('u1', 'photos.GetUserPhotos')
    expect(first).toMatchObject({ ok: false, seconds: 10, duringWait: false, sentAfterWait: false })
    if (!first.ok) first.delivered()
    // another account has its own bucket
    expect(limiter.take('u2', 'photos.GetUserPhotos')).toEqual({ ok: true })
    clock.ms = 4_000
    expect(limiter.inWait('u1', 'photos.GetUserPhotos')).toBe(true)
    expect(limiter.take('u1', 'photos.GetUserPhotos')).toMatchObject({ ok: false, seconds: 6, duringWait: true, sentAfterWait: true })
    clock.ms = 10_000
    expect(limiter.inWait('u1', 'photos.GetUserPhotos')).toBe(false)
    expect(limiter.take('u1', 'photos.GetUserPhotos')).toEqual({ ok: true })
    expect(limiter.take('u1', 'photos.GetUserPhotos')).toMatchObject({ ok: false, seconds: 10, duringWait: false, sentAfterWait: false })
  })

  it('tells a request sent after the wait was issued from one already in flight when it was', () => {
    const clock = { ms: 100_000, now(): number { return this.ms } }
    const limiter = new FloodLimiter({ 'upload.GetFile': { capacity: 1, refillPerSecond: 1 } }, clock)
    expect(limiter.take('u', 'upload.GetFile', 99_990)).toEqual({ ok: true })
    const wait = limiter.take('u', 'upload.GetFile', 99_995)
    expect(wait).toMatchObject({ ok: false, seconds: 1, duringWait: false, sentAfterWait: false })
    clock.ms = 100_004
    // decided at 100_000, not yet written to the client: a request sent meanwhile could not have been held back
    expect(limiter.take('u', 'upload.GetFile', 100_002)).toMatchObject({ ok: false, duringWait: true, sentAfterWait: false })
    clock.ms = 100_005
    if (!wait.ok) wait.delivered() // the FLOOD_WAIT answer leaves the server at 100_005
    clock.ms = 100_010
    // sent before the answer left (crossed it in flight): not the client's fault
    expect(limiter.take('u', 'upload.GetFile', 100_004)).toMatchObject({ ok: false, duringWait: true, sentAfterWait: false })
    // sent just after it left, before the client can have read it: not the client's fault either
    expect(limiter.take('u', 'upload.GetFile', 100_005 + FLOOD_WAIT_READ_GRACE_MS - 1)).toMatchObject({ ok: false, duringWait: true, sentAfterWait: false })
    clock.ms = 100_100
    // sent later: the client had been told to wait
    expect(limiter.take('u', 'upload.GetFile', 100_005 + FLOOD_WAIT_READ_GRACE_MS)).toMatchObject({ ok: false, duringWait: true, sentAfterWait: true })
  })

  it('with a request-count rule, answers FLOOD_WAIT after every N requests whatever the time, then N more pass', () => {
    const clock = { ms: 50_000, now(): number { return this.ms } }
    const limiter = new FloodLimiter({ 'upload.GetFile': { requests: 2, waitSeconds: 3 } }, clock)
    expect(limiter.limits('upload.GetFile')).toBe(true)
    expect(limiter.take('u', 'upload.GetFile')).toEqual({ ok: true })
    clock.ms += 3_600_000 // an hour between requests refills nothing: only the count matters
    expect(limiter.take('u', 'upload.GetFile')).toEqual({ ok: true })
    const wait = limiter.take('u', 'upload.GetFile', clock.ms)
    expect(wait).toMatchObject({ ok: false, seconds: 3, duringWait: false, sentAfterWait: false })
    if (!wait.ok) wait.delivered()
    // another account counts its own requests
    expect(limiter.take('v', 'upload.GetFile')).toEqual({ ok: true })
    clock.ms += 1_500
    expect(limiter.inWait('u', 'upload.GetFile')).toBe(true)
    // the time left, not a new wait; the window does not move
    expect(limiter.take('u', 'upload.GetFile')).toMatchObject({ ok: false, seconds: 2, duringWait: true, sentAfterWait: true })
    clock.ms += 1_500
    expect(limiter.inWait('u', 'upload.GetFile')).toBe(false)
    expect(limiter.take('u', 'upload.GetFile')).toEqual({ ok: true })
    expect(limiter.take('u', 'upload.GetFile')).toEqual({ ok: true })
    expect(limiter.take('u', 'upload.GetFile')).toMatchObject({ ok: false, seconds: 3, duringWait: false })
  })

  it('with a request-count rule of 0 requests, refuses the first request and the first after each wait', () => {
    const clock = { ms: 0, now(): number { return this.ms } }
    const limiter = new FloodLimiter({ 'photos.GetUserPhotos': { requests: 0, waitSeconds: 1 } }, clock)
    expect(limiter.take('u', 'photos.GetUserPhotos')).toMatchObject({ ok: false, seconds: 1, duringWait: false })
    clock.ms = 1_000
    expect(limiter.take('u', 'photos.GetUserPhotos')).toMatchObject({ ok: false, seconds: 1, duringWait: false })
  })

  it('has a strict default budget for contacts.resolveUsername', () => {
    expect(DEFAULT_RESOLVE_USERNAME_RULE.refillPerSecond).toBeLessThan(1)
  })
})

describe('msgIdSentMs', () => {
  it('reads the spec encoding (fraction × 2^32) and GramJS\'s (nanoseconds × 4), taking the later reading', () => {
    // a spec client's 0.5 s reads at most 7.4% of a second later, never earlier
    const spec = (1_700_000_000n << 32n) | BigInt(Math.floor(0.5 * 2 ** 32))
    expect(msgIdSentMs(spec)).toBeGreaterThanOrEqual(1_700_000_000_500)
    expect(msgIdSentMs(spec)).toBeLessThan(1_700_000_000_538)
    const gramjs = (1_700_000_000n << 32n) | (900_000_000n << 2n)
    expect(msgIdSentMs(gramjs)).toBeCloseTo(1_700_000_000_900, 0)
  })
})

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = new SeededRandom(9)
    const b = new SeededRandom(9)
    const xs = Array.from({ length: 50 }, () => a.next())
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(xs)
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true)
    expect(new SeededRandom(10).next()).not.toBe(xs[0])
  })
})

describe('StatsCollector', () => {
  it('counts calls, errors by name with numbers as X, bytes and downloads, and writes a stats file', async () => {
    const s = new StatsCollector()
    s.call('upload.GetFile', 2)
    s.call('upload.GetFile', 2)
    s.call('help.GetConfig', 1)
    s.error('FLOOD_WAIT_31')
    s.error('FLOOD_WAIT_2')
    s.served('photo:1:c', 2, 4096)
    s.served('photo:1:c', 2, 100)
    s.floodWait('upload.GetFile')
    s.duringFloodWait('upload.GetFile')
    s.swallowed('upload.GetFile')
    s.unparsed(0xdeadbeef)
    s.quotaRefusal('contacts.ResolveUsername')
    s.premiumWait('42')
    s.downloadsInProgress('42', 2, 3, 2)
    s.downloadsInProgress('42', 2, 1, 1)
    const snap = s.snapshot()
    expect(snap).toEqual({
      callsPerMethod: { 'upload.GetFile': 2, 'help.GetConfig': 1 },
      callsPerDc: { '2': 2, '1': 1 },
      rpcErrors: { FLOOD_WAIT_X: 2 },
      bytesServedPerDc: { '2': 4196 },
      downloadsPerFile: { 'photo:1:c': 2 },
      floodWaitsIssued: { 'upload.GetFile': 1 },
      requestsDuringFloodWait: { 'upload.GetFile': 1 },
      requestsCrossingFloodWait: {},
      requestsSwallowed: { 'upload.GetFile': 1 },
      requestsUnparsed: { '0xdeadbeef': 1 },
      quotaRefusals: { 'contacts.ResolveUsername': 1 },
      premiumWaitsIssued: { '42': 1 },
      peakGetFileRequests: { '42': { '2': 3 } },
      peakFilesInFlight: { '42': { '2': 2 } },
    })
    const dir = await mkdtemp(join(tmpdir(), 'tgp-stats-'))
    try {
      await writeStatsFile(join(dir, 'stats.json'), snap)
      expect(JSON.parse(await readFile(join(dir, 'stats.json'), 'utf8'))).toEqual(snap)
    } finally {
      await rm(dir, { recursive: true })
    }
    s.reset()
    expect(s.snapshot().callsPerMethod).toEqual({})
  })
})
