/**
 * The counters see what the protocol layer answers by itself: requests that do not parse, by constructor id, and
 * every error answer by name (`INPUT_METHOD_INVALID_X`, `INPUT_CONSTRUCTOR_INVALID`, `AUTH_KEY_PERM_EMPTY`, …).
 */
import bigInt from 'big-integer'
import { Api } from 'telegram'
import { generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js'
import { RawClient, encryptFor, openServerPacket, parse, rawHandshake } from '../protocol/raw-client.js'

const rsaKey = generateRsaKeyPair()

describe('emulator counters', () => {
  let emu: RunningEmulator
  const clients: RawClient[] = []

  beforeAll(async () => {
    emu = await startEmulator({ seed: 1, users: 2, rsaKey })
  })

  afterAll(async () => {
    for (const c of clients) c.close()
    await emu.close()
  })

  /** A raw session on the home DC; `call` sends one body and resolves with the error message of its answer. */
  async function session(temp: boolean): Promise<(body: Buffer) => Promise<string>> {
    const home = emu.connection.dcs.find((d) => d.id === emu.connection.homeDcId)!
    const c = await RawClient.open(home.port, 'intermediate')
    clients.push(c)
    const { authKey, salt } = await rawHandshake(c, emu.connection.publicKey, {
      rsa: 'pad',
      ...(temp ? { dc: home.id, expiresIn: 600 } : {}),
    })
    let seq = 1
    return async (body) => {
      const msgId = c.newMsgId()
      c.send(encryptFor(authKey, { salt, sessionId: 5n, msgId, seqNo: seq, body }))
      seq += 2
      for (;;) {
        const p = await c.recv()
        if (p === undefined) throw new Error('closed')
        for (const m of openServerPacket(authKey, p)) {
          if (m.body.readUInt32LE(0) !== 0xf35c6d01 || m.body.readBigInt64LE(4) !== msgId) continue
          const answer = parse(m.body.subarray(12))
          return answer instanceof Api.RpcError ? answer.errorMessage : 'not an error'
        }
      }
    }
  }

  it('counts unparseable requests by constructor and protocol-layer errors by name', async () => {
    emu.resetStats()
    const call = await session(false)
    const unknown = Buffer.from([0x78, 0x56, 0x34, 0x12, 0, 0, 0, 0])
    expect(await call(unknown)).toBe(`INPUT_METHOD_INVALID_${0x12345678}`)
    // a known method whose arguments are cut short, and a gzip_packed that holds no compressed stream
    const cut = new Api.photos.GetUserPhotos({ userId: new Api.InputUserSelf(), offset: 0, maxId: bigInt(0), limit: 1 }).getBytes()
    expect(await call(cut.subarray(0, 8))).toBe('INPUT_CONSTRUCTOR_INVALID')
    const garbage = Buffer.concat([Buffer.from('a1cf7230', 'hex'), Buffer.from([4, 1, 2, 3, 4, 0, 0, 0])])
    expect(await call(garbage)).toBe('INPUT_CONSTRUCTOR_INVALID')
    const stats = emu.stats()
    expect(stats.requestsUnparsed).toEqual({ '0x12345678': 1, '0x91cd32a8': 1, '0x3072cfa1': 1 })
    expect(stats.rpcErrors).toEqual({ INPUT_METHOD_INVALID_X: 1, INPUT_CONSTRUCTOR_INVALID: 2 })
    expect(stats.callsPerMethod).toEqual({})
  })

  it('counts a query refused on an unbound temporary key as a call with its error', async () => {
    emu.resetStats()
    const call = await session(true)
    expect(await call(new Api.help.GetConfig().getBytes())).toBe('AUTH_KEY_PERM_EMPTY')
    const stats = emu.stats()
    expect(stats.callsPerMethod).toEqual({ 'help.GetConfig': 1 })
    expect(stats.rpcErrors).toEqual({ AUTH_KEY_PERM_EMPTY: 1 })
  })
})
