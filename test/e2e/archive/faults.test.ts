import { EntityCache } from '../../../src/client/entity-cache.js'
import { archiveProfiles } from '../../../src/archive/archive.js'
import type { ArchiveEvent } from '../../../src/archive/types.js'
import { smallUsers, archivableUsers, checkArchive, expectedFiles, listFiles, startHarness, type Harness } from './helpers.js'

describe('archiveProfiles under faults', () => {
  let h: Harness | undefined
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  const floodRules = {
    'photos.GetUserPhotos': { capacity: 2, refillPerSecond: 1 },
    'upload.GetFile': { capacity: 4, refillPerSecond: 4 },
  }

  it('sends zero requests of a method while a flood wait for it runs, and completes (one user at a time)', async () => {
    h = await startHarness({ users: 10, seed: 11, floodRules })
    const users = smallUsers(h.truth, 6)
    const events: ArchiveEvent[] = []
    const run = await archiveProfiles(h.client, users, {
      out: h.out,
      cache: EntityCache.memory(),
      videos: false,
      concurrency: 1,
      onEvent: (e) => events.push(e),
    })
    const stats = h.emu.stats()
    expect(run.ok).toBe(true)
    expect(stats.floodWaitsIssued['photos.GetUserPhotos']).toBeGreaterThan(0)
    expect(stats.floodWaitsIssued['upload.GetFile']).toBeGreaterThan(0)
    expect(run.flood_waits).toEqual(stats.floodWaitsIssued)
    expect(events.some((e) => e.type === 'flood-wait')).toBe(true)
    expect(stats.requestsDuringFloodWait).toEqual({})
    const records = await checkArchive(h.out, h.truth)
    expect(new Set(records.map((r) => r.path))).toEqual(expectedFiles(h.truth, users, false))
  })

  // The emulator counts a request as sent during a wait only when its msg_id is younger than the wait; requests
  // already in flight when the bucket ran dry are counted apart (requestsCrossingFloodWait).
  it('with concurrency 4, sends zero requests of a method during its flood wait, and completes', async () => {
    h = await startHarness({ users: 10, seed: 11, floodRules })
    const users = smallUsers(h.truth, 8)
    const run = await archiveProfiles(h.client, users, { out: h.out, cache: EntityCache.memory(), videos: false, concurrency: 4 })
    const stats = h.emu.stats()
    expect(run.ok).toBe(true)
    expect(Object.values(stats.floodWaitsIssued).reduce((a, b) => a + b, 0)).toBeGreaterThan(2)
    expect(stats.requestsDuringFloodWait).toEqual({})
    const records = await checkArchive(h.out, h.truth)
    expect(new Set(records.map((r) => r.path))).toEqual(expectedFiles(h.truth, users, false))
  })

  it('stops cleanly with a 429 when a flood wait exceeds maxFloodWait, and a later run resumes', async () => {
    h = await startHarness({ users: 6, seed: 13, floodRules: { 'upload.GetFile': { capacity: 3, refillPerSecond: 0.2 } } })
    const users = archivableUsers(h.truth).slice(0, 3)
    const cache = EntityCache.memory()
    const run = await archiveProfiles(h.client, users, { out: h.out, cache, videos: false, concurrency: 2, maxFloodWait: 1 })
    expect(run.ok).toBe(false)
    expect(run.stopped).toEqual({ ok: false, error_code: 429, description: expect.stringMatching(/^Too Many Requests: retry after \d+$/), parameters: { retry_after: expect.any(Number) } })
    expect(run.users.failed).toBe(0)
    expect(h.emu.stats().requestsDuringFloodWait).toEqual({})
    noPartials(await listFiles(h.out))
    await checkArchive(h.out, h.truth)
  })

  // Dropped connections can leave a GramJS request pending forever: a short rpcTimeoutMs turns that into a retry.
  it('completes byte for byte with dropped connections and expiring file references', async () => {
    const harness = await startHarness({ users: 8, seed: 17, dropRate: 0.03, fileReferenceTtlSeconds: 1, latency: { fixedMs: 5 } })
    h = harness
    // Five small users and one with more than 100 photos (re-listing a page past the first).
    const big = archivableUsers(harness.truth).find((u) => !smallUsers(harness.truth, 99).includes(u))
    const users = [...smallUsers(harness.truth, 5), big!]
    const run = await archiveProfiles(h.client, users, {
      out: h.out,
      cache: EntityCache.memory(),
      concurrency: 3,
      videos: false,
      rpcTimeoutMs: 3000,
      onEvent: (e) => { if (process.env['ARCHIVE_DEBUG']) process.stderr.write(`${Date.now()} ${JSON.stringify(e)}\n`) },
    })
    expect(run.users).toEqual({ done: users.length, failed: 0, skipped_duplicates: 0 })
    expect(run.ok).toBe(true)
    const records = await checkArchive(h.out, h.truth)
    expect(new Set(records.map((r) => r.path))).toEqual(expectedFiles(h.truth, users, false))
    expect(run.retries).toBeGreaterThan(0)
    // Reconnections after drops reuse the exported authorizations: at most one per DC.
    expect(h.emu.stats().callsPerMethod['auth.ExportAuthorization'] ?? 0).toBeLessThanOrEqual(4)
    noPartials(await listFiles(h.out))
  }, 120_000)
})

function noPartials(files: string[]): void {
  expect(files.filter((f) => f.endsWith('.tgp-partial'))).toEqual([])
}
