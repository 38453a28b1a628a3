import { appendFile, mkdir, readFile, writeFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { EntityCache } from '../../../src/client/entity-cache.js'
import { archiveProfiles } from '../../../src/archive/archive.js'
import { acquireArchiveLock } from '../../../src/archive/lock.js'
import { ArchiveLockedError } from '../../../src/errors/index.js'
import { Manifest } from '../../../src/archive/manifest.js'
import { MemoryPacer } from '../../../src/archive/memory.js'
import { packetMemory } from '../../../src/gramjs/speedups/packet-memory.js'
import { jest } from '@jest/globals'
import type { ArchiveEvent } from '../../../src/archive/types.js'
import { smallUsers, archivableUsers, checkArchive, expectedFiles, listFiles, readManifest, startHarness, type Harness } from './helpers.js'

function noPartials(files: string[]): void {
  expect(files.filter((f) => f.endsWith('.tgp-partial'))).toEqual([])
}

describe('archiveProfiles against the emulator', () => {
  let h: Harness
  afterEach(async () => {
    await h?.close()
  })

  it('archives 30+ users byte for byte, then an unchanged re-run only lists (⌈n/100⌉ calls per user) and resolves nothing', async () => {
    h = await startHarness({ users: 40, seed: 7 })
    const users = archivableUsers(h.truth)
    expect(users.length).toBeGreaterThanOrEqual(30)
    const cache = EntityCache.memory()
    const events: ArchiveEvent[] = []
    const first = await archiveProfiles(h.client, [...users, users[0]!, '@nobody_here_12345'], {
      out: h.out,
      cache,
      concurrency: 6,
      onEvent: (e) => events.push(e),
    })
    expect(first.complete).toBe(false) // the unknown username failed
    expect(first.users).toEqual({ done: users.length, failed: 1, skipped_duplicates: 1, done_before: 0, waiting: 0 })
    const expected = expectedFiles(h.truth, users)
    const records = await checkArchive(h.out, h.truth)
    expect(new Set(records.map((r) => r.path))).toEqual(expected)
    expect(first.files.downloaded).toBe(expected.size)
    const failed = (await readManifest(h.out)).filter((r) => r.type === 'user-failed')
    expect(failed).toEqual([
      expect.objectContaining({ user: '@nobody_here_12345', error: { ok: false, error_code: 400, description: 'Bad Request: user not found' } }),
    ])
    expect(events.filter((e) => e.type === 'file-saved')).toHaveLength(expected.size)
    const stats1 = h.emu.stats()
    // Files came from several DCs, with exactly one exported authorization per non-home DC for the whole run.
    const home = h.emu.connection.homeDcId
    const photoDc = new Map(h.truth.users.flatMap((u) => u.photos.map((p) => [p.id, p.dcId] as const)))
    const foreign = new Set(records.map((r) => photoDc.get(r.photo_id!)).filter((dc) => dc !== home))
    expect(foreign.size).toBeGreaterThan(1)
    for (const dc of foreign) expect(stats1.bytesServedPerDc[String(dc)]).toBeGreaterThan(0)
    expect(stats1.callsPerMethod['auth.ExportAuthorization']).toBe(foreign.size)
    noPartials(await listFiles(h.out))

    h.emu.resetStats()
    const second = await archiveProfiles(h.client, users, { out: h.out, cache, concurrency: 6 })
    expect(second.complete).toBe(true)
    expect(second.files).toEqual({ downloaded: 0, adopted: 0, unchanged: expected.size, gone: 0, bytes: 0 })
    const stats2 = h.emu.stats()
    const listingCalls = h.truth.users
      .filter((u) => users.includes(`@${u.usernames[0]}`))
      .reduce((n, u) => n + Math.max(1, Math.ceil(u.photos.length / 100)), 0)
    expect(stats2.callsPerMethod).toEqual({ 'help.GetAppConfig': 1, 'photos.GetUserPhotos': listingCalls })
  })

  it('marks an archived photo that is no longer listed as gone and keeps its file', async () => {
    h = await startHarness({ users: 6, seed: 3 })
    const users = archivableUsers(h.truth).slice(0, 2)
    const cache = EntityCache.memory()
    await archiveProfiles(h.client, users, { out: h.out, cache, videos: false })
    // The world cannot drop a photo, so the archive gets one the profile never listed (as if it was deleted).
    const [record] = (await readManifest(h.out)).filter((r) => r.type === 'file')
    const path = `${record!.user_id}/123456789_x.jpg`
    await writeFile(join(h.out, path), 'old photo')
    await appendFile(
      join(h.out, 'manifest.ndjson'),
      `${JSON.stringify({ ...record, photo_id: '123456789', size: 'x', path, bytes: 9, sha256: 'x', saved_at: 1 })}\n`,
    )
    const run = await archiveProfiles(h.client, users, { out: h.out, cache, videos: false })
    expect(run.files.gone).toBe(1)
    expect(await readFile(join(h.out, path), 'utf8')).toBe('old photo')
    const gone = (await readManifest(h.out)).filter((r) => r.type === 'gone')
    expect(gone).toEqual([expect.objectContaining({ user_id: record!.user_id, kind: 'photo', photo_id: '123456789', size: 'x', path })])
    const again = await archiveProfiles(h.client, users, { out: h.out, cache, videos: false })
    expect(again.files.gone).toBe(0)
  })

  it('adopts a complete file a crash left without its record and sweeps partial files', async () => {
    h = await startHarness({ users: 6, seed: 5 })
    const users = archivableUsers(h.truth).slice(0, 2)
    const cache = EntityCache.memory()
    const full = join(h.out, 'full')
    await archiveProfiles(h.client, users, { out: full, cache, videos: false })
    const records = await checkArchive(full, h.truth)
    const [keep, ...rest] = records
    // A second archive: one file already complete under its final name but unrecorded, one stale partial.
    const out = join(h.out, 'crashed')
    await mkdir(join(out, String(keep!.user_id)), { recursive: true })
    await writeFile(join(out, keep!.path), await readFile(join(full, keep!.path)))
    await writeFile(join(out, String(keep!.user_id), '.999_x.jpg.tgp-partial'), 'half')
    const run = await archiveProfiles(h.client, users, { out, cache, videos: false })
    expect(run.swept_partials).toBe(1)
    expect(run.files.adopted).toBe(1)
    expect(run.files.downloaded).toBe(rest.length)
    await checkArchive(out, h.truth)
    noPartials(await listFiles(out))
    expect((await readManifest(out)).filter((r) => r.type === 'file' && r.adopted === true)).toHaveLength(1)
  })

  it('archives every size, video avatars and profile audios with their real extension when asked', async () => {
    h = await startHarness({ users: 12, seed: 9 })
    const truth = h.truth
    const withAudios = truth.users.filter(
      (u) => u.account !== true && !u.deactivated && u.usernames.length > 0 && u.audios.length > 0 && u.photos.length <= 20,
    )
    expect(withAudios.length).toBeGreaterThan(0)
    const users = withAudios.slice(0, 2).map((u) => `@${u.usernames[0]}`)
    const released = packetMemory.stats.released
    h.emu.resetStats()
    const run = await archiveProfiles(h.client, users, { out: h.out, cache: EntityCache.memory(), sizes: 'all', audios: true })
    expect(run.complete).toBe(true)
    // Each part received in pooled memory went back to the pool once written (small parts are plain Buffers).
    const parts = h.emu.stats().callsPerMethod['upload.GetFile'] ?? 0
    expect(packetMemory.stats.released - released).toBeGreaterThan(0)
    expect(packetMemory.stats.released - released).toBeLessThanOrEqual(parts)
    const records = await checkArchive(h.out, truth)
    const audioPaths = withAudios.slice(0, 2).flatMap((u) => u.audios.map((a) => `${u.id}/${a.id}.${a.fileName.split('.').pop()}`))
    expect(records.filter((r) => r.kind === 'audio').map((r) => r.path).sort()).toEqual(audioPaths.sort())
    const audioDates = new Map(withAudios.flatMap((u) => u.audios.map((a) => [a.id, a.date] as const)))
    for (const r of records.filter((x) => x.kind === 'audio')) expect(r.date).toBe(audioDates.get(r.document_id!))
    const photoCount = withAudios
      .slice(0, 2)
      .reduce((n, u) => n + u.photos.reduce((m, p) => m + p.sizes.filter((x) => x.stripped !== true).length + p.videoSizes.length, 0), 0)
    expect(records.filter((r) => r.kind !== 'audio')).toHaveLength(photoCount)
    // An unchanged re-run lists photos and audios and downloads nothing.
    h.emu.resetStats()
    const again = await archiveProfiles(h.client, users, { out: h.out, cache: EntityCache.memory(), sizes: 'all', audios: true })
    expect(again.files.downloaded).toBe(0)
    expect(h.emu.stats().callsPerMethod['upload.GetFile']).toBeUndefined()
  })

  it('stops starting users and files once its signal aborts; the next run completes the archive', async () => {
    h = await startHarness({ users: 10, seed: 6 })
    const users = smallUsers(h.truth, 6)
    const cache = EntityCache.memory()
    const abort = new AbortController()
    const first = await archiveProfiles(h.client, users, {
      out: h.out,
      cache,
      concurrency: 1,
      signal: abort.signal,
      onEvent: (e) => {
        if (e.type === 'file-saved') abort.abort()
      },
    })
    expect(first.complete).toBe(false)
    expect(first.users.failed).toBe(0)
    expect(first.files.downloaded).toBeLessThan(expectedFiles(h.truth, users).size)
    await checkArchive(h.out, h.truth)
    const second = await archiveProfiles(h.client, users, { out: h.out, cache })
    expect(second.complete).toBe(true)
    const records = await checkArchive(h.out, h.truth)
    expect(new Set(records.map((r) => r.path))).toEqual(expectedFiles(h.truth, users))
  })

  it('keeps only the users in progress in its in-memory manifest index, then none', async () => {
    h = await startHarness({ users: 20, seed: 7 })
    const users = smallUsers(h.truth, 12)
    expect(users.length).toBe(12)
    const opened: Manifest[] = []
    const open = Manifest.open.bind(Manifest)
    const spy = jest.spyOn(Manifest, 'open').mockImplementation(async (dir) => {
      const m = await open(dir)
      opened.push(m)
      return m
    })
    try {
      let mostUsers = 0
      const summary = await archiveProfiles(h.client, users, {
        out: h.out,
        cache: EntityCache.memory(),
        concurrency: 3,
        onEvent: (e) => {
          // Told before the user that is done is released: it and at most two others in progress.
          if (e.type === 'user-done') mostUsers = Math.max(mostUsers, opened[0]!.indexed.users)
        },
      })
      expect(summary.users).toEqual({ done: users.length, failed: 0, skipped_duplicates: 0, done_before: 0, waiting: 0 })
      expect(summary.files.downloaded).toBe(expectedFiles(h.truth, users).size)
      expect(opened).toHaveLength(1)
      expect(mostUsers).toBeGreaterThanOrEqual(1)
      expect(mostUsers).toBeLessThanOrEqual(3)
      expect(opened[0]!.indexed).toEqual({ users: 0, files: 0 })
    } finally {
      spy.mockRestore()
    }
  })

  it('looks at the V8 heap after each user it lists, so a re-run that only lists still collects its garbage', async () => {
    h = await startHarness({ users: 6, seed: 3 })
    const users = smallUsers(h.truth, 4)
    const looks = jest.spyOn(MemoryPacer.prototype, 'heapCheck')
    try {
      await archiveProfiles(h.client, users, { out: h.out, cache: EntityCache.memory() })
      expect(looks).toHaveBeenCalledTimes(users.length)
      looks.mockClear()
      await archiveProfiles(h.client, users, { out: h.out, cache: EntityCache.memory(), leanMemory: false })
      expect(looks).not.toHaveBeenCalled()
    } finally {
      looks.mockRestore()
    }
  })

  it("keeps no archived user in GramJS's own entity caches with leanMemory, and leaves them alone without", async () => {
    h = await startHarness({ users: 6, seed: 3 })
    const users = smallUsers(h.truth, 4)
    const ids = users.map((ref) => String(h!.truth.users.find((u) => `@${u.usernames[0]}` === ref)!.id))
    const internals = h.client as unknown as { _entityCache: { cacheMap: Map<string, unknown> }; session: { _entities: Set<unknown[]> } }
    const cached = (): string[] => ids.filter((id) => internals._entityCache.cacheMap.has(id))
    const rows = (): string[] => ids.filter((id) => [...internals.session._entities].some((r) => String(r[0]) === id))
    const cache = EntityCache.memory()
    expect((await archiveProfiles(h.client, users, { out: h.out, cache })).complete).toBe(true)
    expect(cached()).toEqual([])
    expect(rows()).toEqual([])
    // The access hashes are still at hand: the re-run resolves every user without contacts.resolveUsername.
    h.emu.resetStats()
    expect((await archiveProfiles(h.client, users, { out: h.out, cache, leanMemory: false })).complete).toBe(true)
    expect(h.emu.stats().callsPerMethod['contacts.ResolveUsername']).toBeUndefined()
    expect(cached()).toEqual(ids)
    expect(rows()).toEqual(ids)
  })

  it('refuses a run on a folder another live run holds, and runs once it is released', async () => {
    h = await startHarness({ users: 4, seed: 2 })
    const users = archivableUsers(h.truth).slice(0, 1)
    const held = await acquireArchiveLock(h.out)
    h.emu.resetStats()
    await expect(archiveProfiles(h.client, users, { out: h.out })).rejects.toThrow(ArchiveLockedError)
    expect(h.emu.stats().callsPerMethod).toEqual({})
    await held.release()
    expect((await archiveProfiles(h.client, users, { out: h.out })).complete).toBe(true)
    expect((await readdir(h.out)).includes('.tg-profile-archive.lock')).toBe(false)
  })
})
