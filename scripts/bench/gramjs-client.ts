/**
 * The client of a GramJS contender, logged in to the emulator: tg-profile's archiver gets a session that can hold
 * the other DCs' keys (in memory), watched by `attachDcKeys`, as the command line does; the naive loop GramJS's own
 * session. Both get the entity cache given.
 */
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { MultiDcSession, attachDcKeys } from '../../src/client/dc-keys.js'
import { createEmulatorClient, loginToEmulator, type EmulatorTelegramClient } from '../../src/client/emulator.js'
import { attachEntityCache, type EntityCache } from '../../src/client/entity-cache.js'
import type { EmulatorConnection } from '../../src/spec/emulator-connection.js'

/** Connects and logs in the connection file's test account, silently. */
export async function gramjsContender(connection: EmulatorConnection, archiver: boolean, cache: EntityCache): Promise<EmulatorTelegramClient> {
  const client = createEmulatorClient(connection, {
    baseLogger: new Logger(LogLevel.NONE),
    connectionRetries: 3,
    ...(archiver ? { session: new MultiDcSession('') } : {}),
  })
  if (archiver) attachDcKeys(client)
  attachEntityCache(client, cache)
  await loginToEmulator(client, connection)
  return client
}
