/**
 * An independent client: mtcute (`@mtcute/node`, unmodified, from npm), configured only with the emulator's address
 * (`defaultDcs`), its RSA key (`addPublicKey`) and `MemoryStorage`, as a new user would.
 *
 * mtcute declares a newer layer than GramJS; the emulator answers it in that layer (docs/emulator.md).
 *
 * The test's RSA key never has a fingerprint below 2^60: mtcute indexes an added key by its fingerprint in 16 hex
 * digits (`hex.encode`, zero-padded) but looks the server's fingerprints up with `Long#toString(16)`, unpadded
 * (`findKeyByFingerprints` in @mtcute/core `utils/crypto/keys.js`), so one random key in 16 is never found
 * ("Step 2: Could not find server public key") and the client reconnects forever. The two keys Telegram serves
 * (fingerprints b25898df208d2603 and d09d1d85de64fd85, the ones mtcute ships as current) start with another digit,
 * which is why deployed clients do not meet it.
 */
import { BaseTelegramClient, MemoryStorage, TelegramClient } from '@mtcute/node'
import { addPublicKey } from '@mtcute/core/utils.js'
import { generateRsaKeyPair, rsaFingerprint, type RsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js'

/** A key whose unsigned fingerprint has 16 hex digits (see above). */
function keyMtcuteCanFind(): RsaKeyPair {
  for (;;) {
    const key = generateRsaKeyPair()
    if (BigInt.asUintN(64, rsaFingerprint(key.n, key.e)) >= 1n << 60n) return key
  }
}

const rsaKey = keyMtcuteCanFind()

describe('mtcute against the emulator', () => {
  let emu: RunningEmulator
  let tg: TelegramClient

  beforeAll(async () => {
    emu = await startEmulator({ seed: 1, users: 3, rsaKey })
    const home = emu.connection.dcs.find((d) => d.id === emu.connection.homeDcId)!
    const dc = { id: home.id, ipAddress: home.host, port: home.port }
    const base = new BaseTelegramClient({
      apiId: emu.connection.apiId,
      apiHash: emu.connection.apiHash,
      storage: new MemoryStorage(),
      defaultDcs: { main: dc, media: dc },
      logLevel: 0,
    })
    addPublicKey(base.mt.crypto, emu.connection.publicKey.pem)
    tg = new TelegramClient({ client: base })
  })

  afterAll(async () => {
    await tg.destroy()
    await emu.close()
  })

  it('makes a key, reads the config and logs in by code in its own layer', async () => {
    await tg.connect()
    const config = await tg.call({ _: 'help.getConfig' })
    expect(config.thisDc).toBe(emu.connection.homeDcId)
    expect(config.dcOptions.map((d) => d.id).sort()).toEqual(emu.connection.dcs.map((d) => d.id).sort())
    const account = emu.connection.testAccount
    const me = await tg.start({ phone: account.phone, code: account.code })
    expect(me.id).toBe(Number(account.userId))
    const stats = emu.stats()
    const protocol = stats.protocol[emu.connection.homeDcId]!
    expect([protocol.badMsgNotifications, protocol.transportErrors]).toEqual([0, 0])
    expect(stats.requestsUnparsed).toEqual({})
    // start() first asks whether the key is logged in: those probes are the only errors
    expect(Object.keys(stats.rpcErrors)).toEqual(['AUTH_KEY_UNREGISTERED'])
  })
})
