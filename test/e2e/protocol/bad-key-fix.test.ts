import { randomBytes } from 'node:crypto'
import { Api } from 'telegram'
import { RPCError } from 'telegram/errors/index.js'
import { AuthKey } from 'telegram/crypto/AuthKey.js'
import { StringSession } from 'telegram/sessions/index.js'
import { createEmulatorClient, type EmulatorTelegramClient } from '../../../src/client/emulator.js'
import { toBotApiError } from '../../../src/errors/index.js'
import { generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startDcServers, type DcServers } from '../../../src/emulator/server.js'
import { TestApp, connectionFor, silent } from './helpers.js'
import { within } from '../../helpers/within.js'

describe('GramJS with tg-profile loaded, on a session whose auth key the server does not know', () => {
  let servers: DcServers
  let client: EmulatorTelegramClient | undefined

  beforeAll(async () => {
    servers = await startDcServers({ dcIds: [1, 2], app: new TestApp(), rsaKey: generateRsaKeyPair() })
  })

  afterAll(async () => {
    await client?.destroy()
    await servers.close()
  })

  it('rejects the pending request with 401 AUTH_KEY_UNREGISTERED instead of leaving it unsettled (transport -404)', async () => {
    const connection = connectionFor(servers)
    const home = connection.dcs.find((d) => d.id === connection.homeDcId)!
    // a session from elsewhere: a key this server never made
    const session = new StringSession('')
    session.setDC(home.id, home.host, 443)
    const key = new AuthKey()
    await key.setKey(randomBytes(256))
    session.setAuthKey(key)
    client = createEmulatorClient(connection, { session, connectionRetries: 1, autoReconnect: false, baseLogger: silent() })
    client.floodSleepThreshold = 0
    const outcome = await within(
      (async () => {
        await client!.connect()
        return client!.invoke(new Api.help.GetNearestDc())
      })().catch((e: unknown) => e),
      5000,
      'never settled',
    )
    expect(outcome).toBeInstanceOf(RPCError)
    expect((outcome as RPCError).errorMessage).toBe('AUTH_KEY_UNREGISTERED')
    expect(JSON.stringify(toBotApiError(outcome))).toBe('{"ok":false,"error_code":401,"description":"Unauthorized"}')
    expect(servers.counters()[home.id]!.transportErrors).toBeGreaterThanOrEqual(1)
  })
})
