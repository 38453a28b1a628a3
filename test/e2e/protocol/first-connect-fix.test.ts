import { Api } from 'telegram'
import type { EmulatorTelegramClient } from '../../../src/client/emulator.js'
import { shutdownClient } from '../../../src/client/connect.js'
import { gramjsFirstConnectFixApplied } from '../../../src/gramjs/fixes/first-connect.js'
import { NetworkError } from '../../../src/errors/index.js'
import { generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startDcServers, type DcServers } from '../../../src/emulator/server.js'
import { emulatorTestClient } from '../emulator/helpers.js'
import { TestApp, connectionFor, silent } from './helpers.js'
import { startCuttingProxy, type CuttingProxy } from './cutting-proxy.js'
import { within } from '../../helpers/within.js'

const rsaKey = generateRsaKeyPair()

const outcomeOf = (p: Promise<{ className: string }>): Promise<unknown> =>
  within(
    p.then(
      (answer) => answer.className,
      (error: unknown) => error,
    ),
    20_000,
    'never settled',
  )

describe('GramJS with tg-profile loaded, when its first connect fails', () => {
  let app: TestApp
  let servers: DcServers
  let proxy: CuttingProxy
  let client: EmulatorTelegramClient | undefined

  beforeEach(async () => {
    app = new TestApp()
    servers = await startDcServers({ dcIds: [1, 2], app, rsaKey })
    proxy = await startCuttingProxy(servers)
    // the one attempt (connectionRetries: 1) of the first connect is cut before anything is relayed
    proxy.dropNextConnection()
    client = emulatorTestClient({ ...connectionFor(servers), dcs: proxy.dcs }, { connectionRetries: 1, baseLogger: silent() })
  })

  afterEach(async () => {
    if (client !== undefined) await shutdownClient(client)
    await proxy.close()
    await servers.close()
  })

  it('has the fix applied', () => {
    expect(gramjsFirstConnectFixApplied()).toBe(true)
  })

  it('connects for the next request instead of leaving it waiting forever', async () => {
    const c = client!
    expect(await c.connect()).toBe(false)
    expect(proxy.accepted()).toBe(1)
    expect(await outcomeOf(c.invoke(new Api.help.GetNearestDc()))).toBe('NearestDc')
    expect(proxy.accepted()).toBe(2)
    // connected the way connect() connects: initConnection with help.getConfig first
    expect(app.calls).toEqual(['help.GetConfig', 'help.GetNearestDc'])
    expect(await outcomeOf(c.invoke(new Api.help.GetNearestDc()))).toBe('NearestDc')
    expect(proxy.accepted()).toBe(2)
  })

  it('rejects a request waiting for the failed connect with a NetworkError', async () => {
    const c = client!
    const connecting = c.connect()
    // the attempt was cut; GramJS waits a second before it gives up, and the request comes in that second
    for (let i = 0; i < 2000 && proxy.accepted() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(proxy.accepted()).toBe(1)
    const waiting = outcomeOf(c.invoke(new Api.help.GetNearestDc()))
    expect(await connecting).toBe(false)
    const outcome = await waiting
    expect(outcome).toBeInstanceOf(NetworkError)
    expect((outcome as NetworkError).message).toBe('connecting to DC 2 failed once')
    expect(app.calls).toEqual([])
  })

  it('fails the next request with a NetworkError when connecting fails again', async () => {
    const c = client!
    expect(await c.connect()).toBe(false)
    proxy.dropNextConnection()
    const outcome = await outcomeOf(c.invoke(new Api.help.GetNearestDc()))
    expect(outcome).toBeInstanceOf(NetworkError)
    expect(proxy.accepted()).toBe(2)
    // and the one after that connects and is answered
    expect(await outcomeOf(c.invoke(new Api.help.GetNearestDc()))).toBe('NearestDc')
    expect(proxy.accepted()).toBe(3)
  })
})
