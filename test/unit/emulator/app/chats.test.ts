import { createApiApp } from '../../../../src/emulator/app/index.js'
import { createWorld } from '../../../../src/emulator/world.js'
import { RpcError, type CallContext } from '../../../../src/emulator/rpc.js'
import { writeObject, type TlObject } from '../../../../src/emulator/tl/codec.js'
import { layerView } from '../../../../src/emulator/tl/schemas.js'

const DCS = [1, 2, 3, 4, 5].map((id) => ({ id, host: '127.0.0.1', port: 40000 + id }))
const world = createWorld({ seed: 9, users: 700 })
const app = createApiApp(world)
const tess = world.users.find((u) => u.account !== undefined)!

function ctx(layer = 198): CallContext {
  const auth = { authKeyId: 1001n, dcId: 1, userId: tess.id, connection: undefined, data: new Map() }
  return { dcId: 1, dcs: DCS, auth, sessionId: 1n, msgId: 4n, layer }
}

/** Calls the app and checks the answer is writable in the oldest, a middle and the newest layer. */
async function call(request: TlObject): Promise<TlObject> {
  const answer = (await app.call(request, ctx())) as TlObject
  for (const layer of [198, 210, 227]) writeObject(layerView(layer), answer)
  return answer
}

async function errorOf(request: TlObject): Promise<string> {
  try {
    await app.call(request, ctx())
  } catch (e) {
    if (e instanceof RpcError) return e.errorMessage
    throw e
  }
  throw new Error('expected an RpcError')
}

const channel = (username: string): TlObject => {
  const c = world.chatByUsername(username)!
  return { _: 'inputChannel', channel_id: c.id, access_hash: world.channelAccessHash(tess.id, c.id) }
}
const participants = (ch: TlObject, offset: number, limit: number, filter: TlObject = { _: 'channelParticipantsRecent' }): TlObject => ({
  _: 'channels.getParticipants',
  channel: ch,
  filter,
  offset,
  limit,
  hash: 0n,
})

describe('channels.getParticipants', () => {
  it.each([1, 7, 200])('pages every member once, in order, with the exact count (limit %i)', async (limit) => {
    const chat = world.chatByUsername('emulator_five_hundred')!
    const ids: bigint[] = []
    for (let offset = 0; ; ) {
      const r = await call(participants(channel('emulator_five_hundred'), offset, limit))
      expect(r['count']).toBe(500)
      const page = r['participants'] as TlObject[]
      if (page.length === 0) break
      expect(page.length).toBe(Math.min(limit, 500 - offset))
      expect((r['users'] as TlObject[]).map((u) => u['id'])).toEqual(page.map((p) => p['user_id']))
      ids.push(...page.map((p) => p['user_id'] as bigint))
      offset += page.length
    }
    expect(ids).toEqual(world.members(chat).map((u) => u.id))
  })

  it('clamps the limit to 200 and refuses a negative offset', async () => {
    const r = await call(participants(channel('emulator_lounge'), 0, 1000))
    expect((r['participants'] as TlObject[]).length).toBe(200)
    expect(await errorOf(participants(channel('emulator_lounge'), -1, 10))).toBe('OFFSET_INVALID')
  })

  it('marks the viewer, the creator and the admins', async () => {
    const r = await call(participants(channel('emulator_lounge'), 0, 4))
    expect((r['participants'] as TlObject[]).map((p) => [p._, p['self']])).toEqual([
      ['channelParticipantAdmin', true],
      // the 2FA account: another user to this viewer
      ['channelParticipant', undefined],
      ['channelParticipantCreator', undefined],
      ['channelParticipantAdmin', false],
    ])
  })

  it('answers a plain member with channelParticipantSelf', async () => {
    const r = await call(participants(channel('emulator_five_hundred'), 0, 1))
    expect((r['participants'] as TlObject[])[0]!._).toBe('channelParticipantSelf')
  })

  it('lists the admins of hidden members to a member, but not the members', async () => {
    const r = await call(participants(channel('emulator_quiet_room'), 0, 200, { _: 'channelParticipantsAdmins' }))
    expect(r['count']).toBe(3)
    expect(await errorOf(participants(channel('emulator_quiet_room'), 0, 200))).toBe('CHAT_ADMIN_REQUIRED')
  })

  it('counts search results over the whole chat', async () => {
    const chat = world.chatByUsername('emulator_lounge')!
    const r = await call(participants(channel('emulator_lounge'), 0, 5, { _: 'channelParticipantsSearch', q: 'maya' }))
    const expected = world.members(chat).filter((u) => u.firstName === 'Maya' || u.usernames.some((n) => n.startsWith('maya')))
    expect(r['count']).toBe(expected.length)
    expect((r['participants'] as TlObject[]).map((p) => p['user_id'])).toEqual(expected.slice(0, 5).map((u) => u.id))
  })
})

describe('the other chat methods', () => {
  it('answers channels.getChannels and channels.getFullChannel in every layer', async () => {
    const closed = world.chats.find((c) => c.title === 'Closed circle')!
    const forbidden = { _: 'inputChannel', channel_id: closed.id, access_hash: world.channelAccessHash(tess.id, closed.id) }
    const r = await call({ _: 'channels.getChannels', id: [channel('emulator_lounge'), forbidden] })
    expect((r['chats'] as TlObject[]).map((c) => c._)).toEqual(['channel', 'channelForbidden'])
    const full = await call({ _: 'channels.getFullChannel', channel: channel('emulator_quiet_room') })
    const fc = full['full_chat'] as TlObject
    expect([fc['participants_count'], fc['participants_hidden'], fc['can_view_participants']]).toEqual([701, true, false])
  })

  it('answers messages.getChats, getFullChat, getDialogs and contacts.getContacts in every layer', async () => {
    const friends = world.chats.find((c) => c.title === 'Tess & friends')!
    expect(((await call({ _: 'messages.getChats', id: [friends.id] }))['chats'] as TlObject[])[0]!['_']).toBe('chat')
    const full = await call({ _: 'messages.getFullChat', chat_id: friends.id })
    expect((((full['full_chat'] as TlObject)['participants'] as TlObject)['participants'] as TlObject[]).length).toBe(12)
    const d = await call({ _: 'messages.getDialogs', offset_date: 0, offset_id: 0, offset_peer: { _: 'inputPeerEmpty' }, limit: 100, hash: 0n })
    expect(d._).toBe('messages.dialogs')
    expect((d['dialogs'] as TlObject[]).length).toBe(world.dialogsOf(tess).length)
    const c = await call({ _: 'contacts.getContacts', hash: 0n })
    expect((c['contacts'] as TlObject[]).length).toBe(world.contactsOf(tess).length)
    const resolved = await call({ _: 'contacts.resolveUsername', username: 'emulator_news' })
    expect((resolved['peer'] as TlObject)['channel_id']).toBe(world.chatByUsername('emulator_news')!.id)
  })
})
