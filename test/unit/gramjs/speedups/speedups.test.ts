import { createRequire } from 'node:module'
import { randomBytes } from 'node:crypto'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import 'telegram'
import { Api } from 'telegram'
import bigInt from 'big-integer'
import { installSpeedups } from '../../../../src/gramjs/speedups/index.js'
import { decryptIgeInPlace } from '../../../../src/gramjs/speedups/ige.js'
import { packetMemory } from '../../../../src/gramjs/speedups/packet-memory.js'
import { authKeyIdOf, encryptMessage } from '../../../../src/emulator/protocol/crypto.js'
import { within } from '../../../helpers/within.js'

const require = createRequire(import.meta.url)
const Helpers = require('telegram/Helpers.js') as { convertToLittle: (w: Uint32Array) => Buffer; crc32: (b: Buffer) => number }
type IgeClass = new (key: Buffer, iv: Buffer) => { encryptIge(b: Buffer): Buffer; decryptIge(b: Buffer): Buffer }
// Read at call time, like GramJS's MTProtoState does: installSpeedups replaces the module's class.
const igeModule = require('telegram/crypto/IGE.js') as { IGE: IgeClass }
const StockIge = igeModule.IGE
const { FullPacketCodec } = require('telegram/network/connection/TCPFull.js') as {
  FullPacketCodec: new (c: unknown) => { encodePacket(b: Buffer): Buffer; readPacket(r: { readExactly(n: number): Promise<Buffer> }): Promise<Buffer> }
}

interface NetReader {
  connect(port: number, ip: string): Promise<unknown>
  read(n: number): Promise<Buffer>
  readExactly(n: number): Promise<Buffer>
  close(): Promise<void>
}
const { PromisedNetSockets } = require('telegram/extensions/PromisedNetSockets.js') as { PromisedNetSockets: new () => NetReader }

interface TlMessage {
  msgId: { toString(): string }
  seqNo: number
  obj: { getBytes(): Buffer }
}
interface State {
  decryptMessageData(body: Buffer): Promise<TlMessage>
}
const { MTProtoState } = require('telegram/network/MTProtoState.js') as {
  MTProtoState: { new (authKey: unknown, loggers: unknown): State; prototype: State }
}
const stockDecrypt = MTProtoState.prototype.decryptMessageData
const { AuthKey } = require('telegram/crypto/AuthKey.js') as { AuthKey: new () => { setKey(b: Buffer): Promise<void> } }

/** A server → client MTProto 2.0 message (x = 8) carrying `obj`, as the emulator encrypts it. */
function serverMessage(authKey: Buffer, msgId: bigint, obj: { getBytes(): Buffer }): Buffer {
  const body = obj.getBytes()
  const head = Buffer.alloc(32)
  head.writeBigUInt64LE(0x1122334455667788n, 0) // salt
  head.writeBigUInt64LE(0x0102030405060708n, 8) // session id
  head.writeBigUInt64LE(msgId, 16)
  head.writeInt32LE(3, 24)
  head.writeInt32LE(body.length, 28)
  return encryptMessage(authKey, authKeyIdOf(authKey), Buffer.concat([head, body]), 8)
}

function reader(bytes: Buffer): { readExactly(n: number): Promise<Buffer> } {
  let at = 0
  return {
    readExactly: async (n) => {
      const out = bytes.subarray(at, at + n)
      at += n
      return out
    },
  }
}

describe('GramJS speedups', () => {
  const key = randomBytes(32)
  const iv = randomBytes(32)
  const plain = randomBytes(64 * 1024)
  const words = new Uint32Array([0x01020304, 0xa0b0c0d0, 0])
  const stockLittle = Helpers.convertToLittle(words.slice())
  const stockCipher = new StockIge(key, iv).encryptIge(plain)
  const bigPlain = randomBytes(1024 * 1024 + 16 * 7)
  const bigCipher = new StockIge(key, iv).encryptIge(bigPlain)
  const stockPacket = new FullPacketCodec(undefined).encodePacket(plain)
  const stockCrc = Helpers.crc32(plain)

  // A socket a client connected before the archiver installed the speedups (the CLI logs in first).
  const earlyPayload = randomBytes(256 * 1024)
  let earlyServer: ReturnType<typeof createServer> | undefined
  let earlySocket: NetReader | undefined
  let connectingSocket: NetReader | undefined
  // The server's sides of earlySocket and connectingSocket, in that order.
  const earlyPeers: Socket[] = []

  beforeAll(async () => {
    earlyServer = createServer((socket) => {
      earlyPeers.push(socket)
    })
    await new Promise<void>((r) => earlyServer!.listen(0, '127.0.0.1', r))
    earlySocket = new PromisedNetSockets()
    await earlySocket.connect((earlyServer.address() as AddressInfo).port, '127.0.0.1')
    // One more still connecting: GramJS looks up `receive` only once the TCP connection is made, after the install.
    connectingSocket = new PromisedNetSockets()
    const connecting = connectingSocket.connect((earlyServer.address() as AddressInfo).port, '127.0.0.1')
    installSpeedups()
    await connecting
  })

  afterAll(async () => {
    for (const peer of earlyPeers) peer.destroy()
    await earlySocket?.close()
    await connectingSocket?.close()
    await new Promise((r) => earlyServer?.close(r))
  })

  it('a socket connected before the speedups were installed still reads what arrives', async () => {
    const reading = earlySocket!.readExactly(earlyPayload.length)
    earlyPeers[0]!.write(earlyPayload.subarray(0, 1000))
    await new Promise((r) => setTimeout(r, 5))
    earlyPeers[0]!.write(earlyPayload.subarray(1000))
    expect((await within(reading, 5000, Buffer.alloc(0))).equals(earlyPayload)).toBe(true)
  })

  it('a socket still connecting when the speedups were installed reads what arrives', async () => {
    while (earlyPeers.length < 2) await new Promise((r) => setTimeout(r, 5))
    const reading = connectingSocket!.readExactly(earlyPayload.length)
    earlyPeers[1]!.write(earlyPayload)
    expect((await within(reading, 5000, Buffer.alloc(0))).equals(earlyPayload)).toBe(true)
  })

  it('a read waiting on a connection ends when the same socket object connects again, and gets none of its bytes', async () => {
    const peers: Socket[] = []
    const server = createServer((socket) => void peers.push(socket))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as AddressInfo).port
    const sock = new PromisedNetSockets()
    await sock.connect(port, '127.0.0.1')
    const stale = expect(sock.readExactly(10)).rejects.toThrow('NetSocket was closed')
    await sock.connect(port, '127.0.0.1')
    await stale
    while (peers.length < 2) await new Promise((r) => setTimeout(r, 5))
    peers[0]!.write('old bytes!')
    await new Promise((r) => setTimeout(r, 20))
    peers[1]!.write('new bytes!')
    expect((await sock.readExactly(10)).toString()).toBe('new bytes!')
    for (const p of peers) p.destroy()
    await sock.close()
    await new Promise((r) => server.close(r))
  })

  it('TCPFull refuses a packet length shorter than its framing or beyond 16 MiB before reading the body', async () => {
    const codec = new FullPacketCodec(undefined)
    for (const length of [5, 11, 0x7fffffff]) {
      const head = Buffer.alloc(8)
      head.writeInt32LE(length, 0)
      await expect(codec.readPacket(reader(head))).rejects.toThrow(`TCPFull: packet length ${length} out of range`)
    }
  })

  it('decrypts AES-IGE in WebAssembly to exactly what GramJS decrypts, and encrypts as GramJS does', () => {
    const IGE = igeModule.IGE
    expect(IGE).not.toBe(StockIge)
    expect(new IGE(key, iv).decryptIge(bigCipher).equals(bigPlain)).toBe(true)
    expect(new IGE(key, iv).decryptIge(bigCipher).equals(new StockIge(key, iv).decryptIge(bigCipher))).toBe(true)
    expect(new IGE(key, iv).encryptIge(bigPlain).equals(bigCipher)).toBe(true)
    // A wrong key gives garbage, not the plaintext (the msg_key check after it is what rejects such a message).
    expect(new IGE(randomBytes(32), iv).decryptIge(bigCipher).equals(bigPlain)).toBe(false)
  })

  it('decrypts AES-IGE over the given bytes, leaving the bytes around them alone', () => {
    const packet = Buffer.concat([Buffer.from('head'), bigCipher, Buffer.from('tail')])
    const view = packet.subarray(4, 4 + bigCipher.length)
    expect(decryptIgeInPlace(view, key, iv)).toBe(view)
    expect(view.equals(bigPlain)).toBe(true)
    expect(packet.subarray(0, 4).toString()).toBe('head')
    expect(packet.subarray(4 + bigCipher.length).toString()).toBe('tail')
  })

  it('convertToLittle gives the same big-endian bytes as GramJS, and IGE still round-trips', () => {
    const IGE = igeModule.IGE
    expect(Helpers.convertToLittle(words.slice())).toEqual(stockLittle)
    expect(Buffer.from(Helpers.convertToLittle(words.slice()))).toEqual(Buffer.from([1, 2, 3, 4, 0xa0, 0xb0, 0xc0, 0xd0, 0, 0, 0, 0]))
    expect(new IGE(key, iv).encryptIge(plain)).toEqual(stockCipher)
    const first = new IGE(key, iv).decryptIge(stockCipher)
    const other = new IGE(key, iv).decryptIge(new IGE(key, iv).encryptIge(randomBytes(1024)))
    expect(other).toHaveLength(1024)
    expect(first.equals(plain)).toBe(true) // not overwritten by the later decryption
    expect(Helpers.crc32(plain)).toBe(stockCrc)
  })

  it('TCPFull frames exactly like GramJS, reads its own packets back, and refuses a wrong checksum', async () => {
    const codec = new FullPacketCodec(undefined)
    const packet = codec.encodePacket(plain)
    expect(packet.equals(stockPacket)).toBe(true)
    expect((await codec.readPacket(reader(packet))).equals(plain)).toBe(true)
    const bad = Buffer.from(packet)
    bad[20] = bad[20]! ^ 1
    await expect(codec.readPacket(reader(bad))).rejects.toThrow(/checksum/i)
  })

  it('reads exact lengths across and within socket chunks, partial reads up to the length, and fails once closed', async () => {
    const payload = randomBytes(3 * 1024 * 1024 + 5)
    let peer: Socket | undefined
    const server = createServer((socket) => {
      peer = socket
      // Uneven chunks, some spanning the reads' boundaries, written with pauses so reads wait for data.
      void (async () => {
        let at = 0
        let step = 1
        while (at < payload.length) {
          const n = Math.min(payload.length - at, (step * 7919) % 70_000 + 1)
          socket.write(payload.subarray(at, at + n))
          at += n
          step += 1
          if (step % 16 === 0) await new Promise((r) => setTimeout(r, 1))
        }
      })()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const sock = new PromisedNetSockets()
    await sock.connect((server.address() as AddressInfo).port, '127.0.0.1')
    const parts: Buffer[] = []
    parts.push(await sock.readExactly(3))
    parts.push(await sock.readExactly(1024 * 1024))
    parts.push(await sock.readExactly(1))
    const partial = await sock.read(64)
    expect(partial.length).toBeGreaterThan(0)
    expect(partial.length).toBeLessThanOrEqual(64)
    parts.push(partial)
    const readSoFar = parts.reduce((n, p) => n + p.length, 0)
    parts.push(await sock.readExactly(payload.length - readSoFar))
    expect(Buffer.concat(parts).equals(payload)).toBe(true)
    const pending = sock.readExactly(10)
    peer?.destroy()
    await sock.close()
    await expect(pending).rejects.toThrow('NetSocket was closed')
    await expect(sock.readExactly(10)).rejects.toThrow('NetSocket was closed')
    await new Promise((r) => server.close(r))
  })

  it('receives file-part-sized reads into pooled memory, which a released part hands to the next one', async () => {
    const payloads = [randomBytes(600_000), randomBytes(700_000), randomBytes(650_000)]
    const server = createServer((socket) => {
      for (const p of payloads) socket.write(p)
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const sock = new PromisedNetSockets()
    await sock.connect((server.address() as AddressInfo).port, '127.0.0.1')
    const before = { ...packetMemory.stats }
    const memories = new Set<ArrayBufferLike>()
    for (const p of payloads) {
      const got = await sock.readExactly(p.length)
      expect(got.equals(p)).toBe(true)
      memories.add(got.buffer)
      // What decryptMessageData does for a lone rpc_result, then what the archiver does once the part is written.
      packetMemory.markSingleAnswer(got)
      expect(packetMemory.release(got.subarray(100))).toBe(true)
    }
    expect(memories.size).toBe(1)
    expect(packetMemory.stats.allocated - before.allocated).toBe(1)
    expect(packetMemory.stats.reused - before.reused).toBe(2)
    await sock.close()
    await new Promise((r) => server.close(r))
  })

  it('marks a decrypted lone rpc_result as a single answer, and nothing else', async () => {
    const rawKey = randomBytes(256)
    const authKey = new AuthKey()
    await authKey.setKey(rawKey)
    const state = new MTProtoState(authKey, undefined)
    const file = new Api.upload.File({ type: new Api.storage.FilePartial(), mtime: 1_700_000_000, bytes: randomBytes(200_000) })
    const rpcResult = {
      getBytes: () => {
        const head = Buffer.alloc(12)
        head.writeUInt32LE(0xf35c6d01, 0)
        head.writeBigUInt64LE(77n << 2n, 4)
        return Buffer.concat([head, file.getBytes()])
      },
    }
    const pooled = (wire: Buffer): Buffer => {
      const packet = packetMemory.packet(wire.length)
      wire.copy(packet)
      return packet
    }
    const lone = pooled(serverMessage(rawKey, (1_700_000_000n << 32n) | 8n, rpcResult))
    await state.decryptMessageData(lone)
    expect(packetMemory.holdsSingleAnswer(lone)).toBe(true)
    const bare = pooled(serverMessage(rawKey, (1_700_000_000n << 32n) | 12n, file))
    await state.decryptMessageData(bare)
    expect(packetMemory.holdsSingleAnswer(bare)).toBe(false)
    // A container: one answer and acknowledgements (numbers only) is still one answer; two answers are not.
    const ack = new Api.MsgsAck({ msgIds: [bigInt(5), bigInt(9)] })
    const container = (...objs: { getBytes(): Buffer }[]) => ({
      getBytes: () => {
        const parts: Buffer[] = [Buffer.alloc(8)]
        parts[0]!.writeUInt32LE(0x73f1f8dc, 0)
        parts[0]!.writeUInt32LE(objs.length, 4)
        objs.forEach((o, i) => {
          const body = o.getBytes()
          const head = Buffer.alloc(16)
          head.writeBigUInt64LE(((1_700_000_000n << 32n) | 100n) + BigInt(i * 4), 0)
          head.writeInt32LE(1, 8)
          head.writeInt32LE(body.length, 12)
          parts.push(head, body)
        })
        return Buffer.concat(parts)
      },
    })
    const withAck = pooled(serverMessage(rawKey, (1_700_000_000n << 32n) | 16n, container(ack, rpcResult)))
    await state.decryptMessageData(withAck)
    expect(packetMemory.holdsSingleAnswer(withAck)).toBe(true)
    const two = pooled(serverMessage(rawKey, (1_700_000_000n << 32n) | 20n, container(rpcResult, ack, rpcResult)))
    await state.decryptMessageData(two)
    expect(packetMemory.holdsSingleAnswer(two)).toBe(false)
  })

  it('decrypts server messages exactly as GramJS does, and refuses a wrong msg_key and a repeated msg_id', async () => {
    const rawKey = randomBytes(256)
    const authKey = new AuthKey()
    await authKey.setKey(rawKey)
    expect(MTProtoState.prototype.decryptMessageData).not.toBe(stockDecrypt)
    const ours = new MTProtoState(authKey, undefined)
    const stock = new MTProtoState(authKey, undefined)
    const file = new Api.upload.File({ type: new Api.storage.FilePartial(), mtime: 1_700_000_000, bytes: randomBytes(1024 * 1024) })
    const msgId = (1_700_000_000n << 32n) | 4n
    const wire = serverMessage(rawKey, msgId, file)
    // Ours decrypts over the received bytes: each gets its own copy of the packet.
    const received = Buffer.from(wire)
    const a = await ours.decryptMessageData(received)
    const b = await stockDecrypt.call(stock, Buffer.from(wire))
    expect(a.msgId.toString()).toBe(msgId.toString())
    expect(a.msgId.toString()).toBe(b.msgId.toString())
    expect(a.seqNo).toBe(3)
    expect(a.seqNo).toBe(b.seqNo)
    expect(a.obj.getBytes().equals(file.getBytes())).toBe(true)
    expect(a.obj.getBytes().equals(b.obj.getBytes())).toBe(true)
    // The part's bytes are a view of the received packet, now plaintext: no second 1 MiB Buffer was made for it.
    const partBytes = (a.obj as unknown as { bytes: Buffer }).bytes
    expect(partBytes.buffer).toBe(received.buffer)
    expect(partBytes.equals(file.bytes)).toBe(true)
    expect((b.obj as unknown as { bytes: Buffer }).bytes.buffer).not.toBe(received.buffer)
    await expect(ours.decryptMessageData(Buffer.from(wire))).rejects.toThrow('Duplicate msgIds')
    const tampered = serverMessage(rawKey, msgId + 4n, new Api.NearestDc({ country: 'NL', thisDc: 1, nearestDc: 1 }))
    tampered[30] = tampered[30]! ^ 1
    await expect(ours.decryptMessageData(tampered)).rejects.toThrow("Received msg_key doesn't match with expected one")
    await expect(stockDecrypt.call(stock, tampered)).rejects.toThrow("Received msg_key doesn't match with expected one")
  })
})
