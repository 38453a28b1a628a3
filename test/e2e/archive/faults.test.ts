import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { requestName } from '../../../src/client/invoke.js'
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

  // Request-count rules: a wait after every N requests of a method, so that the waits are issued whatever the speed of
  // the machine (a token bucket of 2 + 1/s never runs dry on a machine slow enough). Each wait runs on the real
  // clock, so "no request during a running wait" is checked for real.
  const floodRules = {
    'photos.GetUserPhotos': { requests: 2, waitSeconds: 1 },
    'upload.GetFile': { requests: 4, waitSeconds: 1 },
  }

  it('sends zero requests of a method while a flood wait for it runs, and completes (one user at a time)', async () => {
    h = await startHarness({ users: 10, seed: 11, floodRules })
    const users = smallUsers(h.truth, 6)
    const files = expectedFiles(h.truth, users, false)
    // Six listings (two pass per window) and more than four files: at least one wait of each method is issued.
    expect(users).toHaveLength(6)
    expect(files.size).toBeGreaterThan(4)
    const events: ArchiveEvent[] = []
    const run = await archiveProfiles(h.client, users, {
      out: h.out,
      cache: EntityCache.memory(),
      videos: false,
      concurrency: 1,
      onEvent: (e) => events.push(e),
    })
    const stats = h.emu.stats()
    expect(run.complete).toBe(true)
    // A window of N requests per wait: P requests that passed started at least ⌈P/N⌉ − 1 waits.
    for (const [method, rule] of Object.entries(floodRules)) {
      const passed = (stats.callsPerMethod[method] ?? 0) - (stats.floodWaitsIssued[method] ?? 0)
      expect(stats.floodWaitsIssued[method] ?? 0).toBeGreaterThanOrEqual(Math.max(1, Math.ceil(passed / rule.requests) - 1))
    }
    expect(run.flood_waits).toEqual(stats.floodWaitsIssued)
    expect(events.some((e) => e.type === 'flood-wait')).toBe(true)
    expect(stats.requestsDuringFloodWait).toEqual({})
    const records = await checkArchive(h.out, h.truth)
    expect(new Set(records.map((r) => r.path))).toEqual(files)
  })

  // The emulator counts a request as sent during a wait only when its msg_id is younger than the wait; requests
  // already in flight when the wait was issued are counted apart (requestsCrossingFloodWait).
  it('with concurrency 4, sends zero requests of a method during its flood wait, and completes', async () => {
    h = await startHarness({ users: 10, seed: 11, floodRules })
    const users = smallUsers(h.truth, 8)
    const files = expectedFiles(h.truth, users, false)
    // Seven listings or more and more than twelve files: at least three waits of each method (a window of N
    // requests per wait: P requests that pass start at least ⌈P/N⌉ − 1 waits).
    expect(users.length).toBeGreaterThanOrEqual(7)
    expect(files.size).toBeGreaterThan(12)
    const run = await archiveProfiles(h.client, users, { out: h.out, cache: EntityCache.memory(), videos: false, concurrency: 4 })
    const stats = h.emu.stats()
    expect(run.complete).toBe(true)
    expect(stats.floodWaitsIssued['photos.GetUserPhotos'] ?? 0).toBeGreaterThanOrEqual(Math.ceil(users.length / 2) - 1)
    expect(stats.floodWaitsIssued['upload.GetFile'] ?? 0).toBeGreaterThanOrEqual(Math.ceil(files.size / 4) - 1)
    expect(stats.requestsDuringFloodWait).toEqual({})
    const records = await checkArchive(h.out, h.truth)
    expect(new Set(records.map((r) => r.path))).toEqual(files)
  })

  it('leaves the users whose downloads meet a flood wait above maxFloodWait waiting, recorded, and fails none', async () => {
    // Three downloads pass, the fourth gets FLOOD_WAIT_5: above the run's maxFloodWait of 1.
    h = await startHarness({ users: 6, seed: 13, floodRules: { 'upload.GetFile': { requests: 3, waitSeconds: 5 } } })
    const users = archivableUsers(h.truth).slice(0, 3)
    expect(expectedFiles(h.truth, users, false).size).toBeGreaterThan(3)
    const cache = EntityCache.memory()
    const doneIds: number[] = []
    const onEvent = (e: ArchiveEvent): void => void (e.type === 'user-done' && doneIds.push(e.user_id))
    const run = await archiveProfiles(h.client, users, { out: h.out, cache, videos: false, concurrency: 2, maxFloodWait: 1, onEvent })
    expect(run.complete).toBe(false)
    expect(run.users.failed).toBe(0)
    expect(run.users.waiting).toBeGreaterThanOrEqual(1)
    expect(run.users.done + run.users.waiting).toBe(users.length)
    expect(Object.keys(run.waiting?.methods ?? {})).toEqual(['upload.getFile'])
    expect(run.waiting?.methods['upload.getFile']?.users).toBe(run.users.waiting)
    const lines = (await readFile(join(h.out, 'waiting.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { user?: string; method?: string; archived?: number[] })
    const waiting = lines.filter((l) => l.user !== undefined)
    expect(waiting.map((w) => w.method)).toStrictEqual(Array(run.users.waiting).fill('upload.getFile'))
    expect(users).toEqual(expect.arrayContaining(waiting.map((w) => w.user)))
    // the users the job archived so far, kept while the job goes on: the next run does not list them again
    expect(lines.filter((l) => l.user === undefined)).toStrictEqual([{ archived: [...doneIds].sort((a, b) => a - b) }])
    expect(h.emu.stats().floodWaitsIssued['upload.GetFile']).toBeGreaterThanOrEqual(1)
    expect(h.emu.stats().requestsDuringFloodWait).toEqual({})
    noPartials(await listFiles(h.out))
    await checkArchive(h.out, h.truth)
  })

  // The emulator receives these requests and never answers them: only the archiver's deadline (rpcTimeoutMs) ends
  // each one, after which the request is sent again and answered.
  it('retries a listing and downloads that are never answered after its RPC deadline, and completes byte for byte', async () => {
    h = await startHarness({ users: 10, seed: 11 })
    const users = smallUsers(h.truth, 4)
    const files = expectedFiles(h.truth, users, false)
    expect(files.size).toBeGreaterThan(2)
    h.emu.swallow('photos.GetUserPhotos', { requests: 1 })
    h.emu.swallow('upload.GetFile', { requests: 2 })
    const events: ArchiveEvent[] = []
    const run = await archiveProfiles(h.client, users, {
      out: h.out,
      cache: EntityCache.memory(),
      videos: false,
      concurrency: 2,
      rpcTimeoutMs: 2000,
      onEvent: (e) => events.push(e),
    })
    expect(run.users).toEqual({ done: users.length, failed: 0, skipped_duplicates: 0, done_before: 0, waiting: 0 })
    expect(run.complete).toBe(true)
    const stats = h.emu.stats()
    expect(stats.requestsSwallowed).toEqual({ 'photos.GetUserPhotos': 1, 'upload.GetFile': 2 })
    const timedOut = (method: string): number =>
      events.filter((e) => e.type === 'retry' && e.method === method && e.reason.startsWith(`network: Network error: no answer to ${requestName({ className: method })} within`)).length
    expect(timedOut('photos.GetUserPhotos')).toBeGreaterThanOrEqual(1)
    expect(timedOut('upload.GetFile')).toBeGreaterThanOrEqual(2)
    expect(run.retries).toBeGreaterThanOrEqual(3)
    const records = await checkArchive(h.out, h.truth)
    expect(new Set(records.map((r) => r.path))).toEqual(files)
    noPartials(await listFiles(h.out))
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
    expect(run.users).toEqual({ done: users.length, failed: 0, skipped_duplicates: 0, done_before: 0, waiting: 0 })
    expect(run.complete).toBe(true)
    const records = await checkArchive(h.out, h.truth)
    expect(new Set(records.map((r) => r.path))).toEqual(expectedFiles(h.truth, users, false))
    expect(run.retries).toBeGreaterThan(0)
    // Reconnections after drops reuse the exported authorizations: at most one per DC.
    expect(h.emu.stats().callsPerMethod['auth.ExportAuthorization'] ?? 0).toBeLessThanOrEqual(4)
    noPartials(await listFiles(h.out))
  })
})

function noPartials(files: string[]): void {
  expect(files.filter((f) => f.endsWith('.tgp-partial'))).toEqual([])
}
