/**
 * The emulator's chats with mtcute (`@mtcute/node`, unmodified), an independent client in its own layer: its
 * high-level `iterChatMembers`, `getChatMembers` and `iterDialogs`, checked against the world's ground truth.
 * The client is configured as in the rest of the mtcute suite (`mtcute/helpers.ts`).
 */
import type { TelegramClient } from '@mtcute/node'
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js'
import { keyMtcuteCanFind, mtcuteClient } from './mtcute/helpers.js'

describe('chats in the emulator (mtcute)', () => {
  let emu: RunningEmulator
  let tg: TelegramClient

  beforeAll(async () => {
    emu = await startEmulator({ seed: 3, users: 2000, rsaKey: keyMtcuteCanFind() })
    tg = mtcuteClient(emu)
    const account = emu.connection.testAccount
    await tg.start({ phone: account.phone, code: account.code, codeSentCallback: () => {} })
  })

  afterAll(async () => {
    await tg.destroy()
    await emu.close()
  })

  it('lists every member of a 2 000-member supergroup with iterChatMembers, ids equal to the world’s', async () => {
    const lounge = emu.world.chatByUsername('emulator_lounge')!
    const ids: number[] = []
    for await (const m of tg.iterChatMembers('emulator_lounge')) ids.push(m.user.id)
    expect(ids).toEqual(emu.world.chatToFile(lounge).members)
    expect(emu.stats().callsPerMethod['contacts.ResolveUsername']).toBe(1)
  })

  it('gets a page of members with the total count, and the roles', async () => {
    const page = await tg.getChatMembers('emulator_five_hundred', { offset: 200, limit: 200 })
    expect(page.total).toBe(500)
    expect(page.map((m) => m.user.id)).toEqual(emu.world.chatToFile(emu.world.chatByUsername('emulator_five_hundred')!).members.slice(200, 400))
    const first = await tg.getChatMembers('emulator_lounge', { limit: 3 })
    expect(first.map((m) => m.status)).toEqual(['admin', 'member', 'creator'])
  })

  it('lists a basic group’s members through messages.getFullChat', async () => {
    const friends = emu.world.chats.find((c) => c.title === 'Tess & friends')!
    // the group becomes known to mtcute through the dialogs
    const dialogs = []
    for await (const d of tg.iterDialogs()) dialogs.push(d)
    const members = await tg.getChatMembers(-Number(friends.id))
    expect(members.map((m) => m.user.id)).toEqual(emu.world.chatToFile(friends).members)
    expect(dialogs).toHaveLength(emu.world.dialogsOf(emu.world.userById(BigInt(emu.connection.testAccount.userId))!).length)
  })

  it('answers a broadcast channel’s non-admin member with CHAT_ADMIN_REQUIRED', async () => {
    await expect(tg.getChatMembers('emulator_news')).rejects.toThrow('CHAT_ADMIN_REQUIRED')
  })
})
