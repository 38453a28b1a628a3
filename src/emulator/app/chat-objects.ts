/**
 * Builders of the chat objects the emulator answers with, as one viewer sees them: basic groups (`chat`, or
 * `chatForbidden` for a non-member), channels and supergroups (`channel` with the viewer's own access hash, or
 * `channelForbidden` for a private one the viewer is not in), participants, dialogs and their top messages.
 * No `min` constructor is ever sent: every user and channel comes with the viewer's access hash.
 */
import type { TlObject } from '../tl/codec.js'
import type { ChatMeta, ChatRole, DialogMeta, UserMeta, World } from '../world.js'

/** The rights the emulator's admins hold (all the same: what a listing cares about is only admin or not). */
export function adminRights(chat: ChatMeta): TlObject {
  return {
    _: 'chatAdminRights',
    change_info: true,
    post_messages: chat.kind === 'channel' ? true : undefined,
    edit_messages: chat.kind === 'channel' ? true : undefined,
    delete_messages: true,
    ban_users: chat.kind !== 'channel' ? true : undefined,
    invite_users: true,
    pin_messages: chat.kind !== 'channel' ? true : undefined,
  }
}

const isAdmin = (role: ChatRole | undefined): boolean => role === 'creator' || role === 'admin'

/** `chat` as `viewer` sees it. */
export function chatObject(world: World, viewer: UserMeta, chat: ChatMeta): TlObject {
  const role = world.roleOf(chat, viewer)
  if (chat.kind === 'group') {
    if (role === undefined) return { _: 'chatForbidden', id: chat.id, title: chat.title }
    return {
      _: 'chat',
      creator: role === 'creator',
      id: chat.id,
      title: chat.title,
      photo: { _: 'chatPhotoEmpty' },
      participants_count: world.memberCount(chat),
      date: chat.date,
      version: 1,
      admin_rights: isAdmin(role) ? adminRights(chat) : undefined,
    }
  }
  const access_hash = world.channelAccessHash(viewer.id, chat.id)
  const kind = { broadcast: chat.kind === 'channel', megagroup: chat.kind === 'supergroup' }
  if (role === undefined && chat.username === undefined) {
    return { _: 'channelForbidden', ...kind, id: chat.id, access_hash, title: chat.title }
  }
  return {
    _: 'channel',
    ...kind,
    creator: role === 'creator',
    left: role === undefined,
    id: chat.id,
    access_hash,
    title: chat.title,
    username: chat.username,
    photo: { _: 'chatPhotoEmpty' },
    date: chat.date,
    admin_rights: isAdmin(role) ? adminRights(chat) : undefined,
    participants_count: world.memberCount(chat),
  }
}

/** The user id of a chat's creator (its first member when the world is too small to have one). */
export function creatorId(world: World, chat: ChatMeta): bigint {
  for (let p = 0; p < Math.min(4, world.memberCount(chat)); p++) {
    const m = world.memberAt(chat, p)
    if (m.role === 'creator') return m.user.id
  }
  return world.memberCount(chat) > 0 ? world.memberAt(chat, 0).user.id : 0n
}

/** The `ChannelParticipant` at `position` of a channel's list, as `viewer` sees it. */
export function channelParticipant(world: World, viewer: UserMeta, chat: ChatMeta, position: number): TlObject {
  const { user, role, date } = world.memberAt(chat, position)
  if (role === 'creator') return { _: 'channelParticipantCreator', user_id: user.id, admin_rights: adminRights(chat) }
  const inviter = creatorId(world, chat)
  const self = user.id === viewer.id
  if (role === 'admin') {
    return {
      _: 'channelParticipantAdmin',
      self,
      user_id: user.id,
      inviter_id: self ? inviter : undefined,
      promoted_by: inviter,
      date,
      admin_rights: adminRights(chat),
    }
  }
  if (self) return { _: 'channelParticipantSelf', user_id: user.id, inviter_id: inviter, date }
  return { _: 'channelParticipant', user_id: user.id, date }
}

/** The `ChatParticipant` at `position` of a basic group's list. */
export function chatParticipant(world: World, chat: ChatMeta, position: number): TlObject {
  const { user, role, date } = world.memberAt(chat, position)
  if (role === 'creator') return { _: 'chatParticipantCreator', user_id: user.id }
  const inviter_id = creatorId(world, chat)
  return { _: role === 'admin' ? 'chatParticipantAdmin' : 'chatParticipant', user_id: user.id, inviter_id, date }
}

/** The `Peer` of a dialog. */
export function dialogPeer(world: World, dialog: DialogMeta): TlObject {
  if (dialog.peer.kind === 'user') return { _: 'peerUser', user_id: (world.users[dialog.peer.userIndex] as UserMeta).id }
  const chat = dialog.peer.chat
  return chat.kind === 'group' ? { _: 'peerChat', chat_id: chat.id } : { _: 'peerChannel', channel_id: chat.id }
}

/** A dialog of `viewer`, read up to its top message. */
export function dialogObject(world: World, dialog: DialogMeta): TlObject {
  const isChannel = dialog.peer.kind === 'chat' && dialog.peer.chat.kind !== 'group'
  return {
    _: 'dialog',
    peer: dialogPeer(world, dialog),
    top_message: dialog.topMessage,
    read_inbox_max_id: dialog.topMessage,
    read_outbox_max_id: dialog.topMessage,
    unread_count: 0,
    unread_mentions_count: 0,
    unread_reactions_count: 0,
    unread_poll_votes_count: 0,
    notify_settings: { _: 'peerNotifySettings' },
    pts: isChannel ? 1 : undefined,
  }
}

/**
 * A dialog's top message: the service message that opened it (chat or channel created, the contact joined).
 * `from` is the user it is from, when it is from one.
 */
export function topMessage(world: World, viewer: UserMeta, dialog: DialogMeta): { message: TlObject; from: UserMeta | undefined } {
  const peer_id = dialogPeer(world, dialog)
  if (dialog.peer.kind === 'user') {
    const from = world.users[dialog.peer.userIndex] as UserMeta
    const message = { _: 'messageService', id: dialog.topMessage, from_id: peer_id, peer_id, date: dialog.date, action: { _: 'messageActionContactSignUp' } }
    return { message, from }
  }
  const chat = dialog.peer.chat
  if (chat.kind === 'channel') {
    const action = { _: 'messageActionChannelCreate', title: chat.title }
    return { message: { _: 'messageService', post: true, id: dialog.topMessage, peer_id, date: dialog.date, action }, from: undefined }
  }
  const creator = world.userById(creatorId(world, chat)) ?? viewer
  const action =
    chat.kind === 'group'
      ? { _: 'messageActionChatCreate', title: chat.title, users: [creator.id] }
      : { _: 'messageActionChannelCreate', title: chat.title }
  const message = {
    _: 'messageService',
    out: creator.id === viewer.id,
    id: dialog.topMessage,
    from_id: { _: 'peerUser', user_id: creator.id },
    peer_id,
    date: dialog.date,
    action,
  }
  return { message, from: creator }
}
