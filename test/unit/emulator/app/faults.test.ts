import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FloodLimiter, SeededRandom, DEFAULT_RESOLVE_USERNAME_RULE } from '../../../../src/emulator/faults.js'
import { StatsCollector, writeStatsFile } from '../../../../src/emulator/stats.js'

describe('FloodLimiter', () => {
  it('allows a burst of capacity, then answers the honest wait until the next token', () => {
    const clock = { ms: 0, now(): number { return this.ms } }
    const limiter = new FloodLimiter({ 'photos.GetUserPhotos': { capacity: 3, refillPerSecond: 0.1 } }, clock)
    expect(limiter.limits('photos.GetUserPhotos')).toBe(true)
    expect(limiter.limits('users.GetUsers')).toBe(false)
    for (let i = 0; i < 3; i++) expect(limiter.take('u1', 'photos.GetUserPhotos')).toEqual({ ok: true })
    expect(limiter.take('u1', 'photos.GetUserPhotos')).toEqual({ ok: false, seconds: 10, duringWait: false })
    // another account has its own bucket
    expect(limiter.take('u2', 'photos.GetUserPhotos')).toEqual({ ok: true })
    clock.ms = 4_000
    expect(limiter.inWait('u1', 'photos.GetUserPhotos')).toBe(true)
    expect(limiter.take('u1', 'photos.GetUserPhotos')).toEqual({ ok: false, seconds: 6, duringWait: true })
    clock.ms = 10_000
    expect(limiter.inWait('u1', 'photos.GetUserPhotos')).toBe(false)
    expect(limiter.take('u1', 'photos.GetUserPhotos')).toEqual({ ok: true })
    expect(limiter.take('u1', 'photos.GetUserPhotos')).toEqual({ ok: false, seconds: 10, duringWait: false })
  })

  it('has a strict default budget for contacts.resolveUsername', () => {
    expect(DEFAULT_RESOLVE_USERNAME_RULE.refillPerSecond).toBeLessThan(1)
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
    const snap = s.snapshot()
    expect(snap).toEqual({
      callsPerMethod: { 'upload.GetFile': 2, 'help.GetConfig': 1 },
      callsPerDc: { '2': 2, '1': 1 },
      rpcErrors: { FLOOD_WAIT_X: 2 },
      bytesServedPerDc: { '2': 4196 },
      downloadsPerFile: { 'photo:1:c': 2 },
      floodWaitsIssued: { 'upload.GetFile': 1 },
      requestsDuringFloodWait: { 'upload.GetFile': 1 },
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
