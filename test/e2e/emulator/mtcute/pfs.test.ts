/**
 * mtcute with perfect forward secrecy (its `network.usePfs`): every connection talks over a temporary key bound to
 * the permanent one with `auth.bindTempAuthKey` (core.telegram.org/api/pfs), for the login and for downloads on
 * other DCs alike.
 */
import type { TelegramClient } from '@mtcute/node'
import { startEmulator, type RunningEmulator } from '../../../../src/emulator/index.js'
import { account, keyMtcuteCanFind, mtcuteClient, sha256, startAs } from './helpers.js'

const rsaKey = keyMtcuteCanFind()

describe('mtcute with temporary keys (PFS)', () => {
  let emu: RunningEmulator
  let tg: TelegramClient

  beforeAll(async () => {
    emu = await startEmulator({ seed: 1, users: 10, rsaKey })
    tg = mtcuteClient(emu, { usePfs: true })
  })

  afterAll(async () => {
    await tg.destroy()
    await emu.close()
  })

  it('logs in with 2FA and downloads from another DC, every key bound, no request refused', async () => {
    const who = account(emu, true)
    const user = await startAs(tg, who)
    expect(user.id).toBe(who.userId)
    expect((await tg.getMe()).id).toBe(who.userId)
    const target = emu.world.users.find((u) => u.account === undefined && u.usernames.length > 0 && u.photoCount > 100)
    if (target === undefined) throw new Error('the seeded world has no user with more than 100 photos')
    const photos = await tg.getProfilePhotos(`@${target.usernames[0] ?? ''}`, { limit: 100 })
    const photo = photos.find((p) => p.raw.dcId !== emu.connection.homeDcId)
    if (photo === undefined) throw new Error('no photo off the home DC')
    const truth = emu.world.photoToFile(emu.world.photoById(BigInt(photo.id.toString()))!)
    const largest = truth.sizes[truth.sizes.length - 1]!
    const bytes = await tg.downloadAsBuffer(photo)
    expect({ bytes: bytes.length, sha256: sha256(bytes) }).toEqual({ bytes: largest.bytes, sha256: largest.sha256 })
    const stats = emu.stats()
    // one binding per temporary key: the home DC's and the other DC's at least
    expect(stats.callsPerMethod['auth.BindTempAuthKey']).toBeGreaterThanOrEqual(2)
    // start() asks getMe first (AUTH_KEY_UNREGISTERED), then signs in (SESSION_PASSWORD_NEEDED): nothing else refused
    expect(stats.rpcErrors).toEqual({ AUTH_KEY_UNREGISTERED: 1, SESSION_PASSWORD_NEEDED: 1 })
    expect(stats.requestsUnparsed).toEqual({})
  })
})
