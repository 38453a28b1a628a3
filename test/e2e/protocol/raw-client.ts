/**
 * A minimal MTProto client written from the spec, for what GramJS cannot be made to do: other transports, the
 * legacy RSA encryption, and deliberately broken messages.
 */
import bigInt from 'big-integer'
import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { Api } from 'telegram'
import { BinaryReader } from 'telegram/extensions/index.js'
import { readBigIntFromBuffer, readBufferFromBigInt } from 'telegram/Helpers.js'
import type { EmulatorPublicKey } from '../../../src/spec/emulator-connection.js'
import {
  DH_PRIME,
  aesIgeDecrypt,
  aesIgeEncrypt,
  bigIntToBytes,
  bytesToBigInt,
  decryptMessage,
  encryptMessage,
  authKeyIdOf,
  modPow,
  rsaPadEncrypt,
  rsaRaw,
  sha1,
  tmpAesKeyIv,
} from '../../../src/emulator/protocol/crypto.js'

export type RawFraming = 'intermediate' | 'padded' | 'abridged'

export class RawClient {
  private buf = Buffer.alloc(0)
  private waiters: ((p: Buffer | undefined) => void)[] = []
  private packets: Buffer[] = []
  ended = false
  private lastMsgId = 0n

  private constructor(
    private readonly socket: Socket,
    private readonly framing: RawFraming,
  ) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d])
      for (;;) {
        let len: number
        let head: number
        if (framing === 'abridged') {
          if (this.buf.length < 1) break
          len = (this.buf[0]! & 0x7f) * 4
          head = 1
          if (this.buf[0] === 0x7f) {
            if (this.buf.length < 4) break
            len = this.buf.readUIntLE(1, 3) * 4
            head = 4
          }
        } else {
          if (this.buf.length < 4) break
          len = this.buf.readUInt32LE(0)
          head = 4
        }
        if (this.buf.length < head + len) break
        const p = this.buf.subarray(head, head + len)
        this.buf = this.buf.subarray(head + len)
        this.deliver(p)
      }
    })
    socket.on('close', () => {
      this.ended = true
      for (const w of this.waiters.splice(0)) w(undefined)
    })
  }

  private deliver(p: Buffer): void {
    const w = this.waiters.shift()
    if (w) w(p)
    else this.packets.push(p)
  }

  static async open(port: number, framing: RawFraming): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1')
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    const c = new RawClient(socket, framing)
    const tag = { intermediate: 'eeeeeeee', padded: 'dddddddd', abridged: 'ef' }[framing]
    socket.write(Buffer.from(tag, 'hex'))
    return c
  }

  send(payload: Buffer): void {
    if (this.framing === 'abridged') {
      const w = payload.length / 4
      const head = w < 0x7f ? Buffer.from([w]) : Buffer.from([0x7f, w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff])
      this.socket.write(Buffer.concat([head, payload]))
      return
    }
    const pad = this.framing === 'padded' ? randomBytes(5) : Buffer.alloc(0)
    const head = Buffer.alloc(4)
    head.writeUInt32LE(payload.length + pad.length)
    this.socket.write(Buffer.concat([head, payload, pad]))
  }

  /** The next packet, or undefined once the server closed the connection. */
  recv(): Promise<Buffer | undefined> {
    const p = this.packets.shift()
    if (p) return Promise.resolve(p)
    if (this.ended) return Promise.resolve(undefined)
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  close(): void {
    this.socket.destroy()
  }

  newMsgId(): bigint {
    const now = BigInt(Date.now())
    let id = ((now / 1000n) << 32n) | ((((now % 1000n) << 32n) / 1000n) & ~3n)
    if (id <= this.lastMsgId) id = this.lastMsgId + 4n
    this.lastMsgId = id
    return id
  }

  async plainCall(body: Buffer): Promise<unknown> {
    const head = Buffer.alloc(20)
    head.writeBigUInt64LE(this.newMsgId(), 8)
    head.writeUInt32LE(body.length, 16)
    this.send(Buffer.concat([head, body]))
    const p = await this.recv()
    if (p === undefined) throw new Error('connection closed during handshake')
    if (p.length === 4) throw new Error(`transport error ${p.readInt32LE(0)}`)
    return new BinaryReader(p.subarray(20)).tgReadObject()
  }
}

function factor(pq: bigint): [bigint, bigint] {
  // Pollard's rho; pq is the product of two 31-bit primes
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b))
  for (let c = 1n; ; c++) {
    let x = 2n
    let y = 2n
    let d = 1n
    while (d === 1n) {
      x = (x * x + c) % pq
      y = (y * y + c) % pq
      y = (y * y + c) % pq
      d = gcd(x > y ? x - y : y - x, pq)
    }
    if (d !== pq) return d < pq / d ? [d, pq / d] : [pq / d, d]
  }
}

const int128 = (b: Buffer): bigInt.BigInteger => readBigIntFromBuffer(b, true, true)

/** Runs the auth-key exchange; `rsa` picks RSA_PAD or the legacy `sha1 + data + padding`. */
export async function rawHandshake(
  c: RawClient,
  key: EmulatorPublicKey,
  opts: { rsa: 'pad' | 'legacy'; dc?: number; /** a temporary key living this many seconds (needs `dc`) */ expiresIn?: number },
): Promise<{ authKey: Buffer; salt: bigint }> {
  const nonce = randomBytes(16)
  const res = await c.plainCall(new Api.ReqPqMulti({ nonce: int128(nonce) }).getBytes())
  if (!(res instanceof Api.ResPQ)) throw new Error('no resPQ')
  const pq = bytesToBigInt(res.pq)
  const [p, q] = factor(pq)
  const newNonce = randomBytes(32)
  const fields = {
    pq: res.pq,
    p: bigIntToBytes(p),
    q: bigIntToBytes(q),
    nonce: int128(nonce),
    serverNonce: res.serverNonce,
    newNonce: readBigIntFromBuffer(newNonce, true, true),
  }
  const inner = (
    opts.dc === undefined
      ? new Api.PQInnerData(fields)
      : opts.expiresIn !== undefined
        ? new Api.PQInnerDataTempDc({ ...fields, dc: opts.dc, expiresIn: opts.expiresIn })
        : new Api.PQInnerDataDc({ ...fields, dc: opts.dc })
  ).getBytes()
  const n = BigInt(`0x${key.n}`)
  const e = BigInt(key.e)
  const encryptedData =
    opts.rsa === 'pad'
      ? rsaPadEncrypt(inner, n, e)
      : rsaRaw(Buffer.concat([Buffer.from([0]), sha1(inner), inner, randomBytes(255 - 20 - inner.length)]), e, n)
  const serverNonce = readBufferFromBigInt(res.serverNonce, 16, true, true)
  const dh = await c.plainCall(
    new Api.ReqDHParams({
      nonce: int128(nonce),
      serverNonce: res.serverNonce,
      p: bigIntToBytes(p),
      q: bigIntToBytes(q),
      publicKeyFingerprint: bigInt(key.fingerprint),
      encryptedData,
    }).getBytes(),
  )
  if (!(dh instanceof Api.ServerDHParamsOk)) throw new Error('no server_DH_params_ok')
  const { key: tk, iv } = tmpAesKeyIv(serverNonce, newNonce)
  const plain = aesIgeDecrypt(dh.encryptedAnswer, tk, iv)
  const reader = new BinaryReader(plain.subarray(20))
  const sdh: unknown = reader.tgReadObject()
  if (!(sdh instanceof Api.ServerDHInnerData)) throw new Error('no server_DH_inner_data')
  if (!sha1(plain.subarray(20, 20 + reader.tellPosition())).equals(plain.subarray(0, 20))) throw new Error('bad hash')
  const b = bytesToBigInt(randomBytes(256)) % DH_PRIME
  const gb = modPow(BigInt(sdh.g), b, DH_PRIME)
  const authKey = bigIntToBytes(modPow(bytesToBigInt(sdh.gA), b, DH_PRIME), 256)
  const cdh = new Api.ClientDHInnerData({
    nonce: int128(nonce),
    serverNonce: res.serverNonce,
    retryId: bigInt.zero,
    gB: bigIntToBytes(gb, 256),
  }).getBytes()
  const withHash = Buffer.concat([sha1(cdh), cdh])
  const padded = Buffer.concat([withHash, randomBytes((16 - (withHash.length % 16)) % 16)])
  const gen = await c.plainCall(
    new Api.SetClientDHParams({
      nonce: int128(nonce),
      serverNonce: res.serverNonce,
      encryptedData: aesIgeEncrypt(padded, tk, iv),
    }).getBytes(),
  )
  if (!(gen instanceof Api.DhGenOk)) throw new Error('no dh_gen_ok')
  const expected = int128(sha1(newNonce, Buffer.from([1]), sha1(authKey).subarray(0, 8)).subarray(4, 20))
  if (!gen.newNonceHash1.eq(expected)) throw new Error('bad new_nonce_hash1')
  return { authKey, salt: newNonce.readBigInt64LE(0) ^ serverNonce.readBigInt64LE(0) }
}

export interface RawMessage {
  readonly msgId: bigint
  readonly seqNo: number
  readonly body: Buffer
}

/** Builds an encrypted client message (x = 0). */
export function encryptFor(
  authKey: Buffer,
  m: { salt: bigint; sessionId: bigint; msgId: bigint; seqNo: number; body: Buffer },
): Buffer {
  const head = Buffer.alloc(32)
  head.writeBigInt64LE(m.salt, 0)
  head.writeBigInt64LE(m.sessionId, 8)
  head.writeBigInt64LE(m.msgId, 16)
  head.writeInt32LE(m.seqNo, 24)
  head.writeUInt32LE(m.body.length, 28)
  return encryptMessage(authKey, authKeyIdOf(authKey), Buffer.concat([head, m.body]), 0)
}

/** Decrypts a server packet and flattens a container into its messages. */
export function openServerPacket(authKey: Buffer, packet: Buffer): RawMessage[] {
  const plain = decryptMessage(authKey, packet.subarray(8), 8)
  if (plain === undefined) throw new Error('server message does not decrypt')
  const msgId = plain.readBigInt64LE(16)
  const seqNo = plain.readInt32LE(24)
  const body = plain.subarray(32, 32 + plain.readUInt32LE(28))
  if (body.readUInt32LE(0) !== 0x73f1f8dc) return [{ msgId, seqNo, body }]
  const out: RawMessage[] = []
  let off = 8
  for (let i = 0; i < body.readUInt32LE(4); i++) {
    const len = body.readUInt32LE(off + 12)
    out.push({ msgId: body.readBigInt64LE(off), seqNo: body.readInt32LE(off + 8), body: body.subarray(off + 16, off + 16 + len) })
    off += 16 + len
  }
  return out
}

export function parse(body: Buffer): unknown {
  return new BinaryReader(body).tgReadObject()
}
