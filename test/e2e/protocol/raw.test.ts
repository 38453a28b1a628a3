import bigInt from 'big-integer'
import { randomBytes } from 'node:crypto'
import { Api } from 'telegram'
import { authKeyIdOf as authKeyIdOfKey, generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startDcServers, type DcServers } from '../../../src/emulator/server.js'
import { TestApp } from './helpers.js'
import { RawClient, encryptFor, openServerPacket, parse, rawHandshake, type RawFraming, type RawMessage } from './raw-client.js'

const rsaKey = generateRsaKeyPair()

function ping(id: number): Buffer {
  return new Api.Ping({ pingId: bigInt(id) }).getBytes()
}

describe('the DC server, driven byte by byte', () => {
  let servers: DcServers
  const clients: RawClient[] = []

  beforeEach(async () => {
    servers = await startDcServers({ dcIds: [2, 4], app: new TestApp(), rsaKey })
  })

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close()
    await servers.close()
  })

  async function open(framing: RawFraming, dc = 2): Promise<RawClient> {
    const c = await RawClient.open(servers.dcs.find((d) => d.id === dc)!.port, framing)
    clients.push(c)
    return c
  }

  /** Reads server messages until `done` says so; fails if the connection closes first. */
  async function until(c: RawClient, authKey: Buffer, done: (seen: RawMessage[]) => boolean): Promise<RawMessage[]> {
    const seen: RawMessage[] = []
    while (!done(seen)) {
      const p = await c.recv()
      if (p === undefined) throw new Error(`closed after ${seen.length} messages`)
      if (p.length === 4) throw new Error(`transport error ${p.readInt32LE(0)}`)
      seen.push(...openServerPacket(authKey, p))
    }
    return seen
  }

  const objects = (ms: RawMessage[]): unknown[] => ms.map((m) => parse(m.body))

  it('completes the legacy p_q_inner_data exchange over intermediate and answers ping with pong', async () => {
    const c = await open('intermediate')
    const { authKey, salt } = await rawHandshake(c, servers.publicKey, { rsa: 'legacy' })
    const sessionId = randomBytes(8).readBigInt64LE(0)
    const msgId = c.newMsgId()
    c.send(encryptFor(authKey, { salt, sessionId, msgId, seqNo: 1, body: ping(77) }))
    const got = await until(c, authKey, (s) => objects(s).some((o) => o instanceof Api.Pong))
    const objs = objects(got)
    const created = objs.find((o): o is Api.NewSessionCreated => o instanceof Api.NewSessionCreated)
    expect(created?.firstMsgId.toString()).toBe(msgId.toString())
    expect(created?.serverSalt.toString()).toBe(salt.toString())
    const pongAt = objs.findIndex((o) => o instanceof Api.Pong)
    const pong = objs[pongAt] as Api.Pong
    expect(pong.msgId.toString()).toBe(msgId.toString())
    expect(pong.pingId.toString()).toBe('77')
    expect(got[pongAt]!.msgId % 4n).toBe(1n)
    expect(got.find((m) => parse(m.body) instanceof Api.NewSessionCreated)!.msgId % 4n).toBe(3n)
    const ids = got.map((m) => m.msgId)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('completes the RSA_PAD exchange with p_q_inner_data_dc over padded intermediate and abridged', async () => {
    for (const framing of ['padded', 'abridged'] as const) {
      const c = await open(framing)
      const { authKey } = await rawHandshake(c, servers.publicKey, { rsa: 'pad', dc: 2 })
      expect(servers.authKeys.get(2)!.get(authKeyIdOfKey(authKey))).toBeDefined()
    }
    expect(servers.counters()[2]!.handshakes).toBe(2)
  })

  it('refuses p_q_inner_data_dc naming another DC', async () => {
    const c = await open('intermediate')
    await expect(rawHandshake(c, servers.publicKey, { rsa: 'pad', dc: 4 })).rejects.toThrow('transport error -404')
  })

  it('answers a tampered msg_key with transport error -404 and closes', async () => {
    const c = await open('intermediate')
    const { authKey, salt } = await rawHandshake(c, servers.publicKey, { rsa: 'pad' })
    const packet = encryptFor(authKey, { salt, sessionId: 1n, msgId: c.newMsgId(), seqNo: 1, body: ping(1) })
    packet[9] = packet[9]! ^ 0x01
    c.send(packet)
    const p = await c.recv()
    expect(p?.length).toBe(4)
    expect(p?.readInt32LE(0)).toBe(-404)
    expect(await c.recv()).toBeUndefined()
    expect(servers.counters()[2]!.transportErrors).toBe(1)
  })

  it('does not know an auth key made on DC 2 when it is used on DC 4', async () => {
    const c2 = await open('intermediate', 2)
    const { authKey, salt } = await rawHandshake(c2, servers.publicKey, { rsa: 'pad' })
    const c4 = await open('intermediate', 4)
    c4.send(encryptFor(authKey, { salt, sessionId: 1n, msgId: c4.newMsgId(), seqNo: 1, body: ping(1) }))
    expect((await c4.recv())?.readInt32LE(0)).toBe(-404)
  })

  it('sends bad_msg_notification for a wrong-parity or too old msg_id and bad_server_salt for a wrong salt', async () => {
    const c = await open('intermediate')
    const { authKey, salt } = await rawHandshake(c, servers.publicKey, { rsa: 'pad' })
    const sessionId = 5n
    const odd = c.newMsgId() + 1n
    c.send(encryptFor(authKey, { salt, sessionId, msgId: odd, seqNo: 1, body: ping(1) }))
    let got = await until(c, authKey, (s) => objects(s).some((o) => o instanceof Api.BadMsgNotification))
    const bad = objects(got).find((o): o is Api.BadMsgNotification => o instanceof Api.BadMsgNotification)!
    expect(bad.badMsgId.toString()).toBe(odd.toString())
    expect(bad.errorCode).toBe(18)

    const old = c.newMsgId() - (400n << 32n)
    c.send(encryptFor(authKey, { salt, sessionId, msgId: old, seqNo: 1, body: ping(2) }))
    got = await until(c, authKey, (s) => objects(s).some((o) => o instanceof Api.BadMsgNotification))
    expect((objects(got).find((o) => o instanceof Api.BadMsgNotification) as Api.BadMsgNotification).errorCode).toBe(16)

    const even = c.newMsgId()
    c.send(encryptFor(authKey, { salt, sessionId, msgId: even, seqNo: 2, body: ping(3) }))
    got = await until(c, authKey, (s) => objects(s).some((o) => o instanceof Api.BadMsgNotification))
    expect((objects(got).find((o) => o instanceof Api.BadMsgNotification) as Api.BadMsgNotification).errorCode).toBe(35)

    const wrongSalt = c.newMsgId()
    c.send(encryptFor(authKey, { salt: salt ^ 1n, sessionId, msgId: wrongSalt, seqNo: 1, body: ping(4) }))
    got = await until(c, authKey, (s) => objects(s).some((o) => o instanceof Api.BadServerSalt))
    const bss = objects(got).find((o): o is Api.BadServerSalt => o instanceof Api.BadServerSalt)!
    expect(bss.badMsgId.toString()).toBe(wrongSalt.toString())
    expect(bss.errorCode).toBe(48)
    expect(bss.newServerSalt.toString()).toBe(salt.toString())

    // the refused message, resent with the right salt, is answered
    c.send(encryptFor(authKey, { salt, sessionId, msgId: wrongSalt, seqNo: 1, body: ping(4) }))
    got = await until(c, authKey, (s) => objects(s).some((o) => o instanceof Api.Pong))
    expect((objects(got).find((o) => o instanceof Api.Pong) as Api.Pong).pingId.toString()).toBe('4')
  })

  it('ignores a duplicate msg_id', async () => {
    const c = await open('intermediate')
    const { authKey, salt } = await rawHandshake(c, servers.publicKey, { rsa: 'pad' })
    const first = c.newMsgId()
    c.send(encryptFor(authKey, { salt, sessionId: 9n, msgId: first, seqNo: 1, body: ping(1) }))
    c.send(encryptFor(authKey, { salt, sessionId: 9n, msgId: first, seqNo: 1, body: ping(1) }))
    c.send(encryptFor(authKey, { salt, sessionId: 9n, msgId: c.newMsgId(), seqNo: 3, body: ping(2) }))
    const got = await until(c, authKey, (s) => objects(s).some((o) => o instanceof Api.Pong && o.pingId.eq(2)))
    expect(objects(got).filter((o) => o instanceof Api.Pong && o.pingId.eq(1))).toHaveLength(1)
  })

  it('peels invokeWithLayer/initConnection, and answers an unknown method with rpc_error', async () => {
    const c = await open('intermediate')
    const { authKey, salt } = await rawHandshake(c, servers.publicKey, { rsa: 'pad' })
    const wrapped = new Api.InvokeWithLayer({
      layer: 214,
      query: new Api.InitConnection({
        apiId: 1,
        deviceModel: 'raw',
        systemVersion: '1',
        appVersion: '1',
        systemLangCode: 'en',
        langPack: '',
        langCode: 'en',
        query: new Api.help.GetNearestDc(),
      }),
    }).getBytes()
    const q1 = c.newMsgId()
    c.send(encryptFor(authKey, { salt, sessionId: 3n, msgId: q1, seqNo: 1, body: wrapped }))
    const unknown = Buffer.concat([Buffer.from('78563412', 'hex'), Buffer.alloc(8)])
    const q2 = c.newMsgId()
    c.send(encryptFor(authKey, { salt, sessionId: 3n, msgId: q2, seqNo: 3, body: unknown }))
    const results = new Map<bigint, Buffer>()
    await until(c, authKey, (s) => {
      for (const m of s) {
        if (m.body.readUInt32LE(0) === 0xf35c6d01) results.set(m.body.readBigInt64LE(4), m.body.subarray(12))
      }
      return results.size === 2
    })
    const nearest = parse(results.get(q1)!)
    expect(nearest).toBeInstanceOf(Api.NearestDc)
    const err = results.get(q2)!
    expect(err.readUInt32LE(0)).toBe(0x2144ca19)
    expect(err.readInt32LE(4)).toBe(400)
    expect(err.subarray(9, 9 + err[8]!).toString()).toBe(`INPUT_METHOD_INVALID_${0x12345678}`)
    const state = servers.authKeys.get(2)!.get(authKeyIdOfKey(authKey))!.state
    expect(state.connection).toEqual({ apiId: 1, layer: 214 })
  })
})
