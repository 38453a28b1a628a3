import { RPCError } from 'telegram/errors/index.js'
import { createEmulatorClient, loginToEmulator, type EmulatorTelegramClient } from '../../../src/client/emulator.js'
import { createApiApp } from '../../../src/emulator/app/index.js'
import type { EmulatorConnection } from '../../../src/spec/emulator-connection.js'
import { generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startDcServers, type DcServers } from '../../../src/emulator/server.js'
import { createWorld, type World } from '../../../src/emulator/world.js'
import { silent } from './helpers.js'

const rsaKey = generateRsaKeyPair()

describe('loginToEmulator', () => {
  let world: World
  let servers: DcServers
  let connection: EmulatorConnection
  let client: EmulatorTelegramClient | undefined

  beforeEach(async () => {
    world = createWorld({ seed: 7, users: 3, dcIds: [1, 2, 3], homeDcId: 2 })
    servers = await startDcServers({ dcIds: [1, 2, 3], app: createApiApp(world), rsaKey })
    connection = {
      version: 1,
      dcs: servers.dcs,
      homeDcId: 2,
      publicKey: servers.publicKey,
      apiId: 17349,
      apiHash: '344583e45741c457fe1862106095a5eb',
      testAccount: world.accounts[0]!,
      accounts: world.accounts,
    }
  })

  afterEach(async () => {
    await client?.destroy()
    client = undefined
    await servers.close()
  })

  const newClient = (): EmulatorTelegramClient =>
    createEmulatorClient(connection, { connectionRetries: 1, autoReconnect: false, baseLogger: silent() })

  it('signs in with the login code of an account without 2FA', async () => {
    client = newClient()
    const account = world.accounts.find((a) => a.password === undefined)!
    await loginToEmulator(client, connection, account)
    const me = await client.getMe()
    expect(me.id.toString()).toBe(String(account.userId))
    expect(me.phone).toBe(account.phone)
  })

  it('signs in with code and SRP password on an account with 2FA', async () => {
    client = newClient()
    const account = world.accounts.find((a) => a.password !== undefined)!
    await loginToEmulator(client, connection, account)
    expect((await client.getMe()).id.toString()).toBe(String(account.userId))
  })

  it('throws PHONE_CODE_INVALID for a wrong code instead of prompting again', async () => {
    client = newClient()
    const account = { ...world.accounts[0]!, code: '00000' === world.accounts[0]!.code ? '11111' : '00000' }
    const err = await loginToEmulator(client, connection, account).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RPCError)
    expect((err as RPCError).errorMessage).toBe('PHONE_CODE_INVALID')
  })

  it('throws PASSWORD_HASH_INVALID for a wrong 2FA password', async () => {
    client = newClient()
    const withPw = world.accounts.find((a) => a.password !== undefined)!
    const err = await loginToEmulator(client, connection, { ...withPw, password: `${withPw.password}x` }).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(RPCError)
    expect((err as RPCError).errorMessage).toBe('PASSWORD_HASH_INVALID')
  })
})
