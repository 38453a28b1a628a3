/**
 * mtcute over the emulated world, logged in with a code: resolving users by each of their usernames, listing a
 * profile of more than 250 photos by offset and by max_id, and downloading from every DC (every size of a photo, video
 * avatars, the current avatar through `inputPeerPhotoFileLocation`, saved music), each file's sha256 equal to the
 * world's.
 */
import { Long, MtPeerNotFoundError, type Photo, type TelegramClient, type tl } from '@mtcute/node'
import { startEmulator, type RunningEmulator, type WorldPhoto, type WorldUser } from '../../../../src/emulator/index.js'
import type { UserMeta } from '../../../../src/emulator/world.js'
import { account, keyMtcuteCanFind, mtcuteClient, sha256, startAs } from './helpers.js'

const rsaKey = keyMtcuteCanFind()
const PAGE = 100

describe('mtcute over the emulated world', () => {
  let emu: RunningEmulator
  let tg: TelegramClient
  /** A user with more than 250 photos, its ground truth, and its photos as mtcute lists them. */
  let many: { meta: UserMeta; truth: WorldUser; photos: Photo[] }

  const stats = (): ReturnType<RunningEmulator['stats']> => emu.stats()
  const diff = (before: Record<string, number>, after: Record<string, number>): Record<string, number> => {
    const out: Record<string, number> = {}
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const d = (after[k] ?? 0) - (before[k] ?? 0)
      if (d !== 0) out[k] = d
    }
    return out
  }
  /** The first ordinary user with a username that `pred` accepts. */
  const userWhere = (what: string, pred: (u: UserMeta) => boolean): UserMeta => {
    const u = emu.world.users.find((x) => x.account === undefined && x.usernames.length > 0 && pred(x))
    if (u === undefined) throw new Error(`the seeded world has no user with ${what}`)
    return u
  }
  const handle = (u: UserMeta): string => `@${u.usernames[0] ?? ''}`
  const truthOf = (id: tl.Long, truth: WorldUser): WorldPhoto => {
    const t = truth.photos.find((p) => p.id === id.toString())
    if (t === undefined) throw new Error(`photo ${id.toString()} is not in the world`)
    return t
  }

  beforeAll(async () => {
    // seed 1, 10 users: a user with 3 usernames and 4 saved songs, one with 126 photos and 2 usernames, one with 270
    emu = await startEmulator({ seed: 1, users: 10, rsaKey })
    tg = mtcuteClient(emu)
    await startAs(tg, account(emu, false))
    const meta = userWhere('more than 250 photos', (u) => u.photoCount > 250)
    const photos: Photo[] = []
    // bounded by the count: mtcute 0.30.3's iterator, unbounded, asks for the empty page past the end forever
    for await (const photo of tg.iterProfilePhotos(handle(meta), { limit: meta.photoCount })) photos.push(photo)
    many = { meta, truth: emu.world.userToFile(meta), photos }
  })

  afterAll(async () => {
    await tg.destroy()
    await emu.close()
  })

  afterEach(() => {
    // every request mtcute sent was one the emulator could read
    expect(stats().requestsUnparsed).toEqual({})
  })

  describe('resolving', () => {
    it('resolves a user by each of its usernames, the secondary ones too, to the same user', async () => {
      const u = userWhere('several usernames', (x) => x.usernames.length >= 3)
      const before = stats().callsPerMethod
      for (const name of u.usernames) {
        // force: mtcute would otherwise answer the later names from the usernames its storage kept from the first
        const peer = await tg.resolvePeer(name, true)
        expect(peer).toMatchObject({ _: 'inputPeerUser', userId: Number(u.id) })
      }
      expect(diff(before, stats().callsPerMethod)['contacts.ResolveUsername']).toBe(u.usernames.length)
      const user = await tg.getUser(`@${u.usernames[u.usernames.length - 1] ?? ''}`)
      expect([user.id, user.firstName]).toEqual([Number(u.id), u.firstName])
      expect((user.usernames ?? []).map((x) => x.username)).toEqual(u.usernames)
    })

    it('reports an unknown username as not found (USERNAME_NOT_OCCUPIED)', async () => {
      const before = stats().rpcErrors
      await expect(tg.resolvePeer('nobody_here_at_all', true)).rejects.toBeInstanceOf(MtPeerNotFoundError)
      expect(diff(before, stats().rpcErrors)).toEqual({ USERNAME_NOT_OCCUPIED: 1 })
    })
  })

  describe('listing photos', () => {
    it('lists more than 250 photos with iterProfilePhotos (up to their count), ids, dates and DCs as the world has them', () => {
      expect(many.photos.map((p) => p.id.toString())).toEqual(many.truth.photos.map((p) => p.id))
      expect(many.photos.map((p) => p.date.getTime() / 1000)).toEqual(many.truth.photos.map((p) => p.date))
      expect(many.photos.map((p) => p.raw.dcId)).toEqual(many.truth.photos.map((p) => p.dcId))
    })

    it('pages by offset with getProfilePhotos, one call per 100 photos', async () => {
      const before = stats().callsPerMethod
      const ids: string[] = []
      let total = -1
      for (let offset = 0; total < 0 || offset < total; ) {
        const page = await tg.getProfilePhotos(handle(many.meta), { offset, limit: PAGE })
        total = page.total
        if (page.length === 0) break
        ids.push(...page.map((p) => p.id.toString()))
        offset = page.next ?? offset + page.length
      }
      expect(total).toBe(many.meta.photoCount)
      expect(ids).toEqual(many.truth.photos.map((p) => p.id))
      expect(diff(before, stats().callsPerMethod)['photos.GetUserPhotos']).toBe(Math.ceil(many.meta.photoCount / PAGE))
    })

    it('pages by max_id with photos.getUserPhotos, one call per 100 photos', async () => {
      const userId = await tg.resolveUser(handle(many.meta))
      const before = stats().callsPerMethod
      const ids: string[] = []
      let maxId = Long.ZERO
      for (;;) {
        const res = await tg.call({ _: 'photos.getUserPhotos', userId, offset: 0, maxId, limit: PAGE })
        const count = res._ === 'photos.photosSlice' ? res.count : res.photos.length
        const page = res.photos.flatMap((p) => (p._ === 'photo' ? [p.id] : []))
        ids.push(...page.map((id) => id.toString()))
        const last = page[page.length - 1]
        if (last === undefined || ids.length >= count) break
        maxId = last
      }
      expect(ids).toEqual(many.truth.photos.map((p) => p.id))
      expect(diff(before, stats().callsPerMethod)['photos.GetUserPhotos']).toBe(Math.ceil(many.meta.photoCount / PAGE))
    })

    it('fetches one photo by id with getProfilePhoto (offset -1 below max_id = that id)', async () => {
      for (const t of [many.truth.photos[0]!, many.truth.photos[137]!, many.truth.photos[many.truth.photos.length - 1]!]) {
        const photo = await tg.getProfilePhoto(handle(many.meta), Long.fromString(t.id))
        expect(photo?.id.toString()).toBe(t.id)
      }
    })
  })

  describe('downloading', () => {
    /** Downloads `what` and checks it against `expected`; returns the bytes' length. */
    async function download(what: Parameters<TelegramClient['downloadAsBuffer']>[0], expected: { sha256: string; bytes: number }): Promise<number> {
      const bytes = await tg.downloadAsBuffer(what)
      expect({ bytes: bytes.length, sha256: sha256(bytes) }).toEqual({ bytes: expected.bytes, sha256: expected.sha256 })
      return bytes.length
    }

    // The first file from a DC other than the home DC is where mtcute copies its login there: it sends the request on
    // a fresh key, gets 401 AUTH_KEY_UNREGISTERED (as from Telegram), then exports and imports the authorization once.
    it.each([1, 2, 3, 4, 5])('downloads every size of a photo on DC %i, straight from that DC', async (dcId) => {
      const photo = many.photos.find((p) => p.raw.dcId === dcId)
      if (photo === undefined) throw new Error(`the seeded user has no photo on DC ${dcId}`)
      const truth = truthOf(photo.id, many.truth)
      const before = stats()
      let served = 0
      for (const size of truth.sizes.filter((s) => s.stripped !== true)) {
        const thumb = photo.getThumbnail(size.type)
        if (thumb === null) throw new Error(`mtcute sees no size ${size.type} on photo ${truth.id}`)
        served += await download(thumb, size)
      }
      // the photo itself is its largest size
      const largest = truth.sizes[truth.sizes.length - 1]!
      served += await download(photo, largest)
      const after = stats()
      expect(diff(before.bytesServedPerDc, after.bytesServedPerDc)).toEqual({ [dcId]: served })
      const home = dcId === emu.connection.homeDcId
      expect(diff(before.rpcErrors, after.rpcErrors)).toEqual(home ? {} : { AUTH_KEY_UNREGISTERED: 1 })
      const calls = diff(before.callsPerMethod, after.callsPerMethod)
      expect([calls['auth.ExportAuthorization'], calls['auth.ImportAuthorization']]).toEqual(home ? [undefined, undefined] : [1, 1])
    })

    it('downloads a video avatar on each DC that has one', async () => {
      const before = stats()
      const served: Record<string, number> = {}
      for (const dcId of emu.connection.dcs.map((d) => d.id)) {
        const photo = many.photos.find((p) => p.raw.dcId === dcId && p.isAnimatedAvatar)
        if (photo === undefined) continue
        const video = truthOf(photo.id, many.truth).videoSizes.find((v) => v.type === 'u')
        const thumb = photo.getThumbnail('u')
        expect(thumb?.isVideo).toBe(true)
        if (video === undefined || thumb === null) throw new Error(`photo ${photo.id.toString()} lacks its video`)
        served[dcId] = await download(thumb, video)
      }
      expect(Object.keys(served).length).toBeGreaterThanOrEqual(2)
      const after = stats()
      expect(diff(before.bytesServedPerDc, after.bytesServedPerDc)).toEqual(served)
      // the DCs have the login already (the tests above): nothing refused, no FILE_MIGRATE
      expect(diff(before.rpcErrors, after.rpcErrors)).toEqual({})
    })

    it('downloads the current avatar, big and small, through inputPeerPhotoFileLocation', async () => {
      const user = await tg.getUser(handle(many.meta))
      const avatar = user.photo
      if (avatar === null) throw new Error('mtcute sees no avatar on a user with photos')
      const newest = many.truth.photos[0]!
      expect(avatar.big.location).toMatchObject({ _: 'inputPeerPhotoFileLocation', big: true })
      expect(avatar.raw.photoId.toString()).toBe(newest.id)
      const size = (type: string): WorldPhoto['sizes'][number] => newest.sizes.find((s) => s.type === type)!
      await download(avatar.big, size('c'))
      await download(avatar.small, size('a'))
    })

    it('downloads the saved music listed by users.getSavedMusic, from the DCs the songs live on', async () => {
      const u = userWhere('saved music on several DCs', (x) => x.audioCount >= 2)
      const truth = emu.world.userToFile(u)
      const before = stats()
      const songs = await tg.getSavedMusic({ userId: handle(u) })
      expect(songs.total).toBe(u.audioCount)
      expect(songs.map((s) => s.raw.id.toString())).toEqual(truth.audios.map((a) => a.id))
      expect(songs.map((s) => [s.performer, s.title, s.fileName, s.duration])).toEqual(
        truth.audios.map((a) => [a.performer, a.title, a.fileName, a.duration]),
      )
      for (const [i, song] of songs.entries()) await download(song, truth.audios[i]!)
      const after = stats()
      const perDc: Record<string, number> = {}
      for (const a of truth.audios) perDc[a.dcId] = (perDc[a.dcId] ?? 0) + a.bytes
      expect(diff(before.bytesServedPerDc, after.bytesServedPerDc)).toEqual(perDc)
      expect(diff(before.callsPerMethod, after.callsPerMethod)['users.GetSavedMusic']).toBe(1)
    })
  })
})
