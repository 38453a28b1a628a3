import { Api } from 'telegram'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import type { EmulatorConnection } from '../../../src/emulator/connection.js'
import { RpcError, type CallContext, type RpcAnswer, type RpcApp, type TlRequest } from '../../../src/emulator/rpc.js'
import type { DcServers } from '../../../src/emulator/server.js'

/** A logger that prints nothing. */
export const silent = (): Logger => new Logger(LogLevel.NONE)

/** A tiny app: help.getConfig, help.getNearestDc, a large answer, and RpcError for everything else. */
export class TestApp implements RpcApp {
  readonly calls: string[] = []

  async call(request: TlRequest, ctx: CallContext): Promise<RpcAnswer> {
    this.calls.push(request.className)
    switch (request.className) {
      case 'help.GetConfig':
        return new Api.Config({
          date: Math.floor(Date.now() / 1000),
          expires: Math.floor(Date.now() / 1000) + 3600,
          testMode: false,
          thisDc: ctx.dcId,
          dcOptions: ctx.dcs.map((d) => new Api.DcOption({ id: d.id, ipAddress: d.host, port: d.port })),
          dcTxtDomainName: 'localhost',
          chatSizeMax: 200,
          megagroupSizeMax: 200000,
          forwardedCountMax: 100,
          onlineUpdatePeriodMs: 210000,
          offlineBlurTimeoutMs: 5000,
          offlineIdleTimeoutMs: 30000,
          onlineCloudTimeoutMs: 300000,
          notifyCloudDelayMs: 30000,
          notifyDefaultDelayMs: 1500,
          pushChatPeriodMs: 60000,
          pushChatLimit: 2,
          editTimeLimit: 172800,
          revokeTimeLimit: 2147483647,
          revokePmTimeLimit: 2147483647,
          ratingEDecay: 2419200,
          stickersRecentLimit: 200,
          channelsReadMediaPeriod: 604800,
          callReceiveTimeoutMs: 20000,
          callRingTimeoutMs: 90000,
          callConnectTimeoutMs: 30000,
          callPacketTimeoutMs: 10000,
          meUrlPrefix: 'https://t.me/',
          captionLengthMax: 1024,
          messageLengthMax: 4096,
          webfileDcId: 4,
        })
      case 'help.GetNearestDc':
        return new Api.NearestDc({ country: 'NL', thisDc: ctx.dcId, nearestDc: ctx.dcId })
      case 'help.GetCountriesList':
        // a large answer, to exercise gzip_packed
        return new Api.help.CountriesList({
          hash: 7,
          countries: Array.from({ length: 300 }, (_, i) =>
            new Api.help.Country({ iso2: `C${i}`, defaultName: `Country number ${i}`, countryCodes: [] }),
          ),
        })
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
