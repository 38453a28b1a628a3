/**
 * The emulator's chats, contacts and dialogs with an unmodified GramJS client over real TCP, checked against the
 * world's ground truth.
 */
import { Api } from 'telegram'
import bigInt from 'big-integer'
import type { EmulatorTelegramClient } from '../../../src/client/emulator.js'
import { shutdownClient } from '../../../src/client/connect.js'
import { generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js'
import type { ChatMeta } from '../../../src/emulator/world.js'
import { loggedInTestClient } from './helpers.js'
import { rejection } from '../../helpers/rejection.js'

const rsaKey = generateRsaKeyPair()

/** Telegram's list hash of ids (https://core.telegram.org/api/offsets#hash-generation), written again here. */
function listHash(ids: readonly bigint[]): bigInt.BigInteger {
  let h = 0n
  for (const id of ids) {
    h ^= h >> 21n
    h = BigInt.asUintN(64, h ^ (h << 35n))
    h ^= h >> 4n
    h = BigInt.asUintN(64, h + id)
  }
  return bigInt(BigInt.asIntN(64, h).toString())
}

describe('chats in the emulator (GramJS)', () => {
  let emu: RunningEmulator
  let client: EmulatorTelegramClient
  let me: bigint

  beforeAll(async () => {
    emu = await startEmulator({ seed: 5, users: 2000, rsaKey })
    client = await loggedInTestClient(emu)
    me = BigInt(emu.connection.testAccount.userId)
  })

  afterAll(async () => {
    await shutdownClient(client)
    await emu.close()
  })

  const chat = (username: string): ChatMeta => emu.world.chatByUsername(username)!
  const input = (c: ChatMeta, hash = emu.world.channelAccessHash(me, c.id)): Api.InputChannel =>
    new Api.InputChannel({ channelId: bigInt(c.id.toString()), accessHash: bigInt(hash.toString()) })
  const page = (c: Api.TypeInputChannel, offset: number, limit = 200, filter: Api.TypeChannelParticipantsFilter = new Api.ChannelParticipantsRecent()) =>
    client.invoke(new Api.channels.GetParticipants({ channel: c, filter, offset, limit, hash: bigInt(0) }))
  const errorOf = async (p: Promise<unknown>): Promise<string> => ((await rejection(p)) as { errorMessage: string }).errorMessage

  it('resolves a public supergroup by username to the channel, with the viewer’s access hash', async () => {
    const lounge = chat('emulator_lounge')
    const r = await client.invoke(new Api.contacts.ResolveUsername({ username: 'emulator_lounge' }))
    expect(r.peer).toBeInstanceOf(Api.PeerChannel)
    const ch = r.chats[0] as Api.Channel
    expect([ch.id.toString(), ch.megagroup, ch.title, ch.username, ch.participantsCount]).toEqual([lounge.id.toString(), true, 'Emulator lounge', 'emulator_lounge', 2000])
    expect(ch.accessHash!.toString()).toBe(emu.world.channelAccessHash(me, lounge.id).toString())
  })

  it('lists every member of a 2 000-member supergroup once, in order, 200 a page, with access hashes', async () => {
    const lounge = chat('emulator_lounge')
    const truth = emu.world.chatToFile(lounge)
    const ids: string[] = []
    for (let offset = 0; ; ) {
      const r = (await page(input(lounge), offset)) as Api.channels.ChannelParticipants
      expect(r.count).toBe(2000)
      if (r.participants.length === 0) break
      expect(r.participants.length).toBeLessThanOrEqual(200)
      for (const u of r.users as Api.User[]) {
        expect(u.accessHash!.toString()).toBe(emu.world.accessHash(me, BigInt(u.id.toString())).toString())
      }
      for (const p of r.participants) ids.push((p as Api.ChannelParticipant).userId.toString())
      offset += r.participants.length
    }
    expect(ids).toEqual(truth.members.map(String))
    expect(emu.stats().callsPerMethod['channels.GetParticipants']).toBe(11)
  })

  it('gives members with the access hash the viewer then uses for their photos, and no resolve', async () => {
    const before = emu.stats().callsPerMethod['contacts.ResolveUsername'] ?? 0
    const r = (await page(input(chat('emulator_five_hundred')), 0, 20)) as Api.channels.ChannelParticipants
    const withPhotos = (r.users as Api.User[]).filter((u) => emu.world.userById(BigInt(u.id.toString()))!.photoCount > 0)
    expect(withPhotos.length).toBeGreaterThan(0)
    for (const u of withPhotos.slice(0, 3)) {
      const photos = await client.invoke(
        new Api.photos.GetUserPhotos({ userId: new Api.InputUser({ userId: u.id, accessHash: u.accessHash! }), offset: 0, maxId: bigInt(0), limit: 1 }),
      )
      expect(photos.photos).toHaveLength(1)
    }
    expect(emu.stats().callsPerMethod['contacts.ResolveUsername'] ?? 0).toBe(before)
  })

  it('answers channelParticipantsNotModified for the hash of the page it would send', async () => {
    const lounge = chat('emulator_lounge')
    const first = (await page(input(lounge), 0, 50)) as Api.channels.ChannelParticipants
    const hash = listHash(first.participants.map((p) => BigInt((p as Api.ChannelParticipant).userId.toString())))
    const again = await client.invoke(
      new Api.channels.GetParticipants({ channel: input(lounge), filter: new Api.ChannelParticipantsRecent(), offset: 0, limit: 50, hash }),
    )
    expect(again).toBeInstanceOf(Api.channels.ChannelParticipantsNotModified)
  })

  it('searches members by the start of a name or username', async () => {
    const lounge = chat('emulator_lounge')
    const members = emu.world.members(lounge)
    const expected = members.filter((u) => [u.firstName, u.lastName ?? '', `${u.firstName} ${u.lastName ?? ''}`, ...u.usernames].some((n) => n.toLowerCase().startsWith('ali')))
    const r = (await page(input(lounge), 0, 200, new Api.ChannelParticipantsSearch({ q: 'Ali' }))) as Api.channels.ChannelParticipants
    expect(r.count).toBe(expected.length)
    expect(r.participants.map((p) => (p as Api.ChannelParticipant).userId.toString())).toEqual(expected.slice(0, 200).map((u) => u.id.toString()))
  })

  it('refuses to list a broadcast channel or hidden members to a non-admin, and names bad channels', async () => {
    expect(await errorOf(page(input(chat('emulator_news')), 0))).toBe('CHAT_ADMIN_REQUIRED')
    expect(await errorOf(page(input(chat('emulator_quiet_room')), 0))).toBe('CHAT_ADMIN_REQUIRED')
    const closed = emu.world.chats.find((c) => c.title === 'Closed circle')!
    expect(await errorOf(page(input(closed), 0))).toBe('CHANNEL_PRIVATE')
    expect(await errorOf(page(input(chat('emulator_lounge'), 12345n), 0))).toBe('CHANNEL_INVALID')
    const own = emu.world.chats.find((c) => c.title === 'Tess broadcasts')!
    const r = (await page(input(own), 0)) as Api.channels.ChannelParticipants
    expect(r.count).toBe(300)
  })

  it('lists a public supergroup’s members to a non-member', async () => {
    const open = chat('emulator_open_square')
    const r = (await page(input(open), 0)) as Api.channels.ChannelParticipants
    expect(r.participants.map((p) => (p as Api.ChannelParticipant).userId.toString())).toEqual(emu.world.chatToFile(open).members.slice(0, 200).map(String))
  })

  it('gives a basic group’s members in messages.getFullChat, and refuses one the account is not in', async () => {
    const friends = emu.world.chats.find((c) => c.title === 'Tess & friends')!
    const r = await client.invoke(new Api.messages.GetFullChat({ chatId: bigInt(friends.id.toString()) }))
    const full = r.fullChat as Api.ChatFull
    const list = (full.participants as Api.ChatParticipants).participants.map((p) => p.userId.toString())
    expect(list).toEqual(emu.world.chatToFile(friends).members.map(String))
    expect(r.users).toHaveLength(12)
    const elsewhere = emu.world.chats.find((c) => c.title === 'Elsewhere')!
    expect(await errorOf(client.invoke(new Api.messages.GetFullChat({ chatId: bigInt(elsewhere.id.toString()) })))).toBe('CHAT_ID_INVALID')
  })

  it('gives the account’s contacts, and contactsNotModified for their hash', async () => {
    const r = (await client.invoke(new Api.contacts.GetContacts({ hash: bigInt(0) }))) as Api.contacts.Contacts
    const truth = emu.world.contactsOf(emu.world.userById(me)!).map((c) => emu.world.users[c.userIndex]!.id)
    expect(r.contacts.map((c) => c.userId.toString())).toEqual(truth.map(String))
    expect(r.users).toHaveLength(truth.length)
    const again = await client.invoke(new Api.contacts.GetContacts({ hash: listHash(truth) }))
    expect(again).toBeInstanceOf(Api.contacts.ContactsNotModified)
  })

  it('pages the dialogs by offset date, every dialog once, each with its top message', async () => {
    const all = emu.world.dialogsOf(emu.world.userById(me)!)
    const seen: string[] = []
    let offsetDate = 0
    let offsetId = 0
    let offsetPeer: Api.TypeInputPeer = new Api.InputPeerEmpty()
    for (;;) {
      const r = await client.invoke(new Api.messages.GetDialogs({ offsetDate, offsetId, offsetPeer, limit: 4, hash: bigInt(0) }))
      const d = r as Api.messages.DialogsSlice
      if (d.dialogs.length === 0) break
      expect(d.count ?? all.length).toBe(all.length)
      for (const dialog of d.dialogs) {
        const msg = d.messages.find((m) => m.id === dialog.topMessage)
        expect(msg).toBeInstanceOf(Api.MessageService)
        seen.push(JSON.stringify(dialog.peer.toJSON()))
      }
      const last = d.messages[d.messages.length - 1] as Api.MessageService
      offsetDate = last.date
      offsetId = last.id
      if (r instanceof Api.messages.Dialogs) break
    }
    expect(seen).toHaveLength(all.length)
    expect(new Set(seen).size).toBe(all.length)
  })
})
