/**
 * `getContacts`: the account's contacts as the user objects Telegram sends with their access hashes (one
 * `contacts.getContacts`); each one enters the entity cache.
 */
import { Api } from 'telegram'
import bigInt from 'big-integer'
import { getEntityCache, type EntityCache } from '../client/entity-cache.js'
import { callFailure, checkCallOptions, type CallOptions } from '../client/deadline.js'
import { invokeRequest, type ProfileClient } from '../client/invoke.js'

/** Options of {@link getContacts}: the deadline and signal ({@link CallOptions}) and the cache. */
export interface GetContactsOptions extends CallOptions {
  /** The entity cache the contacts fill. Default: the one attached to the client. */
  cache?: EntityCache
}

const METHOD = 'getContacts'

/**
 * The account's contacts.
 *
 * @throws TimeoutError / the signal's reason as every call; a BotApiError for an error Telegram answered
 */
export async function getContacts(client: ProfileClient, options: GetContactsOptions = {}): Promise<Api.User[]> {
  try {
    checkCallOptions(METHOD, options)
    const result = await invokeRequest(client, new Api.contacts.GetContacts({ hash: bigInt(0) }), options)
    if (!(result instanceof Api.contacts.Contacts)) throw new TypeError(`${METHOD}: contacts.getContacts answered with something other than contacts.contacts`)
    ;(options.cache ?? getEntityCache(client)).addUsers(result.users)
    const contacts = new Set(result.contacts.map((c) => c.userId.toString()))
    return result.users.filter((u): u is Api.User => u instanceof Api.User && contacts.has(u.id.toString()))
  } catch (error) {
    throw callFailure(error, METHOD, options)
  }
}
