/**
 * mtcute (`@mtcute/node`, unmodified) configured as its guide says, for the emulator: the emulator's address
 * (`defaultDcs`), its RSA key (`addPublicKey`) and an in-memory storage, nothing else but what the caller adds. Shared
 * by the benchmark's peer and the mtcute test suite, so both meet the emulator as a new mtcute user would.
 */
import { BaseTelegramClient, MemoryStorage, TelegramClient, type BaseTelegramClientOptions } from '@mtcute/node'
import { addPublicKey } from '@mtcute/core/utils.js'
import type { EmulatorConnection } from '../../src/spec/emulator-connection.js'

/** What a caller may add to the configuration (a transport, PFS, no updates). */
export type MtcuteExtras = Partial<Omit<BaseTelegramClientOptions, 'apiId' | 'apiHash' | 'storage' | 'defaultDcs'>>

/** A silent mtcute client for the connection file's home DC, with a fresh `MemoryStorage`. */
export function mtcuteForEmulator(connection: EmulatorConnection, extras: MtcuteExtras = {}): TelegramClient {
  const home = connection.dcs.find((d) => d.id === connection.homeDcId)
  if (home === undefined) throw new Error('the connection file names no home DC')
  const dc = { id: home.id, ipAddress: home.host, port: home.port }
  const base = new BaseTelegramClient({
    apiId: connection.apiId,
    apiHash: connection.apiHash,
    storage: new MemoryStorage(),
    defaultDcs: { main: dc, media: dc },
    logLevel: 0,
    ...extras,
  })
  addPublicKey(base.mt.crypto, connection.publicKey.pem)
  return new TelegramClient({ client: base })
}
