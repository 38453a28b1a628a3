import { Api } from 'telegram'
import { ConnectionTCPAbridged, ConnectionTCPFull, ConnectionTCPObfuscated } from 'telegram/network/index.js'
import { RPCError } from 'telegram/errors/index.js'
import { createEmulatorClient, type EmulatorTelegramClient } from '../../../src/client/emulator.js'
import { generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startDcServers, type DcServers } from '../../../src/emulator/server.js'
import { TestApp, connectOrThrow, connectionFor, silent } from './helpers.js'

const rsaKey = generateRsaKeyPair()


describe('an unmodified GramJS TelegramClient against the DC servers', () => {
  let servers: DcServers
  let app: TestApp
  let client: EmulatorTelegramClient | undefined

  beforeEach(async () => {
    app = new TestApp()
    servers = await startDcServers({ dcIds: [1, 2, 4], app, rsaKey })
  })

  afterEach(async () => {
    await client?.destroy()
    client = undefined
    await servers.close()
  })

  const transports = [
    ['ConnectionTCPFull', ConnectionTCPFull],
    ['ConnectionTCPAbridged', ConnectionTCPAbridged],
    ['ConnectionTCPObfuscated', ConnectionTCPObfuscated],
  ] as const

  it.each(transports)('creates a fresh auth key and gets answers over %s', async (_name, transport) => {
    client = createEmulatorClient(connectionFor(servers), {
      connection: transport,
      connectionRetries: 1,
      autoReconnect: false,
      baseLogger: silent(),
    })
    await connectOrThrow(client)
    const nearest = await client.invoke(new Api.help.GetNearestDc())
    expect(nearest).toBeInstanceOf(Api.NearestDc)
    expect(nearest.thisDc).toBe(2)
    const keys = servers.authKeys.get(2)!
    expect(keys.size).toBe(1)
    expect(servers.authKeys.get(1)!.size).toBe(0)
    const [record] = [...keys.values()]
    expect(record!.key.equals(client.session.getAuthKey()!.getKey()!)).toBe(true)
    expect(app.calls.slice(0, 2)).toEqual(['help.GetConfig', 'help.GetNearestDc'])
    const c = servers.counters()[2]!
    expect(c.handshakes).toBe(1)
    expect(c.transportErrors).toBe(0)
    // GramJS starts with salt 0: the first message is refused with bad_server_salt and resent
    expect(c.badServerSalts).toBeGreaterThanOrEqual(1)
  })

  it('maps an RpcError from the app to an rpc_error GramJS raises', async () => {
    client = createEmulatorClient(connectionFor(servers), {
      connectionRetries: 1,
      autoReconnect: false,
      baseLogger: silent(),
    })
    await connectOrThrow(client)
    const err = await client.invoke(new Api.help.GetAppConfig({ hash: 0 })).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RPCError)
    expect((err as RPCError).code).toBe(400)
    expect((err as RPCError).errorMessage).toBe('METHOD_NOT_EMULATED')
  })

  it('answers concurrent queries and gzips a large answer', async () => {
    client = createEmulatorClient(connectionFor(servers), {
      connectionRetries: 1,
      autoReconnect: false,
      baseLogger: silent(),
    })
    await connectOrThrow(client)
    const [a, b, list] = await Promise.all([
      client.invoke(new Api.help.GetNearestDc()),
      client.invoke(new Api.help.GetNearestDc()),
      client.invoke(new Api.help.GetCountriesList({ langCode: 'en', hash: 0 })),
    ])
    expect(a.nearestDc).toBe(2)
    expect(b.nearestDc).toBe(2)
    expect(list).toBeInstanceOf(Api.help.CountriesList)
    expect((list as Api.help.CountriesList).countries).toHaveLength(300)
    expect((list as Api.help.CountriesList).countries[299]!.defaultName).toBe('Country number 299')
  })

  it('keeps auth keys per DC: a session for DC 2 is unknown on DC 4', async () => {
    client = createEmulatorClient(connectionFor(servers), {
      connectionRetries: 1,
      autoReconnect: false,
      baseLogger: silent(),
    })
    await connectOrThrow(client)
    const id = [...servers.authKeys.get(2)!.keys()][0]!
    expect(servers.authKeys.get(4)!.has(id)).toBe(false)
  })

  it('resumes a saved session on a new connection without a new handshake', async () => {
    const first = createEmulatorClient(connectionFor(servers), {
      connectionRetries: 1,
      autoReconnect: false,
      baseLogger: silent(),
    })
    await connectOrThrow(first)
    const saved = first.session.save() as unknown as string
    await first.destroy()
    client = createEmulatorClient(connectionFor(servers), {
      session: saved,
      connectionRetries: 1,
      autoReconnect: false,
      baseLogger: silent(),
    })
    await connectOrThrow(client)
    expect((await client.invoke(new Api.help.GetNearestDc())).thisDc).toBe(2)
    const c = servers.counters()[2]!
    expect(c.connections).toBe(2)
    expect(c.handshakes).toBe(1)
    expect(servers.authKeys.get(2)!.size).toBe(1)
  })
})
