/**
 * `iterChatMembers`: every member of a chat, as the user objects Telegram sends with their access hashes (each one
 * enters the entity cache, so a member is later archived or asked about by id without a resolve).
 *
 * Supergroups and channels are paged with `channels.getParticipants` (`channelParticipantsRecent`, 200 a page, by
 * offset) until a page comes back empty or the announced count is reached; Telegram lists at most about 10 000
 * members of a chat this way. A basic group's members come in one `messages.getFullChat`.
 */
import { Api } from 'telegram'
import bigInt from 'big-integer'
import { getEntityCache, type EntityCache } from '../client/entity-cache.js'
import { callFailure, checkCallOptions, type CallOptions } from '../client/deadline.js'
import { invokeRequest, type ProfileClient } from '../client/invoke.js'
import { BotApiError } from '../errors/index.js'
import type { ResolvedChat } from './resolve-chat.js'

/** Options of {@link iterChatMembers}: the deadline and signal of each request ({@link CallOptions}), and more. */
export interface IterChatMembersOptions extends CallOptions {
  /** The entity cache the members fill. Default: the one attached to the client. */
  cache?: EntityCache
  /** Told the member count Telegram announces, once, with the first page. Default: nothing. */
  onCount?: (count: number) => void
}

/** Members in one `channels.getParticipants` page at most (https://core.telegram.org/method/channels.getParticipants). */
export const PARTICIPANTS_PAGE = 200
const METHOD = 'getChatMembers'

function usersOf(users: readonly Api.TypeUser[]): Api.User[] {
  return users.filter((u): u is Api.User => u instanceof Api.User)
}

async function* channelMembers(client: ProfileClient, input: Api.InputChannel, cache: EntityCache, options: IterChatMembersOptions): AsyncGenerator<Api.User> {
  for (let offset = 0, first = true; ; first = false) {
    const request = new Api.channels.GetParticipants({
      channel: input,
      filter: new Api.ChannelParticipantsRecent(),
      offset,
      limit: PARTICIPANTS_PAGE,
      hash: bigInt(0),
    })
    const page = await invokeRequest(client, request, options)
    if (!(page instanceof Api.channels.ChannelParticipants)) throw new TypeError(`${METHOD}: channels.getParticipants answered with something other than channels.channelParticipants`)
    if (first) options.onCount?.(page.count)
    cache.addUsers(page.users)
    yield* usersOf(page.users)
    offset += page.participants.length
    if (page.participants.length === 0 || offset >= page.count) return
  }
}

async function* groupMembers(client: ProfileClient, chatId: bigint, cache: EntityCache, options: IterChatMembersOptions): AsyncGenerator<Api.User> {
  const full = await invokeRequest(client, new Api.messages.GetFullChat({ chatId: bigInt(chatId.toString()) }), options)
  if (!(full instanceof Api.messages.ChatFull) || !(full.fullChat instanceof Api.ChatFull)) throw new TypeError(`${METHOD}: messages.getFullChat answered with something other than a basic group's chatFull`)
  const participants = full.fullChat.participants
  // The member list of a basic group the account may not see.
  if (!(participants instanceof Api.ChatParticipants)) throw new BotApiError(400, 'Bad Request: CHAT_ADMIN_REQUIRED', { method: METHOD, mtprotoError: 'CHAT_ADMIN_REQUIRED' })
  options.onCount?.(participants.participants.length)
  cache.addUsers(full.users)
  const members = new Set(participants.participants.map((p) => p.userId.toString()))
  yield* usersOf(full.users).filter((u) => members.has(u.id.toString()))
}

/**
 * Every member of `chat` (found with `resolveChat`), page by page; each page's users enter the entity cache.
 *
 * @throws BotApiError the error Telegram answered, e.g. 400 `Bad Request: CHAT_ADMIN_REQUIRED` for a broadcast
 *   channel's subscribers or a supergroup with hidden members, `Bad Request: CHANNEL_PRIVATE`; TimeoutError / the
 *   signal's reason as every call
 */
export async function* iterChatMembers(client: ProfileClient, chat: ResolvedChat, options: IterChatMembersOptions = {}): AsyncGenerator<Api.User, void, undefined> {
  try {
    checkCallOptions(METHOD, options)
  } catch (error) {
    throw callFailure(error, METHOD, options)
  }
  const cache = options.cache ?? getEntityCache(client)
  try {
    if (chat.inputChannel !== undefined) yield* channelMembers(client, chat.inputChannel, cache, options)
    else yield* groupMembers(client, chat.chatId, cache, options)
  } catch (error) {
    throw callFailure(error, METHOD, options)
  }
}
