/**
 * Chats, contacts and dialogs: `channels.getParticipants`, `channels.getChannels`, `channels.getFullChannel`,
 * `messages.getFullChat`, `messages.getChats`, `contacts.getContacts`, `messages.getDialogs`, and the public chats
 * `contacts.resolveUsername` finds (see {@link resolveChatUsername}).
 *
 * Readings where Telegram's documentation is silent:
 * - An `InputChannel` with an unknown id, a basic group's id or a wrong access hash answers `CHANNEL_INVALID`; a
 *   private channel the viewer is not in, with the right hash, `CHANNEL_PRIVATE`.
 * - Listing a broadcast channel's subscribers, or the members of a supergroup with `participants_hidden` (admins
 *   excepted there), needs an admin: `CHAT_ADMIN_REQUIRED`. A public supergroup's members are listed to anyone.
 * - `limit` is clamped to 0..200, a negative `offset` answers `OFFSET_INVALID`. `channelParticipantsSearch` matches
 *   the start of a member's first name, last name, full name or any username, case-insensitively; an empty `q` is
 *   every member. Kicked, banned, bots and mentions are always empty lists.
 * - `channels.getParticipants`' and `contacts.getContacts`' `hash` is Telegram's list hash of the user ids the call
 *   would return (https://core.telegram.org/api/offsets#hash-generation).
 * - `messages.getFullChat` of a channel, an unknown id or a basic group the viewer is not in: `CHAT_ID_INVALID`.
 */
import type { CallContext } from '../rpc.js'
import type { TlObject, TlValue } from '../tl/codec.js'
import { int, long, obj, optStr, vec } from '../tl/fields.js'
import type { ChatMeta, UserMeta, World } from '../world.js'
import { err, type AppCore, type Handler } from './core.js'
import { channelParticipant, chatObject, chatParticipant, dialogObject, dialogPeer, topMessage } from './chat-objects.js'
import { idsHash } from './objects.js'

/** At most this many participants in one page (https://core.telegram.org/method/channels.getParticipants). */
export const PARTICIPANTS_PAGE_MAX = 200
/** At most this many dialogs in one page. */
const DIALOGS_PAGE_MAX = 100

/** Whether a user matches a participant search. */
function matches(user: UserMeta, q: string): boolean {
  if (q === '') return true
  const names = [user.firstName, user.lastName ?? '', `${user.firstName} ${user.lastName ?? ''}`, ...user.usernames]
  return names.some((n) => n.toLowerCase().startsWith(q))
}

/** The channel an `InputChannel` names, for `viewer`; throws Telegram's errors. */
export function inputChannel(world: World, input: TlValue, viewer: UserMeta): ChatMeta {
  const o = input as TlObject
  if (o._ !== 'inputChannel' && o._ !== 'inputPeerChannel') throw err(400, 'CHANNEL_INVALID')
  const chat = world.chatById(long(o, 'channel_id'))
  if (chat === undefined || chat.kind === 'group') throw err(400, 'CHANNEL_INVALID')
  if (long(o, 'access_hash') !== world.channelAccessHash(viewer.id, chat.id)) throw err(400, 'CHANNEL_INVALID')
  if (chat.username === undefined && world.roleOf(chat, viewer) === undefined) throw err(400, 'CHANNEL_PRIVATE')
  return chat
}

/** A public chat by username as `contacts.resolveUsername` answers it, or undefined when no chat has the name. */
export function resolveChatUsername(core: AppCore, viewer: UserMeta, name: string): TlObject | undefined {
  const chat = core.world.chatByUsername(name)
  if (chat === undefined) return undefined
  return {
    _: 'contacts.resolvedPeer',
    peer: { _: 'peerChannel', channel_id: chat.id },
    chats: [chatObject(core.world, viewer, chat)],
    users: [],
  }
}

/** The chat handlers over one world. */
export function chatHandlers(core: AppCore): Record<string, Handler> {
  const world = core.world

  /** Positions of the members a filter selects, for `viewer`; throws when the viewer may not list. */
  const selected = (chat: ChatMeta, filter: TlObject, viewer: UserMeta): number[] => {
    const role = world.roleOf(chat, viewer)
    const admin = role === 'creator' || role === 'admin'
    const adminsOnly = filter._ === 'channelParticipantsAdmins'
    if (!admin && (chat.kind === 'channel' || (chat.membersHidden && !adminsOnly))) throw err(400, 'CHAT_ADMIN_REQUIRED')
    const q = (optStr(filter, 'q') ?? '').toLowerCase()
    const contacts = new Set(world.contactsOf(viewer).map((c) => c.userIndex))
    let keep: (p: number) => boolean
    switch (filter._) {
      case 'channelParticipantsRecent':
        keep = () => true
        break
      case 'channelParticipantsSearch':
        keep = (p) => matches(world.memberAt(chat, p).user, q)
        break
      case 'channelParticipantsAdmins':
        keep = (p) => world.memberAt(chat, p).role !== 'member'
        break
      case 'channelParticipantsContacts':
        keep = (p) => contacts.has(world.memberAt(chat, p).user.index) && matches(world.memberAt(chat, p).user, q)
        break
      default:
        keep = () => false
    }
    const out: number[] = []
    for (let p = 0; p < world.memberCount(chat); p++) if (keep(p)) out.push(p)
    return out
  }

  const getParticipants = (r: TlObject, ctx: CallContext): TlObject => {
    const viewer = core.viewer(ctx)
    const chat = inputChannel(world, r['channel'], viewer)
    const offset = int(r, 'offset')
    if (offset < 0) throw err(400, 'OFFSET_INVALID')
    const limit = Math.min(Math.max(int(r, 'limit'), 0), PARTICIPANTS_PAGE_MAX)
    const positions = selected(chat, obj(r, 'filter'), viewer)
    const page = positions.slice(offset, offset + limit)
    const users = page.map((p) => world.memberAt(chat, p).user)
    const asked = long(r, 'hash')
    if (asked !== 0n && asked === idsHash(users.map((u) => u.id))) return { _: 'channels.channelParticipantsNotModified' }
    return {
      _: 'channels.channelParticipants',
      count: positions.length,
      participants: page.map((p) => channelParticipant(world, viewer, chat, p)),
      chats: [],
      users: users.map((u) => core.user(viewer, u)),
    }
  }

  const getChannels = (r: TlObject, ctx: CallContext): TlObject => {
    const viewer = core.viewer(ctx)
    const chats: TlObject[] = []
    for (const input of vec<TlValue>(r, 'id')) {
      let chat: ChatMeta
      try {
        chat = inputChannel(world, input, viewer)
      } catch (e) {
        // a private channel named with its right hash is answered as forbidden, not as an error
        const o = input as TlObject
        const known = o._ === 'inputChannel' ? world.chatById(long(o, 'channel_id')) : undefined
        if (known === undefined || long(o, 'access_hash') !== world.channelAccessHash(viewer.id, known.id)) throw e
        chat = known
      }
      chats.push(chatObject(world, viewer, chat))
    }
    return { _: 'messages.chats', chats }
  }

  const getFullChannel = (r: TlObject, ctx: CallContext): TlObject => {
    const viewer = core.viewer(ctx)
    const chat = inputChannel(world, r['channel'], viewer)
    const role = world.roleOf(chat, viewer)
    const admin = role === 'creator' || role === 'admin'
    return {
      _: 'messages.chatFull',
      full_chat: {
        _: 'channelFull',
        can_view_participants: admin || (chat.kind === 'supergroup' && !chat.membersHidden),
        participants_hidden: chat.membersHidden,
        id: chat.id,
        about: '',
        participants_count: world.memberCount(chat),
        read_inbox_max_id: 1,
        read_outbox_max_id: 1,
        unread_count: 0,
        chat_photo: { _: 'photoEmpty', id: 0n },
        notify_settings: { _: 'peerNotifySettings' },
        bot_info: [],
        pts: 1,
      },
      chats: [chatObject(world, viewer, chat)],
      users: [],
    }
  }

  const getFullChat = (r: TlObject, ctx: CallContext): TlObject => {
    const viewer = core.viewer(ctx)
    const chat = world.chatById(long(r, 'chat_id'))
    if (chat === undefined || chat.kind !== 'group' || world.roleOf(chat, viewer) === undefined) throw err(400, 'CHAT_ID_INVALID')
    const positions = Array.from({ length: world.memberCount(chat) }, (_, p) => p)
    return {
      _: 'messages.chatFull',
      full_chat: {
        _: 'chatFull',
        id: chat.id,
        about: '',
        participants: {
          _: 'chatParticipants',
          chat_id: chat.id,
          participants: positions.map((p) => chatParticipant(world, chat, p)),
          version: 1,
        },
        notify_settings: { _: 'peerNotifySettings' },
      },
      chats: [chatObject(world, viewer, chat)],
      users: positions.map((p) => core.user(viewer, world.memberAt(chat, p).user)),
    }
  }

  const getChats = (r: TlObject, ctx: CallContext): TlObject => {
    const viewer = core.viewer(ctx)
    const chats: TlObject[] = []
    for (const id of vec<bigint>(r, 'id')) {
      const chat = world.chatById(id)
      if (chat === undefined || chat.kind !== 'group') throw err(400, 'CHAT_ID_INVALID')
      chats.push(chatObject(world, viewer, chat))
    }
    return { _: 'messages.chats', chats }
  }

  const getContacts = (r: TlObject, ctx: CallContext): TlObject => {
    const viewer = core.viewer(ctx)
    const contacts = world.contactsOf(viewer)
    const users = contacts.map((c) => world.users[c.userIndex] as UserMeta)
    const asked = long(r, 'hash')
    if (asked !== 0n && asked === idsHash(users.map((u) => u.id))) return { _: 'contacts.contactsNotModified' }
    return {
      _: 'contacts.contacts',
      contacts: contacts.map((c, i) => ({ _: 'contact', user_id: (users[i] as UserMeta).id, mutual: c.mutual })),
      saved_count: 0,
      users: users.map((u) => core.user(viewer, u)),
    }
  }

  return {
    'channels.getParticipants': getParticipants,
    'channels.getChannels': getChannels,
    'channels.getFullChannel': getFullChannel,
    'messages.getFullChat': getFullChat,
    'messages.getChats': getChats,
    'contacts.getContacts': getContacts,
    'messages.getDialogs': (r, ctx) => getDialogs(core, r, ctx),
  }
}

/** The key a dialog sorts by (newer first): its top message's date, then id, then peer id. */
function dialogKey(d: { date: number; topMessage: number; peer: TlObject }): [number, number, bigint] {
  const p = d.peer
  const id = (p['user_id'] ?? p['chat_id'] ?? p['channel_id']) as bigint
  return [d.date, d.topMessage, id]
}

const before = (a: [number, number, bigint], b: [number, number, bigint]): boolean =>
  a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2]

/**
 * `messages.getDialogs`: the dialogs older than the offset (`offset_date`, then `offset_id`, then the peer's id;
 * all zero: from the newest), at most `limit` (≤ 100). Nothing is pinned, and the archive folder is empty.
 * The whole list answers `messages.dialogs`, a part of it `messages.dialogsSlice` with the total count.
 */
function getDialogs(core: AppCore, r: TlObject, ctx: CallContext): TlObject {
  const world = core.world
  const viewer = core.viewer(ctx)
  // every dialog is in the main list: the archive (folder 1) is empty
  const all = r['folder_id'] === 1 ? [] : world.dialogsOf(viewer)
  const offsetDate = int(r, 'offset_date')
  const offsetId = int(r, 'offset_id')
  const offsetPeer = obj(r, 'offset_peer')
  const peerId = (offsetPeer['user_id'] ?? offsetPeer['chat_id'] ?? offsetPeer['channel_id'] ?? 0n) as bigint
  const limit = Math.min(Math.max(int(r, 'limit'), 0), DIALOGS_PAGE_MAX)
  const bound: [number, number, bigint] | undefined =
    offsetDate === 0 && offsetId === 0 ? undefined : [offsetDate === 0 ? Number.MAX_SAFE_INTEGER : offsetDate, offsetId, peerId]
  const after = all.filter((d) => bound === undefined || before(dialogKey({ ...d, peer: dialogPeer(world, d) }), bound))
  const page = after.slice(0, limit)
  const messages: TlObject[] = []
  const users = new Map<bigint, TlObject>()
  const chats: TlObject[] = []
  for (const d of page) {
    const { message, from } = topMessage(world, viewer, d)
    messages.push(message)
    if (from !== undefined) users.set(from.id, core.user(viewer, from))
    if (d.peer.kind === 'user') {
      const u = world.users[d.peer.userIndex] as UserMeta
      users.set(u.id, core.user(viewer, u))
    } else chats.push(chatObject(world, viewer, d.peer.chat))
  }
  const body = { dialogs: page.map((d) => dialogObject(world, d)), messages, chats, users: [...users.values()] }
  if (page.length === all.length) return { _: 'messages.dialogs', ...body }
  return { _: 'messages.dialogsSlice', count: all.length, ...body }
}
