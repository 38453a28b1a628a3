/**
 * Telegram's tolerance where deployed clients rely on it (see the header of src/emulator/protocol/session.ts):
 * odd-seq_no acks, zlib-wrapped `gzip_packed`, bare `destroy_session_ok` / `destroy_session_none`.
 */
import bigInt from 'big-integer'
import { deflateSync } from 'node:zlib'
import { Api } from 'telegram'
import { generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startDcServers, type DcServers } from '../../../src/emulator/server.js'
import { TestApp } from './helpers.js'
import { RawClient, encryptFor, openServerPacket, parse, rawHandshake } from './raw-client.js'

const rsaKey = generateRsaKeyPair()

function tlBytes(data: Buffer): Buffer {
  const head = data.length < 254 ? Buffer.from([data.length]) : Buffer.from([254, data.length & 0xff, (data.length >> 8) & 0xff, data.length >> 16])
  const total = head.length + data.length
  return Buffer.concat([head, data, Buffer.alloc((4 - (total % 4)) % 4)])
}

describe('Telegram tolerance', () => {
  let servers: DcServers
  const clients: RawClient[] = []

  beforeEach(async () => {
    servers = await startDcServers({ dcIds: [2], app: new TestApp(), rsaKey })
  })

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close()
    await servers.close()
  })

  /** A raw session; `send` takes an explicit seq_no; `until` collects parsed server messages (rpc_result as raw). */
  async function session(): Promise<{
    c: RawClient
    send: (body: Buffer, seqNo: number, sessionId?: bigint) => bigint
    until: (done: (objs: unknown[]) => boolean) => Promise<unknown[]>
  }> {
    const c = await RawClient.open(servers.dcs[0]!.port, 'intermediate')
    clients.push(c)
    const { authKey, salt } = await rawHandshake(c, servers.publicKey, { rsa: 'pad' })
    const send = (body: Buffer, seqNo: number, sessionId = 77n): bigint => {
      const msgId = c.newMsgId()
      c.send(encryptFor(authKey, { salt, sessionId, msgId, seqNo, body }))
      return msgId
    }
    const objs: unknown[] = []
    const until = async (done: (o: unknown[]) => boolean): Promise<unknown[]> => {
      while (!done(objs)) {
        const p = await c.recv()
        if (p === undefined) throw new Error('closed')
        for (const m of openServerPacket(authKey, p)) {
          const ctor = m.body.readUInt32LE(0)
          objs.push(ctor === 0xf35c6d01 ? { rpcResult: m.body.readBigInt64LE(4), body: m.body.subarray(12) } : parse(m.body))
        }
      }
      return objs
    }
    return { c, send, until }
  }

  it('accepts a msgs_ack with an odd seq_no (as mtcute numbers its acks)', async () => {
    const s = await session()
    s.send(new Api.Ping({ pingId: bigInt(1) }).getBytes(), 1)
    await s.until((o) => o.some((x) => x instanceof Api.Pong))
    s.send(new Api.MsgsAck({ msgIds: [bigInt(s.c.newMsgId() - 4n)] }).getBytes(), 3)
    s.send(new Api.Ping({ pingId: bigInt(2) }).getBytes(), 5)
    const objs = await s.until((o) => o.filter((x) => x instanceof Api.Pong).length === 2)
    expect(objs.filter((x) => x instanceof Api.BadMsgNotification)).toEqual([])
  })

  it('still refuses a container with an odd seq_no (34)', async () => {
    const s = await session()
    const count = Buffer.alloc(4)
    const container = Buffer.concat([Buffer.from('dcf8f173', 'hex'), count])
    const id = s.send(container, 1)
    const objs = await s.until((o) => o.some((x) => x instanceof Api.BadMsgNotification))
    const bad = objs.find((x): x is Api.BadMsgNotification => x instanceof Api.BadMsgNotification)!
    expect([bad.badMsgId.toString(), bad.errorCode]).toEqual([id.toString(), 34])
  })

  it('unpacks a gzip_packed query holding a zlib stream (as mtcute compresses requests)', async () => {
    const s = await session()
    const zlib = deflateSync(new Api.Ping({ pingId: bigInt(5) }).getBytes())
    expect(zlib[0]).toBe(0x78) // a zlib header, not gzip's 1f 8b
    s.send(Buffer.concat([Buffer.from('a1cf7230', 'hex'), tlBytes(zlib)]), 1)
    const objs = await s.until((o) => o.some((x) => x instanceof Api.Pong))
    expect(objs.find((x): x is Api.Pong => x instanceof Api.Pong)!.pingId.toJSNumber()).toBe(5)
  })

  it('answers destroy_session with a bare destroy_session_none / destroy_session_ok', async () => {
    const s = await session()
    s.send(new Api.DestroySession({ sessionId: bigInt(12345) }).getBytes(), 1)
    const none = await s.until((o) => o.some((x) => x instanceof Api.DestroySessionNone))
    expect(none.filter((x) => (x as { rpcResult?: bigint }).rpcResult !== undefined)).toEqual([])
    expect(none.find((x): x is Api.DestroySessionNone => x instanceof Api.DestroySessionNone)!.sessionId.toString()).toBe('12345')

    // a second session of the same key, then destroyed from the first
    s.send(new Api.Ping({ pingId: bigInt(1) }).getBytes(), 1, 78n)
    await s.until((o) => o.some((x) => x instanceof Api.Pong))
    s.send(new Api.DestroySession({ sessionId: bigInt(78) }).getBytes(), 3)
    const objs = await s.until((o) => o.some((x) => x instanceof Api.DestroySessionOk))
    expect(objs.filter((x) => (x as { rpcResult?: bigint }).rpcResult !== undefined)).toEqual([])
    expect(objs.find((x): x is Api.DestroySessionOk => x instanceof Api.DestroySessionOk)!.sessionId.toString()).toBe('78')
  })
})
