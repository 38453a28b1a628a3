import { Api } from 'telegram'
import type { EmulatorTelegramClient } from '../../../src/client/emulator.js'
import { shutdownClient } from '../../../src/client/connect.js'
import { gramjsReconnectFixApplied } from '../../../src/gramjs/fixes/reconnect.js'
import { NetworkError, toBotApiError } from '../../../src/errors/index.js'
import { generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import type { CallContext, RpcAnswer, RpcApp, TlRequest } from '../../../src/emulator/rpc.js'
import { startDcServers, type DcServers } from '../../../src/emulator/server.js'
import { loginToEmulator } from '../../../src/client/emulator.js'
import { startEmulator } from '../../../src/emulator/index.js'
import { emulatorTestClient } from '../emulator/helpers.js'
import { TestApp, connectOrThrow, connectionFor, silent } from './helpers.js'
import { startCuttingProxy, type CuttingProxy } from './cutting-proxy.js'
import { within } from '../../helpers/within.js'

/** The TestApp, except that help.getCountriesList is answered only once the test releases it. */
class HoldingApp implements RpcApp {
  readonly base = new TestApp()
  private held: (() => void)[] = []

  async call(request: TlRequest, ctx: CallContext): Promise<RpcAnswer> {
    if (request._ === 'help.getCountriesList') await new Promise<void>((resolve) => this.held.push(resolve))
    return this.base.call(request, ctx)
  }

  /** How many help.getCountriesList calls are waiting. */
  holding(): number {
    return this.held.length
  }

  release(): void {
    for (const resolve of this.held.splice(0)) resolve()
  }
}

interface SenderView {
  isReconnecting: boolean
  _userConnected: boolean
}

const senderOf = (client: EmulatorTelegramClient): SenderView => (client as unknown as { _sender: SenderView })._sender

/** Waits (a bounded number of event-loop turns) until `condition` holds; the caller asserts it afterwards. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('GramJS with tg-profile loaded, when its connection drops', () => {
  let app: HoldingApp
  let servers: DcServers
  let proxy: CuttingProxy
  let client: EmulatorTelegramClient | undefined

  beforeEach(async () => {
    app = new HoldingApp()
    servers = await startDcServers({ dcIds: [1, 2], app, rsaKey: generateRsaKeyPair() })
    proxy = await startCuttingProxy(servers)
    client = emulatorTestClient({ ...connectionFor(servers), dcs: proxy.dcs }, { connectionRetries: 1, baseLogger: silent() })
    await connectOrThrow(client)
  })

  afterEach(async () => {
    app.release()
    if (client !== undefined) await shutdownClient(client)
    await proxy.close()
    await servers.close()
  })

  it('has the fix applied', () => {
    expect(gramjsReconnectFixApplied()).toBe(true)
  })

  it('sends every request queued while it waits to reconnect on the new connection', async () => {
    const c = client!
    expect(await c.invoke(new Api.help.GetNearestDc())).toBeInstanceOf(Api.NearestDc)
    proxy.cut()
    await until(() => senderOf(c).isReconnecting)
    expect(senderOf(c).isReconnecting).toBe(true)
    // the send loop takes the first request queued now and stops (the sender is reconnecting); the next two wait in
    // the queue, with no msg_id yet
    const first = c.invoke(new Api.help.GetNearestDc())
    await nextTurn()
    const second = c.invoke(new Api.help.GetNearestDc())
    const third = c.invoke(new Api.help.GetConfig())
    await nextTurn()
    expect(senderOf(c).isReconnecting).toBe(true)
    const answers = await within(
      Promise.all([first, second, third]).then((all) => all.map((a) => a.className)),
      20_000,
      'never settled',
    )
    expect(answers).toEqual(['NearestDc', 'NearestDc', 'Config'])
    expect(proxy.accepted()).toBe(2)
  })

  it('sends a request in flight when the connection drops again on the new connection', async () => {
    const c = client!
    const held = c.invoke(new Api.help.GetCountriesList({ langCode: 'en', hash: 0 }))
    await until(() => app.holding() === 1)
    expect(app.holding()).toBe(1)
    proxy.cut()
    // the query is asked again in the new session: once it is held there too, both are answered (the first answer
    // has no connection left to go to)
    await until(() => app.holding() === 2)
    expect(app.holding()).toBe(2)
    app.release()
    const answer = await within(held.then((a) => a.className), 20_000, 'never settled')
    expect(answer).toBe('help.CountriesList')
    expect(proxy.accepted()).toBe(2)
  })

  it('rejects the requests with a NetworkError when connecting again fails, and connects again for a later one', async () => {
    const c = client!
    const held = c.invoke(new Api.help.GetCountriesList({ langCode: 'en', hash: 0 }))
    await until(() => app.holding() === 1)
    expect(app.holding()).toBe(1)
    // the relay stops listening: the one reconnect attempt (connectionRetries: 1) is refused
    await proxy.close()
    const outcome = await within(
      held.then(
        () => 'answered',
        (error: unknown) => error,
      ),
      20_000,
      'never settled',
    )
    expect(outcome).toBeInstanceOf(NetworkError)
    expect((outcome as NetworkError).message).toBe('connecting to DC 2 failed once')
    // The refused attempt's own error is kept as the cause.
    expect((outcome as NetworkError).cause).toMatchObject({ code: 'ECONNREFUSED' })
    expect(toBotApiError(outcome)).toBe(outcome)
    expect(senderOf(c)._userConnected).toBe(false)
    // Still refused: the next request tries once more and fails the same way, instead of waiting.
    const refused = await within(c.invoke(new Api.help.GetNearestDc()).then(() => 'answered', (error: unknown) => error), 20_000, 'never settled')
    expect(toBotApiError(refused)).toBeInstanceOf(NetworkError)
    expect(proxy.accepted()).toBe(1)
    // The DC is back: the next request connects again and is answered.
    await proxy.listenAgain()
    const answer = await within(c.invoke(new Api.help.GetNearestDc()).then((r) => r.className), 20_000, 'never settled')
    expect(answer).toBe('NearestDc')
    expect(senderOf(c)._userConnected).toBe(true)
    expect(proxy.accepted()).toBe(2)
  })
})

describe('GramJS with tg-profile loaded, connecting to another DC', () => {
  it('connects again when its first connection to another DC fails, and the request goes through', async () => {
    const emu = await startEmulator({ users: 3, rsaKey: generateRsaKeyPair() })
    const proxy = await startCuttingProxy(emu.connection)
    const connection = { ...emu.connection, dcs: proxy.dcs }
    const other = connection.dcs.find((d) => d.id !== connection.homeDcId)!.id
    const c = emulatorTestClient(connection, { connectionRetries: 1, baseLogger: silent() })
    try {
      await loginToEmulator(c, connection)
      expect(proxy.accepted()).toBe(1)
      // the first connection to the other DC fails (its one attempt, connectionRetries: 1); GramJS then still asks
      // it to import the authorization
      proxy.dropNextConnection()
      emu.resetStats()
      const outcome = await within(
        c.invoke(new Api.help.GetNearestDc(), other).then(
          (answer) => answer.className,
          (error: unknown) => error,
        ),
        20_000,
        'never settled',
      )
      expect(outcome).toBe('NearestDc')
      expect(proxy.accepted()).toBe(3)
      // The authorization is exported once, for the connection that came up (none for the one that failed).
      expect(emu.stats().callsPerMethod['auth.ExportAuthorization']).toBe(1)
      expect(emu.stats().callsPerMethod['auth.ImportAuthorization']).toBe(1)
    } finally {
      await shutdownClient(c)
      await proxy.close()
      await emu.close()
    }
  })
})
