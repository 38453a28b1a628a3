/**
 * Pointing an unmodified GramJS client at a tg-profile emulator: trust its RSA key, reach each DC at the emulator's
 * host and port (GramJS otherwise dials port 80/443 whatever the session says), and log in as a test account.
 */
import { connectClient, isAuthorized } from './authorization.js'
import { TelegramClient } from 'telegram'
import '../gramjs/installed.js'
import { trustServerKey } from '../gramjs/server-keys.js'
import { ConnectionTCPFull, type Connection } from 'telegram/network/index.js'
import { StringSession } from 'telegram/sessions/index.js'
import type { TelegramClientParams } from 'telegram/client/telegramBaseClient.js'
import type { DcAddress, EmulatorAccount, EmulatorConnection } from '../spec/emulator-connection.js'

/**
 * Adds the emulator's public key to GramJS's table of trusted server keys (process-wide, idempotent). Only call it
 * when targeting that emulator.
 */
export function trustEmulatorKey(connection: Pick<EmulatorConnection, 'publicKey'>): void {
  trustServerKey(connection.publicKey)
}

type ConnectionClass = typeof Connection
type ConnectionParams = ConstructorParameters<ConnectionClass>[0]

/**
 * A GramJS connection class that dials the emulator's address for the DC it is created for, whatever ip/port
 * GramJS computed (it hard-codes port 80 for the main connection and 443 from `getDC`).
 */
export function emulatorConnectionClass(base: ConnectionClass, dcs: readonly DcAddress[]): ConnectionClass {
  const find = (dcId: number): DcAddress => {
    const dc = dcs.find((d) => d.id === dcId)
    if (dc === undefined) throw new Error(`the emulator has no DC ${dcId}`)
    return dc
  }
  // A subclass built at runtime: the base is one of GramJS's transports.
  const Sub = class extends (base as unknown as new (p: ConnectionParams) => Connection) {
    constructor(params: ConnectionParams) {
      const dc = find(params.dcId)
      super({ ...params, ip: dc.host, port: dc.port })
    }
  }
  return Sub as unknown as ConnectionClass
}

/**
 * The port written into a GramJS session for an emulator DC. StringSession stores ports as signed 16-bit
 * integers, so an ephemeral port above 32767 would make `session.save()` throw; such ports are recorded as 443 and
 * the connection class from {@link emulatorConnectionClass} dials the real port by DC id anyway.
 */
export function sessionPort(dc: DcAddress): number {
  return dc.port <= 0x7fff ? dc.port : 443
}

/** A TelegramClient whose DC lookups answer the emulator's addresses, never asking `help.getConfig`. */
export class EmulatorTelegramClient extends TelegramClient {
  constructor(
    readonly emulatorDcs: readonly DcAddress[],
    session: StringSession,
    apiId: number,
    apiHash: string,
    params: TelegramClientParams,
  ) {
    super(session, apiId, apiHash, params)
  }

  override async getDC(dcId: number): Promise<{ id: number; ipAddress: string; port: number }> {
    const dc = this.emulatorDcs.find((d) => d.id === dcId)
    if (dc === undefined) throw new Error(`Cannot find the DC with the ID of ${dcId}`)
    return { id: dc.id, ipAddress: dc.host, port: sessionPort(dc) }
  }
}

/** Options of {@link createEmulatorClient}: GramJS's own client params, plus the session to resume. */
export interface EmulatorClientOptions extends TelegramClientParams {
  /** A session to resume (string or StringSession). Default: a fresh session pointed at the home DC. */
  readonly session?: StringSession | string
  /** GramJS transport class to use. Default `ConnectionTCPFull` (GramJS's default). */
  readonly connection?: ConnectionClass
}

/**
 * Creates (does not connect) a GramJS client for the emulator described by `connection`: trusts its key, and
 * points a fresh session at the home DC.
 */
export function createEmulatorClient(
  connection: EmulatorConnection,
  options: EmulatorClientOptions = {},
): EmulatorTelegramClient {
  trustEmulatorKey(connection)
  const { session: given, connection: transport, ...params } = options
  const session = given instanceof StringSession ? given : new StringSession(given ?? '')
  if (session.dcId === undefined || session.dcId === 0 || session.authKey === undefined) {
    const home = connection.dcs.find((d) => d.id === connection.homeDcId)
    if (home === undefined) throw new Error(`the emulator's home DC ${connection.homeDcId} is not in its DC list`)
    session.setDC(home.id, home.host, sessionPort(home))
  }
  return new EmulatorTelegramClient(connection.dcs, session, connection.apiId, connection.apiHash, {
    ...params,
    connection: emulatorConnectionClass(transport ?? ConnectionTCPFull, connection.dcs),
  })
}

/**
 * Logs `client` in as `account` (default: the connection file's test account) with its phone, login code and,
 * when set, 2FA password, unless already authorized. Throws the first auth error instead of prompting again.
 */
export async function loginToEmulator(
  client: TelegramClient,
  connection: EmulatorConnection,
  account: EmulatorAccount = connection.testAccount,
): Promise<void> {
  await connectClient(client)
  if (await isAuthorized(client)) return
  let failure: Error | undefined
  // GramJS's start() reports an auth error to onError and, when told to stop, throws its own generic
  // error; the RPC error that caused it is the one worth throwing.
  const started = client.start({
    phoneNumber: account.phone,
    phoneCode: async () => account.code,
    password: async () => {
      if (account.password === undefined) throw new Error(`account ${account.phone} has no 2FA password`)
      return account.password
    },
    onError: async (err: Error) => {
      failure = err
      return true // stop: never loop on a wrong code or password
    },
  })
  try {
    await started
  } catch (e) {
    throw failure ?? e
  }
  if (failure !== undefined) throw failure
}
