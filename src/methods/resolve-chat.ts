/**
 * `resolveChat`: a chat the account can read the members of, from `@username`, a t.me link or a Bot API chat id.
 *
 * The account's dialogs are looked through first (`messages.getDialogs`, 100 a page): a chat the account is in comes
 * with its access hash that way and costs no `contacts.resolveUsername`, whose daily quota is the scarce one. Only a
 * username found in no dialog is resolved (a public chat the account has not joined). An id found in no dialog is
 * `chat not found`: Telegram has no way to look a chat up by id without an access hash.
 */
import { Api } from 'telegram'
import bigInt from 'big-integer'
import { getEntityCache, type EntityCache } from '../client/entity-cache.js'
import { callFailure, checkCallOptions, type CallOptions } from '../client/deadline.js'
import { invokeRequest, type ProfileClient } from '../client/invoke.js'
import { BotApiError, DESCRIPTIONS, toBotApiError } from '../errors/index.js'
import { CHANNEL_ID_OFFSET, parseChatArgument, type ChatArgument, type ParsedChat } from './normalize.js'

/** Options of {@link resolveChat}: the deadline and signal of each request ({@link CallOptions}), and the cache. */
export interface ResolveChatOptions extends CallOptions {
  /** The entity cache the users met on the way fill. Default: the one attached to the client. */
  cache?: EntityCache
  /** Dialog pages looked through at most before giving up on the dialogs. Default 50 (5 000 dialogs). */
  maxDialogPages?: number
}

/** A chat ready for member requests. */
export interface ResolvedChat {
  /** The Bot API chat id: `-100…` for supergroups and channels, `-…` for basic groups. */
  readonly id: number
  /** As the Bot API's `Chat.type` names it. */
  readonly type: 'group' | 'supergroup' | 'channel'
  readonly title: string
  /** The chat's first active username, lower-cased, when it has one. */
  readonly username?: string
  /** The MTProto id (`chat_id` or `channel_id`). */
  readonly chatId: bigint
  /** Supergroups and channels: the `InputChannel` with the account's access hash. */
  readonly inputChannel?: Api.InputChannel
  /** The member count the chat object announces, when it does. */
  readonly membersCount?: number
}

const DIALOGS_PAGE = 100
const METHOD = 'resolveChat'
const NO_SUCH_USERNAME: ReadonlySet<string> = new Set(['USERNAME_NOT_OCCUPIED', 'USERNAME_INVALID'])

function chatUsernames(chat: Api.Channel): string[] {
  // GramJS leaves absent flags as undefined or null.
  const names = typeof chat.username === 'string' ? [chat.username.toLowerCase()] : []
  for (const u of chat.usernames ?? []) if (u.active === true) names.push(u.username.toLowerCase())
  return names
}

/** The chat object as a {@link ResolvedChat}, `undefined` for one the account cannot use (forbidden, left, min). */
function toResolved(chat: Api.TypeChat): ResolvedChat | undefined {
  if (chat instanceof Api.Chat) {
    if (chat.deactivated === true || chat.left === true) return undefined
    const id = BigInt(chat.id.toString())
    return { id: -Number(id), type: 'group', title: chat.title, chatId: id, membersCount: chat.participantsCount }
  }
  if (!(chat instanceof Api.Channel) || chat.accessHash === undefined || chat.min === true) return undefined
  const id = BigInt(chat.id.toString())
  const username = chatUsernames(chat)[0]
  return {
    id: -Number(CHANNEL_ID_OFFSET + id),
    type: chat.megagroup === true ? 'supergroup' : 'channel',
    title: chat.title,
    ...(username !== undefined ? { username } : {}),
    chatId: id,
    inputChannel: new Api.InputChannel({ channelId: chat.id, accessHash: chat.accessHash }),
    ...(chat.participantsCount !== undefined ? { membersCount: chat.participantsCount } : {}),
  }
}

function isWanted(chat: Api.TypeChat, wanted: ParsedChat): boolean {
  const id = BigInt(chat.id.toString())
  if (wanted.kind === 'username') return chat instanceof Api.Channel && chatUsernames(chat).includes(wanted.username)
  if (wanted.id !== id) return false
  if (wanted.kind === 'group') return chat instanceof Api.Chat || chat instanceof Api.ChatForbidden
  if (wanted.kind === 'channel') return chat instanceof Api.Channel || chat instanceof Api.ChannelForbidden
  return true
}

/** The input peer of a dialog's peer, from the chats and users of its page. */
function inputPeerOf(peer: Api.TypePeer, page: Api.messages.Dialogs | Api.messages.DialogsSlice): Api.TypeInputPeer {
  if (peer instanceof Api.PeerUser) {
    const user = page.users.find((u) => u.id.equals(peer.userId))
    const hash = user instanceof Api.User ? user.accessHash : undefined
    return hash !== undefined ? new Api.InputPeerUser({ userId: peer.userId, accessHash: hash }) : new Api.InputPeerEmpty()
  }
  if (peer instanceof Api.PeerChat) return new Api.InputPeerChat({ chatId: peer.chatId })
  const chat = page.chats.find((c) => c.id.equals(peer.channelId))
  const hash = chat instanceof Api.Channel ? chat.accessHash : undefined
  return hash !== undefined ? new Api.InputPeerChannel({ channelId: peer.channelId, accessHash: hash }) : new Api.InputPeerEmpty()
}

function samePeer(a: Api.TypePeer, b: Api.TypePeer): boolean {
  if (a instanceof Api.PeerUser) return b instanceof Api.PeerUser && a.userId.equals(b.userId)
  if (a instanceof Api.PeerChat) return b instanceof Api.PeerChat && a.chatId.equals(b.chatId)
  return b instanceof Api.PeerChannel && a.channelId.equals(b.channelId)
}

/** The offsets of the page after `page` (https://core.telegram.org/api/offsets), or `undefined` after the last page. */
function nextOffsets(page: Api.messages.Dialogs | Api.messages.DialogsSlice): Api.messages.GetDialogs | undefined {
  if (page instanceof Api.messages.Dialogs || page.dialogs.length < DIALOGS_PAGE) return undefined
  const last = page.dialogs[page.dialogs.length - 1]
  if (!(last instanceof Api.Dialog)) return undefined
  const top = page.messages.find((m) => !(m instanceof Api.MessageEmpty) && m.id === last.topMessage && m.peerId !== undefined && samePeer(m.peerId, last.peer))
  const date = top instanceof Api.Message || top instanceof Api.MessageService ? top.date : 0
  return new Api.messages.GetDialogs({
    offsetDate: date,
    offsetId: last.topMessage,
    offsetPeer: inputPeerOf(last.peer, page),
    limit: DIALOGS_PAGE,
    hash: bigInt(0),
  })
}

/** Looks for `wanted` among the account's dialogs; `undefined` when no dialog is that chat. */
async function findInDialogs(client: ProfileClient, wanted: ParsedChat, cache: EntityCache, options: ResolveChatOptions): Promise<ResolvedChat | undefined> {
  let request: Api.messages.GetDialogs | undefined = new Api.messages.GetDialogs({
    offsetDate: 0,
    offsetId: 0,
    offsetPeer: new Api.InputPeerEmpty(),
    limit: DIALOGS_PAGE,
    hash: bigInt(0),
  })
  for (let pages = 0; request !== undefined && pages < (options.maxDialogPages ?? 50); pages++) {
    const page = await invokeRequest(client, request, options)
    if (!(page instanceof Api.messages.Dialogs || page instanceof Api.messages.DialogsSlice)) return undefined
    cache.addUsers(page.users)
    const hit = page.chats.find((c) => isWanted(c, wanted))
    if (hit !== undefined) {
      const resolved = toResolved(hit)
      if (resolved === undefined) throw new BotApiError(400, DESCRIPTIONS.chatNotFound, { method: METHOD })
      return resolved
    }
    request = nextOffsets(page)
  }
  return undefined
}

/** A public chat by username, for one `contacts.resolveUsername`. */
async function resolvePublic(client: ProfileClient, username: string, cache: EntityCache, options: ResolveChatOptions): Promise<ResolvedChat> {
  let result: unknown
  try {
    result = await invokeRequest(client, new Api.contacts.ResolveUsername({ username }), options)
  } catch (error) {
    const e = toBotApiError(error, METHOD)
    // The error table reads these as "user not found": here no chat has the name.
    if (e instanceof BotApiError && NO_SUCH_USERNAME.has(e.mtprotoError ?? '')) throw new BotApiError(400, DESCRIPTIONS.chatNotFound, { method: METHOD, mtprotoError: e.mtprotoError, cause: error })
    throw error
  }
  if (!(result instanceof Api.contacts.ResolvedPeer)) throw new TypeError(`${METHOD}: contacts.resolveUsername answered with something other than contacts.ResolvedPeer`)
  cache.addUsers(result.users)
  const chat = result.chats.find((c) => result.peer instanceof Api.PeerChannel && c.id.equals(result.peer.channelId))
  const resolved = chat !== undefined ? toResolved(chat) : undefined
  // A username of a user is not a chat.
  if (resolved === undefined) throw new BotApiError(400, DESCRIPTIONS.chatNotFound, { method: METHOD })
  return resolved
}

/**
 * Finds a chat: among the account's dialogs first, then (a username only) with one `contacts.resolveUsername`.
 *
 * @param chat `@username`, `username`, a t.me link, or a Bot API chat id (`-100…` supergroup/channel, `-…` basic group,
 *   or the bare positive id of either)
 * @throws BotApiError 400 `Bad Request: chat not found` (before any network call when `chat` is malformed), or the
 *   error Telegram answered; TimeoutError / the signal's reason as every call
 */
export async function resolveChat(client: ProfileClient, chat: ChatArgument, options: ResolveChatOptions = {}): Promise<ResolvedChat> {
  let wanted: ParsedChat
  try {
    checkCallOptions(METHOD, options)
    wanted = parseChatArgument(chat)
  } catch (error) {
    throw callFailure(error, METHOD, options)
  }
  const cache = options.cache ?? getEntityCache(client)
  try {
    const found = await findInDialogs(client, wanted, cache, options)
    if (found !== undefined) return found
    if (wanted.kind !== 'username') throw new BotApiError(400, DESCRIPTIONS.chatNotFound, { method: METHOD })
    return await resolvePublic(client, wanted.username, cache, options)
  } catch (error) {
    throw callFailure(error, METHOD, options)
  }
}
