/**
 * Expired file references are refreshed by listing a page again, and that listing refreshes every file of the page:
 * the archiver lists each page once per expiry, not once per file (TDLib reloads a file source once for every file
 * that shares it).
 */
import { EntityCache } from '../../../src/client/entity-cache.js'
import { archiveProfiles } from '../../../src/archive/archive.js'
import type { RunningEmulator } from '../../../src/emulator/index.js'
import { checkArchive, listFiles, startHarness, type Harness } from './helpers.js'

const TTL_SECONDS = 20

describe('archiveProfiles with expiring file references', () => {
  let h: Harness | undefined
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  it('lists each page of photos and of audios once more when every reference expires, not once per file', async () => {
    // The emulator's clock jumps past the references' lifetime when the first upload.getFile arrives: every
    // reference of the first listing is expired by then, and those of any later listing never expire.
    let emu: RunningEmulator | undefined
    let jumped = false
    const clock = {
      now: (): number => {
        jumped ||= (emu?.stats().callsPerMethod['upload.GetFile'] ?? 0) > 0
        return Date.now() + (jumped ? (TTL_SECONDS + 1) * 1000 : 0)
      },
    }
    // Seed 21 has, as its fifth user, 113 photos (two pages) and 4 audios (one page).
    h = await startHarness({ users: 5, seed: 21, fileReferenceTtlSeconds: TTL_SECONDS, clock })
    emu = h.emu
    const user = h.truth.users.find((u) => u.photos.length > 100 && u.audios.length > 0)
    expect(user).toBeDefined()
    const photoPages = Math.ceil(user!.photos.length / 100)
    expect(photoPages).toBe(2)
    const files = user!.photos.reduce((n, p) => n + p.sizes.filter((s) => s.stripped !== true).length + p.videoSizes.length, 0)
    const run = await archiveProfiles(h.client, [`@${user!.usernames[0]}`], {
      out: h.out,
      cache: EntityCache.memory(),
      sizes: 'all',
      audios: true,
    })
    expect(run.complete).toBe(true)
    expect(run.files.downloaded).toBe(files + user!.audios.length)
    expect(jumped).toBe(true)
    const stats = h.emu.stats()
    // The first listing, then one re-list per page.
    expect(stats.callsPerMethod['photos.GetUserPhotos']).toBe(2 * photoPages)
    expect(stats.callsPerMethod['users.GetSavedMusic']).toBe(2)
    expect(run.rpc['photos.GetUserPhotos']).toBe(2 * photoPages)
    expect(stats.rpcErrors['FILE_REFERENCE_EXPIRED']).toBeGreaterThan(0)
    await checkArchive(h.out, h.truth)
    expect((await listFiles(h.out)).filter((f) => f.endsWith('.tgp-partial'))).toEqual([])
  })
})
