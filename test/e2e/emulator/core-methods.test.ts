/**
 * The core library (getUserProfilePhotos, iterUserProfilePhotos, getUserProfileAudios, downloadFile) against a real
 * emulator over TCP with an unmodified GramJS client, checked against the world's ground truth.
 */
import { createHash } from 'node:crypto'
import { Api } from 'telegram'
import bigInt from 'big-integer'
import type { EmulatorTelegramClient } from '../../../src/client/emulator.js'
import { shutdownClient } from '../../../src/client/connect.js'
import { EntityCache } from '../../../src/client/entity-cache.js'
import { generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startEmulator, type RunningEmulator, type WorldUser, type WorldPhoto } from '../../../src/emulator/index.js'
import { parseProfileFileId } from '../../../src/botapi/file-id.js'
import { invokeRequest } from '../../../src/client/invoke.js'
import { GetSavedMusic, SavedMusic, SavedMusicNotModified } from '../../../src/tl/index.js'
import {
  BotApiError,
  downloadFile,
  getUserProfileAudios,
  getUserProfilePhotos,
  iterUserProfilePhotos,
  resolveUser,
  type PhotoSize,
} from '../../../src/index.js'
import { DESCRIPTIONS } from '../../../src/advanced.js'
import { loggedInTestClient } from './helpers.js'
import { rejection as anyRejection } from '../../helpers/rejection.js'

const rsaKey = generateRsaKeyPair()
/** Size letters the Bot API never lists (stripped, path, and the t/p/u/v crops). */
const HIDDEN_SIZES = new Set(['i', 'j', 't', 'p', 'u', 'v'])

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0)

async function rejection(p: Promise<unknown>): Promise<BotApiError> {
  const e = await anyRejection(p)
  if (e instanceof BotApiError) return e
  throw e
}

describe('core library against the emulator', () => {
  let emu: RunningEmulator
  let client: EmulatorTelegramClient
  let users: WorldUser[]

  beforeAll(async () => {
    // seed 4, 10 users: photo counts 0, 1, 3, (deactivated), 192, 0, 1, 8, 3, 256; every active user has a username
    emu = await startEmulator({ seed: 4, users: 10, rsaKey })
    client = await loggedInTestClient(emu, { connectionRetries: 1 })
    users = [...emu.world.toFile().users].filter((u) => u.account !== true)
  })

  afterAll(async () => {
    await shutdownClient(client)
    await emu.close()
  })

  const named = (pred: (u: WorldUser) => boolean): WorldUser => {
    const u = users.find((x) => !x.deactivated && x.usernames.length > 0 && pred(x))
    if (u === undefined) throw new Error('the seeded world lacks a user this test needs')
    return u
  }
  const at = (u: WorldUser): string => `@${u.usernames[0] ?? ''}`

  /** Checks one photo's Bot API sizes against the world: letters, dimensions, file_size and decoded file ids. */
  function checkSizes(sizes: PhotoSize[], truth: WorldPhoto): void {
    const expected = truth.sizes.filter((s) => s.stripped !== true && !HIDDEN_SIZES.has(s.type))
    expect(sizes).toHaveLength(expected.length)
    for (const size of sizes) {
      const parsed = parseProfileFileId(size.file_id)
      expect(parsed.kind).toBe('photo')
      expect(parsed.id.toString()).toBe(truth.id)
      expect(parsed.dcId).toBe(truth.dcId)
      const t = truth.sizes.find((s) => s.type === parsed.sizeType)
      expect(t).toBeDefined()
      expect(size.file_size).toBe(t!.bytes)
      expect([size.width, size.height]).toEqual([t!.w, t!.h])
    }
    // smallest first by bytes
    const bytes = sizes.map((s) => s.file_size ?? 0)
    expect([...bytes].sort((a, b) => a - b)).toEqual(bytes)
  }

  describe('getUserProfilePhotos', () => {
    it('answers the exact total_count of every active user, whatever the page', async () => {
      for (const u of users.filter((x) => !x.deactivated && x.usernames.length > 0)) {
        const res = await getUserProfilePhotos(client, { user_id: at(u), limit: 1 })
        expect(res.total_count).toBe(u.photos.length)
        expect(res.photos).toHaveLength(Math.min(1, u.photos.length))
      }
    })

    it('pages a user with more than 250 photos by limit/offset, newest first, each photo exactly once', async () => {
      const big = named((x) => x.photos.length > 250)
      const seen: string[] = []
      for (let offset = 0; offset < big.photos.length; offset += 100) {
        const page = await getUserProfilePhotos(client, { user_id: big.id, offset, limit: 100 })
        expect(page.total_count).toBe(big.photos.length)
        expect(page.photos).toHaveLength(Math.min(100, big.photos.length - offset))
        for (const [k, sizes] of page.photos.entries()) {
          const truth = big.photos[offset + k]!
          checkSizes(sizes, truth)
          seen.push(parseProfileFileId(sizes[0]!.file_id).id.toString())
        }
      }
      expect(seen).toEqual(big.photos.map((p) => p.id))
      const past = await getUserProfilePhotos(client, { user_id: big.id, offset: big.photos.length, limit: 5 })
      expect(past).toEqual({ total_count: big.photos.length, photos: [] })
    })

    it('with max_id lists only photos whose id is below it, the total staying the user total', async () => {
      const big = named((x) => x.photos.length > 250)
      const pivot = big.photos[137]!
      const below = big.photos.filter((p) => BigInt(p.id) < BigInt(pivot.id))
      expect(below.length).toBeGreaterThan(0)
      const page = await getUserProfilePhotos(client, { user_id: big.id, max_id: pivot.id, limit: 100 })
      expect(page.total_count).toBe(big.photos.length)
      const ids = page.photos.map((s) => parseProfileFileId(s[0]!.file_id).id.toString())
      expect(ids).toEqual(below.slice(0, 100).map((p) => p.id))
      const next = await getUserProfilePhotos(client, { user_id: big.id, max_id: BigInt(pivot.id), offset: 100, limit: 100 })
      const nextIds = next.photos.map((s) => parseProfileFileId(s[0]!.file_id).id.toString())
      expect(nextIds).toEqual(below.slice(100, 200).map((p) => p.id))
    })

    it('gives file ids that download byte-identical (sha256) from the DC named in them', async () => {
      const few = users.filter((x) => !x.deactivated && x.usernames.length > 0 && x.photos.length > 1 && x.photos.length < 10)
      expect(few.length).toBeGreaterThan(0)
      const dcs = new Set<number>()
      emu.resetStats()
      let downloaded = 0
      for (const u of few) {
        const res = await getUserProfilePhotos(client, { user_id: u.id })
        expect(res.total_count).toBe(u.photos.length)
        for (const [k, sizes] of res.photos.entries()) {
          const truth = u.photos[k]!
          checkSizes(sizes, truth)
          for (const size of sizes) {
            const buf = await downloadFile(client, size.file_id, { size: size.file_size! })
            const t = truth.sizes.find((s) => s.type === parseProfileFileId(size.file_id).sizeType)!
            expect(buf.length).toBe(t.bytes)
            expect(sha256(buf)).toBe(t.sha256)
            dcs.add(truth.dcId)
            downloaded += buf.length
          }
        }
      }
      const stats = emu.stats()
      expect(sum(stats.bytesServedPerDc)).toBe(downloaded)
      expect(new Set(Object.keys(stats.bytesServedPerDc).map(Number))).toEqual(dcs)
      // no download was ever answered FILE_MIGRATE: each went straight to its DC
      expect(stats.rpcErrors).toEqual({})
      expect(dcs.size).toBeGreaterThan(1)
    })
  })

  describe('iterUserProfilePhotos', () => {
    it.each([
      ['no photos', (u: WorldUser) => u.photos.length === 0],
      ['one photo', (u: WorldUser) => u.photos.length === 1],
      ['101..200 photos', (u: WorldUser) => u.photos.length > 100 && u.photos.length <= 200],
      ['more than 250 photos', (u: WorldUser) => u.photos.length > 250],
    ])('yields every photo of a user with %s in ⌈n/100⌉ photos.getUserPhotos calls', async (_label, pred) => {
      const u = named(pred)
      await getUserProfilePhotos(client, { user_id: at(u), limit: 1 }) // resolve first: only listing calls count
      emu.resetStats()
      const ids: string[] = []
      for await (const item of iterUserProfilePhotos(client, u.id)) {
        ids.push(item.photo_id)
        expect(item.dc_id).toBe(u.photos[ids.length - 1]!.dcId)
      }
      expect(ids).toEqual(u.photos.map((p) => p.id))
      const stats = emu.stats()
      expect(stats.callsPerMethod).toEqual({ 'photos.GetUserPhotos': Math.max(1, Math.ceil(u.photos.length / 100)) })
    })

    it('with max_id yields exactly the photos below it; the empty page after the short one ends the iteration', async () => {
      const big = named((x) => x.photos.length > 250)
      const pivot = big.photos[137]!
      const below = big.photos.filter((p) => BigInt(p.id) < BigInt(pivot.id))
      emu.resetStats()
      const ids: string[] = []
      for await (const item of iterUserProfilePhotos(client, big.id, { max_id: pivot.id })) ids.push(item.photo_id)
      expect(ids).toEqual(below.map((p) => p.id))
      // photosSlice.count stays the user's total under max_id, so "offset >= count" cannot end it: the library's
      // documented stop is the empty page, one call past ⌈m/100⌉ when m is not a multiple of 100
      expect(below.length % 100).not.toBe(0)
      expect(emu.stats().callsPerMethod).toEqual({ 'photos.GetUserPhotos': Math.ceil(below.length / 100) + 1 })
    })
  })

  describe('errors', () => {
    it('answers 400 user not found for an unoccupied username, after one contacts.resolveUsername', async () => {
      emu.resetStats()
      const e = await rejection(getUserProfilePhotos(client, { user_id: '@nobody_has_this_name' }))
      expect([e.error_code, e.description, e.mtprotoError]).toEqual([400, DESCRIPTIONS.userNotFound, 'USERNAME_NOT_OCCUPIED'])
      expect(emu.stats().callsPerMethod).toEqual({ 'contacts.ResolveUsername': 1 })
    })

    it.each(['@ab', 'bad__name', 'trailing_', '-5', '0', 'https://t.me/'])(
      'rejects the invalid user %j with 400 before any network call',
      async (user) => {
        emu.resetStats()
        const e = await rejection(getUserProfilePhotos(client, { user_id: user }))
        expect([e.error_code, e.description]).toEqual([400, DESCRIPTIONS.invalidUserId])
        expect(emu.stats().callsPerMethod).toEqual({})
      },
    )

    it('rejects a negative max_id, a bad limit and a negative offset without reaching the network', async () => {
      const u = named((x) => x.photos.length > 1)
      emu.resetStats()
      const before = emu.stats().protocol
      const cases = [
        [{ max_id: -1 }, DESCRIPTIONS.negativeMaxId],
        [{ max_id: '-7' }, DESCRIPTIONS.negativeMaxId],
        [{ limit: 0 }, DESCRIPTIONS.invalidLimit],
        [{ limit: 101 }, DESCRIPTIONS.invalidLimit],
        [{ offset: -1 }, DESCRIPTIONS.invalidOffset],
      ] as const
      for (const [params, description] of cases) {
        const e = await rejection(getUserProfilePhotos(client, { user_id: at(u), ...params }))
        expect([e.error_code, e.description]).toEqual([400, description])
      }
      expect(emu.stats().callsPerMethod).toEqual({})
      expect(emu.stats().protocol).toEqual(before)
    })

    it('answers 400 user not found for an id this account never saw, without a call', async () => {
      const never = users.find((x) => x.deactivated)!
      emu.resetStats()
      const e = await rejection(getUserProfilePhotos(client, { user_id: never.id }))
      expect([e.error_code, e.description]).toEqual([400, DESCRIPTIONS.userNotFound])
      expect(emu.stats().callsPerMethod).toEqual({})
    })

    it('answers a deactivated user (known by access hash) with no photos and no audios', async () => {
      const dead = users.find((x) => x.deactivated)!
      const viewer = BigInt(emu.connection.testAccount.userId)
      // as if an earlier answer (a chat member list, say) had carried the user: same access hash the server issues
      const accessHash = emu.world.accessHash(viewer, BigInt(dead.id))
      const local = EntityCache.memory()
      local.addUsers([new Api.User({ id: bigInt(dead.id), accessHash: bigInt(accessHash.toString()), deleted: true })])
      emu.resetStats()
      expect(await getUserProfilePhotos(client, { user_id: dead.id }, { cache: local })).toEqual({ total_count: 0, photos: [] })
      expect(await getUserProfileAudios(client, { user_id: dead.id }, { cache: local })).toEqual({ total_count: 0, audios: [] })
      expect(emu.stats().callsPerMethod).toEqual({ 'photos.GetUserPhotos': 1, 'users.GetSavedMusic': 1 })
    })

    it('answers 400 user not found when the cached access hash is wrong (USER_ID_INVALID from the server)', async () => {
      const u = named((x) => x.photos.length > 0)
      const local = EntityCache.memory()
      local.addUsers([new Api.User({ id: bigInt(u.id), accessHash: bigInt(12345) })])
      const e = await rejection(getUserProfilePhotos(client, { user_id: u.id }, { cache: local }))
      expect([e.error_code, e.description, e.mtprotoError]).toEqual([400, DESCRIPTIONS.userNotFound, 'USER_ID_INVALID'])
    })
  })

  describe('getUserProfileAudios', () => {
    it('lists every profile audio with the world duration, performer, title and size, downloadable byte for byte', async () => {
      const withAudios = users.filter((x) => !x.deactivated && x.usernames.length > 0 && x.audios.length > 0)
      expect(withAudios.length).toBeGreaterThan(0)
      for (const u of withAudios) {
        const res = await getUserProfileAudios(client, { user_id: at(u) })
        expect(res.total_count).toBe(u.audios.length)
        expect(res.audios.map((a) => [a.duration, a.performer, a.title, a.file_size, a.mime_type, a.file_name])).toEqual(
          u.audios.map((a) => [a.duration, a.performer, a.title, a.bytes, a.mimeType, a.fileName]),
        )
        for (const [k, audio] of res.audios.entries()) {
          const parsed = parseProfileFileId(audio.file_id)
          expect([parsed.kind, parsed.id.toString(), parsed.dcId]).toEqual(['document', u.audios[k]!.id, u.audios[k]!.dcId])
          const buf = await downloadFile(client, audio.file_id)
          expect(sha256(buf)).toBe(u.audios[k]!.sha256)
        }
        if (u.audios.length > 1) {
          const tail = await getUserProfileAudios(client, { user_id: at(u), offset: 1, limit: 1 })
          expect(tail.total_count).toBe(u.audios.length)
          expect(tail.audios.map((a) => a.title)).toEqual([u.audios[1]!.title])
        }
      }
    })

    it('users.getSavedMusic answers savedMusicNotModified for the list hash of the page, savedMusic otherwise', async () => {
      // The core always sends hash 0 (no local copy to revalidate), so this checks the emulator's side on the wire:
      // the hash is Telegram's documented list hash (https://core.telegram.org/api/offsets#hash-generation).
      const u = named((x) => x.audios.length > 0)
      const { inputUser } = await resolveUser(client, at(u))
      let h = 0n
      for (const a of u.audios) {
        h ^= h >> 21n
        h = BigInt.asUintN(64, h ^ (h << 35n))
        h ^= h >> 4n
        h = BigInt.asUintN(64, h + BigInt.asUintN(64, BigInt(a.id)))
      }
      const hash = BigInt.asIntN(64, h)
      const ask = (value: bigint): Promise<unknown> =>
        invokeRequest(client, new GetSavedMusic({ id: inputUser, offset: 0, limit: 100, hash: bigInt(value.toString()) }))
      const same = await ask(hash)
      expect(same).toBeInstanceOf(SavedMusicNotModified)
      expect((same as SavedMusicNotModified).count).toBe(u.audios.length)
      const stale = await ask(hash ^ 1n)
      expect(stale).toBeInstanceOf(SavedMusic)
      expect((stale as SavedMusic).documents.map((d) => d.id.toString())).toEqual(u.audios.map((a) => a.id))
    })

    it('answers total_count 0 for a user without audios', async () => {
      const u = named((x) => x.audios.length === 0)
      expect(await getUserProfileAudios(client, { user_id: at(u) })).toEqual({ total_count: 0, audios: [] })
    })
  })
})
