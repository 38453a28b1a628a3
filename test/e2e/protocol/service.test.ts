import bigInt from 'big-integer'
import { gzipSync } from 'node:zlib'
import { Api } from 'telegram'
import { createEmulatorClient, type EmulatorTelegramClient } from '../../../src/client/emulator.js'
import { generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import type { CallContext, RpcAnswer, TlRequest } from '../../../src/emulator/rpc.js'
import { startDcServers, type DcServers } from '../../../src/emulator/server.js'
import { TestApp, connectOrThrow, connectionFor, silent } from './helpers.js'
import { RawClient, encryptFor, openServerPacket, parse, rawHandshake, type RawMessage } from './raw-client.js'

const rsaKey = generateRsaKeyPair()

/** TestApp whose help.getAppConfig waits until released. */
class GatedApp extends TestApp {
  release: () => void = () => undefined
  private readonly gate = new Promise<void>((r) => (this.release = r))

  override async call(request: TlRequest, ctx: CallContext): Promise<RpcAnswer> {
    if (request._ === 'help.getAppConfig') {
      await this.gate
      return { _: 'help.appConfigNotModified' }
    }
    return super.call(request, ctx)
  }
}

function tlBytes(data: Buffer): Buffer {
  const head = data.length < 254 ? Buffer.from([data.length]) : Buffer.from([254, data.length & 0xff, (data.length >> 8) & 0xff, data.length >> 16])
  const total = head.length + data.length
  return Buffer.concat([head, data, Buffer.alloc((4 - (total % 4)) % 4)])
}

describe('service messages', () => {
  let servers: DcServers
  let app: GatedApp
  const clients: RawClient[] = []
  let gram: EmulatorTelegramClient | undefined

  beforeEach(async () => {
    app = new GatedApp()
    servers = await startDcServers({ dcIds: [2], app, rsaKey })
  })

  afterEach(async () => {
    app.release()
    await gram?.destroy()
    gram = undefined
    for (const c of clients.splice(0)) c.close()
    await servers.close()
  })

  async function session(): Promise<{
    c: RawClient
    send: (body: Buffer, seqNo?: number, msgId?: bigint) => bigint
    until: (done: (objs: unknown[], msgs: RawMessage[]) => boolean) => Promise<unknown[]>
  }> {
    const c = await RawClient.open(servers.dcs[0]!.port, 'intermediate')
    clients.push(c)
    const { authKey, salt } = await rawHandshake(c, servers.publicKey, { rsa: 'pad' })
    let seq = 1
    const send = (body: Buffer, seqNo?: number, msgId = c.newMsgId()): bigint => {
      c.send(encryptFor(authKey, { salt, sessionId: 42n, msgId, seqNo: seqNo ?? seq, body }))
      if (seqNo === undefined) seq += 2
      return msgId
    }
    const until = async (done: (objs: unknown[], msgs: RawMessage[]) => boolean): Promise<unknown[]> => {
      const msgs: RawMessage[] = []
      const objs: unknown[] = []
      while (!done(objs, msgs)) {
        const p = await c.recv()
        if (p === undefined) throw new Error('closed')
        for (const m of openServerPacket(authKey, p)) {
          msgs.push(m)
          const ctor = m.body.readUInt32LE(0)
          if (ctor === 0xf35c6d01) objs.push({ rpcResult: m.body.readBigInt64LE(4), body: m.body.subarray(12) })
          else if (ctor === 0xae500895) objs.push({ futureSalts: true })
          else objs.push(parse(m.body))
        }
      }
      return objs
    }
    return { c, send, until }
  }

  it('answers get_future_salts with consecutive salts (bare vector of bare future_salt), the first current', async () => {
    const s = await session()
    const id = s.send(new Api.GetFutureSalts({ num: 3 }).getBytes())
    let body: Buffer | undefined
    await s.until((_o, msgs) => {
      body = msgs.find((m) => m.body.readUInt32LE(0) === 0xae500895)?.body
      return body !== undefined
    })
    expect(body!.readBigInt64LE(4)).toBe(id)
    const now = body!.readInt32LE(12)
    expect(body!.readUInt32LE(16)).toBe(3)
    const salt = (i: number): { since: number; until: number } => ({
      since: body!.readInt32LE(20 + 16 * i),
      until: body!.readInt32LE(24 + 16 * i),
    })
    expect(body!.length).toBe(20 + 3 * 16)
    expect(salt(1).since).toBe(salt(0).until)
    expect(salt(2).since).toBe(salt(1).until)
    expect(salt(0).since <= now && now < salt(0).until).toBe(true)
  })

  it('answers msgs_state_req: received, not received, and too far in the future', async () => {
    const s = await session()
    const pinged = s.send(new Api.Ping({ pingId: bigInt(1) }).getBytes())
    await s.until((o) => o.some((x) => x instanceof Api.Pong))
    const unknown = s.c.newMsgId() - 8n
    const future = s.c.newMsgId() + (100n << 32n)
    s.send(new Api.MsgsStateReq({ msgIds: [bigInt(pinged), bigInt(unknown), bigInt(future)] }).getBytes())
    const objs = await s.until((o) => o.some((x) => x instanceof Api.MsgsStateInfo))
    const info = objs.find((x): x is Api.MsgsStateInfo => x instanceof Api.MsgsStateInfo)!
    expect([...Buffer.from(info.info, 'latin1')]).toEqual([4, 2, 3])
  })

  it('unpacks an inbound gzip_packed query and an inbound container', async () => {
    const s = await session()
    const packed = Buffer.concat([Buffer.from('a1cf7230', 'hex'), tlBytes(gzipSync(new Api.Ping({ pingId: bigInt(5) }).getBytes()))])
    s.send(packed)
    const p1 = s.c.newMsgId()
    const p2 = s.c.newMsgId()
    const inner = (id: bigint, seq: number, body: Buffer): Buffer => {
      const h = Buffer.alloc(16)
      h.writeBigInt64LE(id, 0)
      h.writeInt32LE(seq, 8)
      h.writeUInt32LE(body.length, 12)
      return Buffer.concat([h, body])
    }
    const count = Buffer.alloc(4)
    count.writeUInt32LE(2)
    const container = Buffer.concat([
      Buffer.from('dcf8f173', 'hex'),
      count,
      inner(p1, 3, new Api.Ping({ pingId: bigInt(6) }).getBytes()),
      inner(p2, 5, new Api.Ping({ pingId: bigInt(7) }).getBytes()),
    ])
    s.send(container, 6)
    const objs = await s.until((o) => o.filter((x) => x instanceof Api.Pong).length === 3)
    const pongs = objs.filter((x): x is Api.Pong => x instanceof Api.Pong).map((p) => p.pingId.toJSNumber())
    expect(pongs.sort()).toEqual([5, 6, 7])
    const acks = objs.filter((x): x is Api.MsgsAck => x instanceof Api.MsgsAck).flatMap((a) => a.msgIds.map(String))
    expect(acks).toEqual(expect.arrayContaining([p1.toString(), p2.toString()]))
  })

  it('answers destroy_session for an unknown session with destroy_session_none', async () => {
    const s = await session()
    const id = s.send(new Api.DestroySession({ sessionId: bigInt(12345) }).getBytes())
    const objs = await s.until((o) => o.some((x) => x instanceof Api.DestroySessionNone))
    expect(objs.some((x) => (x as { rpcResult?: bigint }).rpcResult === id)).toBe(false)
  })

  it('closes the connection after ping_delay_disconnect when no further ping arrives', async () => {
    const s = await session()
    s.send(new Api.PingDelayDisconnect({ pingId: bigInt(9), disconnectDelay: 1 }).getBytes())
    await s.until((o) => o.some((x) => x instanceof Api.Pong))
    expect(await s.c.recv()).toBeUndefined()
  })

  it('holds an invokeAfterMsg query until the message it names has been answered', async () => {
    const s = await session()
    const slow = s.send(new Api.help.GetAppConfig({ hash: 0 }).getBytes())
    const after = s.send(new Api.InvokeAfterMsg({ msgId: bigInt(slow), query: new Api.help.GetNearestDc() }).getBytes())
    s.send(new Api.Ping({ pingId: bigInt(3) }).getBytes())
    const early = await s.until((o) => o.some((x) => x instanceof Api.Pong))
    expect(early.filter((x) => (x as { rpcResult?: bigint }).rpcResult !== undefined)).toEqual([])
    app.release()
    const order: bigint[] = []
    await s.until((o) => {
      order.splice(0, order.length, ...o.map((x) => (x as { rpcResult?: bigint }).rpcResult).filter((x): x is bigint => x !== undefined))
      return order.length === 2
    })
    expect(order).toEqual([slow, after])
  })

  it('answers a fast query while a slow one on the same connection is still running', async () => {
    gram = createEmulatorClient(connectionFor(servers), { connectionRetries: 1, autoReconnect: false, baseLogger: silent() })
    await connectOrThrow(gram)
    let slowDone = false
    const slow = gram.invoke(new Api.help.GetAppConfig({ hash: 0 })).then((r) => {
      slowDone = true
      return r
    })
    const fast = await gram.invoke(new Api.help.GetNearestDc())
    expect(fast.thisDc).toBe(2)
    expect(slowDone).toBe(false)
    app.release()
    expect(await slow).toBeInstanceOf(Api.help.AppConfigNotModified)
  })
})

describe('dropRate', () => {
  it('destroys the socket on an incoming encrypted message at rate 1', async () => {
    const servers = await startDcServers({ dcIds: [2], app: new TestApp(), rsaKey, dropRate: 1 })
    const c = await RawClient.open(servers.dcs[0]!.port, 'intermediate')
    try {
      const { authKey, salt } = await rawHandshake(c, servers.publicKey, { rsa: 'pad' })
      c.send(encryptFor(authKey, { salt, sessionId: 1n, msgId: c.newMsgId(), seqNo: 1, body: new Api.Ping({ pingId: bigInt(1) }).getBytes() }))
      expect(await c.recv()).toBeUndefined()
      expect(servers.counters()[2]!.droppedConnections).toBe(1)
    } finally {
      c.close()
      await servers.close()
    }
  })
})
