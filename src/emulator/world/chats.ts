/**
 * Seeding of the world's chats (basic groups, supergroups, channels), the test accounts' contacts and dialogs.
 * A chat keeps only a few numbers: its members are derived on demand (see {@link ChatMeta}), so a chat of thousands
 * of members costs as much memory as one of ten.
 *
 * The chats are the same in every world, scaled down when the world has fewer ordinary users than a chat has
 * members; each one exists for a case a client meets (`CHATS` says which).
 */
import type { PeerUniques } from './ids.js'
import type { ChatKind, ChatMeta, ChatRole, ContactMeta, UserMeta } from './model.js'
import { h32 } from './secrets.js'

/** One chat of the world: what it is for, and who is in it. */
interface ChatSpec {
  readonly key: string
  readonly kind: ChatKind
  readonly title: string
  readonly username?: string
  /** Members in all, test accounts included (fewer when the world lacks ordinary users). */
  readonly members: number
  readonly membersHidden?: boolean
  /** Test accounts in the chat (0: the first account, 1: the 2FA one) and their roles. */
  readonly accounts: ReadonlyArray<readonly [number, ChatRole]>
}

/** The world's chats, in `World.chats` order. */
const CHATS: readonly ChatSpec[] = [
  // a basic group the first account created, the 2FA account a member
  { key: 'friends', kind: 'group', title: 'Tess & friends', members: 12, accounts: [[0, 'creator'], [1, 'member']] },
  // thousands of members, public; the first account an admin, the 2FA account a member
  { key: 'lounge', kind: 'supergroup', title: 'Emulator lounge', username: 'emulator_lounge', members: 2000, accounts: [[0, 'admin'], [1, 'member']] },
  // a plain member may list a supergroup's members
  { key: 'five-hundred', kind: 'supergroup', title: 'Five hundred', username: 'emulator_five_hundred', members: 500, accounts: [[0, 'member']] },
  // a broadcast channel: only admins may list its subscribers (CHAT_ADMIN_REQUIRED)
  { key: 'news', kind: 'channel', title: 'Emulator news', username: 'emulator_news', members: 3000, accounts: [[0, 'member']] },
  // a private channel the first account owns: it may list
  { key: 'broadcasts', kind: 'channel', title: 'Tess broadcasts', members: 300, accounts: [[0, 'creator']] },
  // participants_hidden: only admins may list
  { key: 'quiet', kind: 'supergroup', title: 'Quiet room', username: 'emulator_quiet_room', members: 800, membersHidden: true, accounts: [[0, 'member']] },
  // private, no test account in it (CHANNEL_PRIVATE)
  { key: 'closed', kind: 'supergroup', title: 'Closed circle', members: 150, accounts: [] },
  // public, no test account in it: found by username, its members listed without joining
  { key: 'open', kind: 'supergroup', title: 'Open square', username: 'emulator_open_square', members: 250, accounts: [] },
  // a basic group no test account is in
  { key: 'elsewhere', kind: 'group', title: 'Elsewhere', members: 8, accounts: [] },
]

/** How many of the first ordinary users the test accounts' contacts are drawn from. */
const CONTACT_POOL = 60

/** What seeding chats depends on. */
export interface ChatSeeding {
  readonly secret: Buffer
  /** The world's "now" (unix seconds): every chat is older. */
  readonly now: number
  /** Number of ordinary users (they come first in `users`). */
  readonly ordinaryUsers: number
  /** Every user, ordinary users first. */
  readonly users: readonly UserMeta[]
  /** The test accounts' users, in connection-file order. */
  readonly accounts: readonly UserMeta[]
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

/** Every chat of the world. */
export function seedChats(options: ChatSeeding, unique: PeerUniques): ChatMeta[] {
  const n = options.ordinaryUsers
  return CHATS.map((spec, index) => {
    const r = (label: string): number => h32(options.secret, `chat/${spec.key}/${label}`)
    const accounts = spec.accounts
      .filter(([k]) => options.accounts[k] !== undefined)
      .map(([k, role]) => ({ userIndex: (options.accounts[k] as UserMeta).index, role }))
    let stride = n > 1 ? 1 + (r('stride') % (n - 1)) : 1
    while (n > 1 && gcd(stride, n) !== 1) stride++
    return {
      index,
      id: unique.id(`chat/${spec.key}`),
      kind: spec.kind,
      title: spec.title,
      username: spec.username === undefined ? undefined : unique.username(spec.username),
      date: options.now - 400 * 86_400 + (r('date') % 86_400),
      membersHidden: spec.membersHidden ?? false,
      accounts,
      userCount: Math.max(0, Math.min(n, spec.members - accounts.length)),
      firstUser: n > 0 ? r('first') % n : 0,
      stride,
    }
  })
}

/** Number of members of a chat. */
export function memberCount(chat: ChatMeta): number {
  return chat.accounts.length + chat.userCount
}

/** User index of the member at `position` of the list (0 ≤ position < {@link memberCount}). */
export function memberAt(chat: ChatMeta, position: number, ordinaryUsers: number): number {
  const a = chat.accounts.length
  if (position < a) return (chat.accounts[position] as { userIndex: number }).userIndex
  return (chat.firstUser + (position - a) * chat.stride) % ordinaryUsers
}

/**
 * Role of the member at `position`: an account's own; among ordinary users, the first is the creator when no
 * account is, and the next two are admins.
 */
export function roleAt(chat: ChatMeta, position: number): ChatRole {
  const a = chat.accounts.length
  if (position < a) return (chat.accounts[position] as { role: ChatRole }).role
  const hasCreator = chat.accounts.some((m) => m.role === 'creator')
  const k = position - a
  if (!hasCreator && k === 0) return 'creator'
  return k < (hasCreator ? 2 : 3) ? 'admin' : 'member'
}

/** Join date of the member at `position`: newest first, all after the chat's creation and before `now`. */
export function joinDate(chat: ChatMeta, position: number): number {
  return chat.date + 3600 + (memberCount(chat) - position) * 97
}

/** The role of a user in a chat (by user index), or undefined when it is not a member; accounts only. */
export function accountRole(chat: ChatMeta, userIndex: number): ChatRole | undefined {
  return chat.accounts.find((m) => m.userIndex === userIndex)?.role
}

/** A test account's contacts: about a third of the first ordinary users (none deactivated), and the other test accounts (mutual). */
export function seedContacts(options: ChatSeeding, account: UserMeta): ContactMeta[] {
  const out: ContactMeta[] = []
  for (let i = 0; i < Math.min(CONTACT_POOL, options.ordinaryUsers); i++) {
    const r = h32(options.secret, `contact/${account.index}/${i}`)
    if (r % 3 === 0 && options.users[i]?.deactivated === false) out.push({ userIndex: i, mutual: (r >> 8) % 2 === 0 })
  }
  for (const other of options.accounts) if (other.index !== account.index) out.push({ userIndex: other.index, mutual: true })
  return out
}

/** One dialog of a test account: a chat it is in or a contact, with its top message. */
export interface DialogMeta {
  readonly peer: { readonly kind: 'user'; readonly userIndex: number } | { readonly kind: 'chat'; readonly chat: ChatMeta }
  /** Id of the top message: in the channel's own box for a channel, in the account's box otherwise. */
  readonly topMessage: number
  /** Date of the top message; dialogs are listed by it, newest first, and no two share one. */
  readonly date: number
}

/** How many contacts have a dialog with the account (the first ones). */
const CONTACT_DIALOGS = 10

/**
 * A test account's dialogs, newest first: every chat it is in, then its first contacts. Each dialog's top message
 * is the service message that opened it (chat or channel created, contact joined Telegram).
 */
export function dialogsOf(
  chats: readonly ChatMeta[],
  contacts: readonly ContactMeta[],
  account: UserMeta,
  now: number,
): DialogMeta[] {
  const peers: DialogMeta['peer'][] = [
    ...chats.filter((c) => accountRole(c, account.index) !== undefined).map((chat) => ({ kind: 'chat' as const, chat })),
    ...contacts.slice(0, CONTACT_DIALOGS).map((c) => ({ kind: 'user' as const, userIndex: c.userIndex })),
  ]
  return peers.map((peer, i) => ({
    peer,
    topMessage: peer.kind === 'chat' && peer.chat.kind !== 'group' ? 1 : peers.length - i,
    date: now - 3600 * (i + 1),
  }))
}
