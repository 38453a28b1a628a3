import { Api } from 'telegram'
import { RPCError } from 'telegram/errors/index.js'
import { createEmulatorClient, type EmulatorTelegramClient } from '../../../src/client/emulator.js'
import { generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { RpcError, type CallContext, type RpcAnswer, type RpcApp, type TlRequest } from '../../../src/emulator/rpc.js'
import { startDcServers, type DcServers } from '../../../src/emulator/server.js'
import { TestApp, connectOrThrow, connectionFor, silent } from './helpers.js'
import { within } from '../../helpers/within.js'

/** Answers help.getNearestDc with an error and help.getCountriesList normally, both in the same instant. */
class BatchingApp implements RpcApp {
  private readonly base = new TestApp()
  private waiting: (() => void)[] = []

  async call(request: TlRequest, ctx: CallContext): Promise<RpcAnswer> {
    if (request._ !== 'help.getNearestDc' && request._ !== 'help.getCountriesList') {
      return this.base.call(request, ctx)
    }
    // hold both queries until the second arrives, then settle them together so they leave in one msg_container
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve)
      if (this.waiting.length === 2) {
        for (const release of this.waiting) release()
        this.waiting = []
      }
    })
    if (request._ === 'help.getNearestDc') throw new RpcError(420, 'FLOOD_WAIT_7')
    return { _: 'help.countriesListNotModified' }
  }
}

describe('GramJS with tg-profile loaded', () => {
  let servers: DcServers
  let client: EmulatorTelegramClient | undefined

  beforeAll(async () => {
    servers = await startDcServers({ dcIds: [1, 2], app: new BatchingApp(), rsaKey: generateRsaKeyPair() })
  })

  afterAll(async () => {
    await client?.destroy()
    await servers.close()
  })

  it('settles every answer of a container holding an rpc_error (GramJS 2.26 dropped the ones after it)', async () => {
    client = createEmulatorClient(connectionFor(servers), { connectionRetries: 1, autoReconnect: false, baseLogger: silent() })
    client.floodSleepThreshold = 0
    await connectOrThrow(client)
    const failing = client.invoke(new Api.help.GetNearestDc())
    const answered = client.invoke(new Api.help.GetCountriesList({ langCode: 'en', hash: 0 }))
    await expect(failing).rejects.toBeInstanceOf(RPCError)
    await expect(within(answered, 5000, 'never settled')).resolves.toBeInstanceOf(Api.help.CountriesListNotModified)
  })
})
