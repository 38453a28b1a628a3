/**
 * mtcute with perfect forward secrecy (its `network.usePfs`): each connection talks over a temporary key bound to the
 * permanent one with `auth.bindTempAuthKey` (core.telegram.org/api/pfs): the login, and downloads on the home DC
 * over mtcute's main connection and over its download pool. The client runs in its own process (`pfs-child.ts`
 * says why), compiled, as `npm test` builds it.
 *
 * Downloads from the other DCs are left out: with `usePfs`, mtcute 0.30.3 never opens its download connection to a
 * DC it meets for the first time (`MultiSessionConnection.notifyKeyChange` skips a connection with no temporary key
 * and nothing else starts it), so the request waits forever with no byte sent to the emulator.
 */
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { startEmulator, type RunningEmulator } from '../../../../src/emulator/index.js'
import type { PfsChildInput, PfsChildOutput } from './pfs-child.js'
import { account, keyMtcuteCanFind } from './helpers.js'

const CHILD = resolve(process.cwd(), 'dist/test/e2e/emulator/mtcute/pfs-child.js')
const rsaKey = keyMtcuteCanFind()

describe('mtcute with temporary keys (PFS)', () => {
  let emu: RunningEmulator

  beforeAll(async () => {
    emu = await startEmulator({ seed: 1, users: 10, rsaKey })
  })

  afterAll(async () => {
    await emu.close()
  })

  it('logs in with 2FA and downloads on the home DC, each connection on its own bound temporary key', async () => {
    const home = emu.connection.homeDcId
    const target = emu.world.users.find((u) => u.account === undefined && u.usernames.length > 0 && u.photoCount > 250)
    if (target === undefined) throw new Error('the seeded world has no user with more than 250 photos')
    let position = 0
    while (position < 100 && !(emu.world.photoAt(target, position).dcId === home && emu.world.photoAt(target, position).videoStartTs !== undefined)) position++
    if (position === 100) throw new Error('no video avatar on the home DC among the first 100 photos')
    const truth = emu.world.photoToFile(emu.world.photoAt(target, position))
    const input: PfsChildInput = { connection: emu.connection, username: target.usernames[0] ?? '', photoId: truth.id }
    const { stdout } = await promisify(execFile)(process.execPath, [CHILD, JSON.stringify(input)], { timeout: 120_000 })
    const out = JSON.parse(stdout) as PfsChildOutput
    const who = account(emu, true)
    expect([out.userId, out.meId]).toEqual([who.userId, who.userId])
    const small = truth.sizes.find((s) => s.type === 'a')!
    const video = truth.videoSizes[0]!
    expect(out.small).toEqual({ bytes: small.bytes, sha256: small.sha256 })
    expect(out.video).toEqual({ bytes: video.bytes, sha256: video.sha256 })
    const stats = emu.stats()
    // the main connection's key (login, listing, the small size) and the download pool's (the video)
    expect(stats.callsPerMethod['auth.BindTempAuthKey']).toBe(2)
    // start() asks who is logged in before signing in (AUTH_KEY_UNREGISTERED), then signs in (SESSION_PASSWORD_NEEDED)
    expect(Object.keys(stats.rpcErrors).sort()).toEqual(['AUTH_KEY_UNREGISTERED', 'SESSION_PASSWORD_NEEDED'])
    expect(stats.rpcErrors.SESSION_PASSWORD_NEEDED).toBe(1)
    expect(stats.requestsUnparsed).toEqual({})
  })
})
