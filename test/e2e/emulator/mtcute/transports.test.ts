/**
 * mtcute's key exchange and first request on each transport it offers over TCP, against the emulator.
 */
import type { TelegramClient } from '@mtcute/node'
import { startEmulator, type RunningEmulator } from '../../../../src/emulator/index.js'
import { MTCUTE_TRANSPORTS, keyMtcuteCanFind, mtcuteClient } from './helpers.js'

const rsaKey = keyMtcuteCanFind()

describe('mtcute transports', () => {
  let emu: RunningEmulator
  const clients: TelegramClient[] = []

  beforeAll(async () => {
    emu = await startEmulator({ seed: 1, users: 3, rsaKey })
  })

  afterAll(async () => {
    for (const tg of clients) await tg.destroy()
    await emu.close()
  })

  it.each(Object.keys(MTCUTE_TRANSPORTS))('makes a key over %s and reads the config', async (name) => {
    const transport = MTCUTE_TRANSPORTS[name]!()
    const tg = mtcuteClient(emu, { transport })
    clients.push(tg)
    const home = emu.connection.homeDcId
    const before = emu.stats().protocol[home]!
    await tg.connect()
    const config = await tg.call({ _: 'help.getConfig' })
    expect(config.thisDc).toBe(home)
    expect(config.dcOptions.map((d) => d.id).sort()).toEqual(emu.connection.dcs.map((d) => d.id).sort())
    const after = emu.stats().protocol[home]!
    expect(after.handshakes - before.handshakes).toBe(1)
    expect([after.badMsgNotifications, after.transportErrors]).toEqual([0, 0])
    expect(emu.stats().requestsUnparsed).toEqual({})
  })
})
