/**
 * mtcute's login against the emulator: a code, a code and a 2FA password (SRP), the refusals of a wrong code and a
 * wrong password, `getMe`, and its session string carried to a fresh client.
 */
import { SentCode, type TelegramClient } from '@mtcute/node'
import { startEmulator, type RunningEmulator } from '../../../../src/emulator/index.js'
import { account, keyMtcuteCanFind, mtcuteClient, startAs } from './helpers.js'

const rsaKey = keyMtcuteCanFind()

describe('mtcute login', () => {
  let emu: RunningEmulator
  const clients: TelegramClient[] = []
  const fresh = (): TelegramClient => {
    const tg = mtcuteClient(emu)
    clients.push(tg)
    return tg
  }
  const calls = (method: string): number => emu.stats().callsPerMethod[method] ?? 0

  beforeAll(async () => {
    emu = await startEmulator({ seed: 1, users: 3, rsaKey })
  })

  afterAll(async () => {
    for (const tg of clients) await tg.destroy()
    await emu.close()
  })

  afterEach(() => {
    // every request mtcute sent was one the emulator could read
    expect(emu.stats().requestsUnparsed).toEqual({})
  })

  it('logs in with a code and reads itself with getMe', async () => {
    const who = account(emu, false)
    const tg = fresh()
    const user = await startAs(tg, who)
    expect([user.id, user.firstName, user.username, user.isSelf]).toEqual([who.userId, who.firstName, who.username, true])
    const me = await tg.getMe()
    expect([me.id, me.firstName, me.username, me.isSelf]).toEqual([who.userId, who.firstName, who.username, true])
  })

  it('logs in with a code and a 2FA password over SRP', async () => {
    const who = account(emu, true)
    const checks = calls('auth.CheckPassword')
    const tg = fresh()
    const user = await startAs(tg, who)
    expect([user.id, user.firstName, user.isSelf]).toEqual([who.userId, who.firstName, true])
    expect(calls('auth.CheckPassword') - checks).toBe(1)
    expect((await tg.getMe()).id).toBe(who.userId)
  })

  it('refuses a wrong code with PHONE_CODE_INVALID, then takes the right one', async () => {
    const who = account(emu, false)
    const tg = fresh()
    const sent = await tg.sendCode({ phone: who.phone })
    if (!(sent instanceof SentCode)) throw new Error('sendCode on a fresh key answered a user')
    const wrong = who.code === '00000' ? '11111' : '00000'
    await expect(tg.signIn({ phone: who.phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: wrong })).rejects.toMatchObject({
      code: 400,
      text: 'PHONE_CODE_INVALID',
    })
    const user = await tg.signIn({ phone: who.phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: who.code })
    expect(user.id).toBe(who.userId)
  })

  it('asks a 2FA account for its password, refuses a wrong one with PASSWORD_HASH_INVALID, then takes the right one', async () => {
    const who = account(emu, true)
    const tg = fresh()
    const sent = await tg.sendCode({ phone: who.phone })
    if (!(sent instanceof SentCode)) throw new Error('sendCode on a fresh key answered a user')
    await expect(tg.signIn({ phone: who.phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: who.code })).rejects.toMatchObject({
      code: 401,
      text: 'SESSION_PASSWORD_NEEDED',
    })
    await expect(tg.checkPassword(`${who.password ?? ''} (wrong)`)).rejects.toMatchObject({ code: 400, text: 'PASSWORD_HASH_INVALID' })
    const user = await tg.checkPassword(who.password ?? '')
    expect(user.id).toBe(who.userId)
  })

  it('exports a session string that a fresh client imports and uses with no new key and no new login', async () => {
    const who = account(emu, false)
    const first = fresh()
    await startAs(first, who)
    const session = await first.exportSession()
    const home = emu.connection.homeDcId
    const handshakes = emu.stats().protocol[home]!.handshakes
    const logins = calls('auth.SendCode') + calls('auth.SignIn') + calls('auth.CheckPassword')
    const second = fresh()
    await second.importSession(session)
    const me = await second.getMe()
    expect([me.id, me.username]).toEqual([who.userId, who.username])
    expect(emu.stats().protocol[home]!.handshakes).toBe(handshakes)
    expect(calls('auth.SendCode') + calls('auth.SignIn') + calls('auth.CheckPassword')).toBe(logins)
  })
})
