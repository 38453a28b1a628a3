import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { shutdownClient } from '../../../src/client/connect.js'
import { createEmulatorClient, loginToEmulator, type EmulatorClientOptions, type EmulatorTelegramClient } from '../../../src/client/emulator.js'
import { EntityCache, attachEntityCache } from '../../../src/client/entity-cache.js'
import type { EmulatorConnection, RunningEmulator } from '../../../src/emulator/index.js'

/**
 * A silent GramJS client for `connection` with an in-memory entity cache, whose keep-alive ping loop never starts.
 *
 * Why: GramJS 2.26.22's ping loop (`client/updates.js` `_updateLoop`, every 9 s) races each ping against a *ref'd*
 * 10 s `sleep` it never clears (`timeout()`), so any client that lived longer than 9 s keeps the process alive up
 * to 10 s after `destroy()` — Jest's "did not exit one second after the test run". Marking the loop as started
 * before `connect()` keeps GramJS itself unmodified; the tests do not depend on pings (MTProtoSender reconnects on
 * a dropped socket by itself).
 */
export function emulatorTestClient(
  connection: EmulatorConnection,
  options: EmulatorClientOptions = {},
): EmulatorTelegramClient {
  const client = createEmulatorClient(connection, { baseLogger: new Logger(LogLevel.NONE), ...options })
  const internals = client as unknown as { _loopStarted?: unknown }
  // fail loudly if a GramJS upgrade renames the flag, instead of silently leaking the timer again
  if (internals._loopStarted !== false) throw new Error('GramJS internals changed: TelegramClient._loopStarted missing')
  internals._loopStarted = true
  attachEntityCache(client, EntityCache.memory())
  return client
}

/** Logs `client` in to `emu`; when that fails, shuts both down (nothing left to keep Jest alive) and rethrows. */
export async function loginOrClose(client: EmulatorTelegramClient, emu: RunningEmulator): Promise<void> {
  try {
    await loginToEmulator(client, emu.connection)
  } catch (error) {
    await shutdownClient(client)
    await emu.close()
    throw error
  }
}

/** A test client ({@link emulatorTestClient}) logged in to `emu`, for a suite's `beforeAll`. */
export async function loggedInTestClient(emu: RunningEmulator, options: EmulatorClientOptions = {}): Promise<EmulatorTelegramClient> {
  const client = emulatorTestClient(emu.connection, options)
  try {
    await loginToEmulator(client, emu.connection)
  } catch (error) {
    await shutdownClient(client)
    throw error
  }
  return client
}
