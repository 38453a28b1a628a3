import { Api } from 'telegram'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import type { EmulatorConnection } from '../../../src/spec/emulator-connection.js'
import { RpcError, methodKey, type CallContext, type RpcAnswer, type RpcApp, type TlRequest } from '../../../src/emulator/rpc.js'
import { fromGramJs } from '../../helpers/gramjs-tl.js'
import type { DcServers } from '../../../src/emulator/server.js'
import { configObject } from '../../../src/emulator/app/objects.js'
import { lastConnectError } from '../../../src/gramjs/fixes/reconnect.js'

/** A logger that prints nothing. */
export const silent = (): Logger => new Logger(LogLevel.NONE)

/** A tiny app: help.getConfig, help.getNearestDc, a large answer, and RpcError for everything else. */
export class TestApp implements RpcApp {
  readonly calls: string[] = []

  async call(request: TlRequest, ctx: CallContext): Promise<RpcAnswer> {
    const method = methodKey(request._)
    this.calls.push(method)
    switch (method) {
      case 'help.GetConfig':
        return configObject(ctx.dcId, ctx.dcs, Math.floor(Date.now() / 1000))
      case 'help.GetNearestDc':
        return fromGramJs(new Api.NearestDc({ country: 'NL', thisDc: ctx.dcId, nearestDc: ctx.dcId }))
      case 'help.GetCountriesList':
        // a large answer, to exercise gzip_packed
        return fromGramJs(
          new Api.help.CountriesList({
            hash: 7,
            countries: Array.from({ length: 300 }, (_, i) =>
              new Api.help.Country({ iso2: `C${i}`, defaultName: `Country number ${i}`, countryCodes: [] }),
            ),
          }),
        )
      default:
        throw new RpcError(400, 'METHOD_NOT_EMULATED')
    }
  }
}

/** A connection file for DC servers started in a test. */
export function connectionFor(servers: DcServers, homeDcId = 2): EmulatorConnection {
  const account = { userId: 1, phone: '9996621234', code: '22222', firstName: 'Test' }
  return {
    version: 1,
    dcs: servers.dcs,
    homeDcId,
    publicKey: servers.publicKey,
    apiId: 17349,
    apiHash: '344583e45741c457fe1862106095a5eb',
    testAccount: account,
    accounts: [account],
  }
}

/**
 * Connects `client` (GramJS's `connect()`, which answers `false` rather than throwing when every attempt fails) and
 * fails with the failed attempt's own error, so that a test shows why it could not connect.
 */
export async function connectOrThrow(client: { connect(): Promise<boolean> }): Promise<void> {
  if (await client.connect()) return
  const cause = lastConnectError(client)
  throw new Error(`connect() failed: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`)
}
