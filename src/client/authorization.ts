/**
 * Connecting and the authorization check, without GramJS's two ways of hiding a network failure: its `connect()`
 * returns `false` when every attempt failed, and its `checkAuthorization()` answers "not logged in" for any error,
 * so an unreachable server read as an expired session ("run tg-profile login").
 */
import { Api } from 'telegram'
import type { TelegramClient } from 'telegram'
import { BotApiError, NetworkError, toBotApiError } from '../errors/index.js'
import { lastConnectError } from '../gramjs/fixes/reconnect.js'

/** Connects `client` unless it is connected; every attempt failing is a {@link NetworkError}. */
export async function connectClient(client: TelegramClient): Promise<void> {
  if (client.connected === true) return
  if (await client.connect()) return
  // The failed attempt's own error, kept by the reconnect fix, says why.
  const cause = lastConnectError(client)
  throw new NetworkError('Network error: could not connect to Telegram', cause === undefined ? {} : { cause })
}

/**
 * Whether the session is logged in (`updates.getState` answers): a 401 answer (AUTH_KEY_UNREGISTERED, SESSION_REVOKED,
 * …) is "no"; any other failure, a network one above all, is thrown as the one error table translates it.
 */
export async function isAuthorized(client: TelegramClient): Promise<boolean> {
  try {
    await client.invoke(new Api.updates.GetState())
    return true
  } catch (error) {
    const e = toBotApiError(error)
    if (e instanceof BotApiError && e.error_code === 401) return false
    throw e
  }
}
