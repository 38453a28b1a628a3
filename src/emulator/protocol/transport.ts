/**
 * MTProto transports (https://core.telegram.org/mtproto/mtproto-transports), server side, all on one port: the
 * protocol is detected from the first bytes the client sends.
 *
 * - abridged: `0xef`, then packets of `len/4` (1 byte, or `0x7f` + 3 bytes little-endian) + payload;
 * - intermediate: `0xeeeeeeee`, then 4-byte little-endian length + payload;
 * - padded intermediate: `0xdddddddd`, like intermediate with 0–15 random bytes after the payload;
 * - full: no tag, packets of length(4) + seqno(4) + payload + crc32(4); the client's seqno must count 0, 1, 2, …;
 * - obfuscated: a 64-byte random init whose bytes 56–59, after AES-256-CTR decryption, carry the abridged,
 *   intermediate or padded-intermediate tag; every later byte is AES-CTR encrypted both ways.
 *
 * Quick-ack requests (the high bit of the length) are accepted and not answered: the spec makes quick acks optional.
 * A violation (bad CRC, wrong seqno, oversized packet) raises {@link TransportViolation}; the connection then
 * answers the 4-byte transport error and closes.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomInt, type Cipher, type Decipher } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { MAX_PACKET } from '../../spec/limits.js'

/** The packet framings a client may choose. */
export type Framing = 'abridged' | 'intermediate' | 'padded' | 'full'

export { MAX_PACKET }

/** Transport error codes (the 4-byte packet sent before closing). */
export const TRANSPORT_ERROR = {
  /** Unknown auth_key_id, wrong msg_key, malformed packet. */
  AUTH_KEY_NOT_FOUND: -404,
  /** Too many connections / flood (not produced by the emulator). */
  FLOOD: -429,
  /** A violated transport rule (CRC, seqno, size). */
  TRANSPORT: -444,
} as const

/** A client broke a transport rule; the connection must send `code` and close. */
export class TransportViolation extends Error {
  override readonly name = 'TransportViolation'
  constructor(
    message: string,
    readonly code: number = TRANSPORT_ERROR.AUTH_KEY_NOT_FOUND,
  ) {
    super(message)
  }
}

const TAG_ABRIDGED = 0xefefefef
const TAG_INTERMEDIATE = 0xeeeeeeee
const TAG_PADDED = 0xdddddddd

/**
 * One connection's transport: feed it the bytes read from the socket with {@link push}, get whole packets back;
 * wrap outgoing packets with {@link encode}.
 */
export class ServerTransport {
  /** The framing once detected. */
  framing: Framing | undefined
  /** Whether the obfuscation layer is on. */
  obfuscated = false
  private buf: Buffer = Buffer.alloc(0)
  private decipher: Decipher | undefined
  private cipher: Cipher | undefined
  private recvSeq = 0
  private sendSeq = 0

  /** Human-readable protocol name, e.g. `obfuscated+abridged`. */
  get name(): string {
    return `${this.obfuscated ? 'obfuscated+' : ''}${this.framing ?? 'undetected'}`
  }

  /** Adds received bytes and returns every complete packet's payload. */
  push(chunk: Buffer): Buffer[] {
    if (this.framing === undefined) {
      this.buf = Buffer.concat([this.buf, chunk])
      if (!this.detect()) return []
    } else {
      this.buf = Buffer.concat([this.buf, this.decipher ? this.decipher.update(chunk) : chunk])
    }
    const out: Buffer[] = []
    for (;;) {
      const p = this.nextPacket()
      if (p === undefined) break
      out.push(p)
    }
    return out
  }

  private detect(): boolean {
    const b = this.buf
    if (b.length < 1) return false
    if (b[0] === 0xef) {
      this.framing = 'abridged'
      this.buf = b.subarray(1)
      return true
    }
    if (b.length < 8) return false
    const first = b.readUInt32LE(0)
    if (first === TAG_INTERMEDIATE || first === TAG_PADDED) {
      this.framing = first === TAG_INTERMEDIATE ? 'intermediate' : 'padded'
      this.buf = b.subarray(4)
      return true
    }
    // A full-transport client's first packet has seqno 0 in bytes 4..7; an obfuscated init never does
    // (the spec requires clients to regenerate such an init).
    if (b.readUInt32LE(4) === 0) {
      this.framing = 'full'
      return true
    }
    if (b.length < 64) return false
    const init = b.subarray(0, 64)
    const rev = Buffer.from(init.subarray(8, 56)).reverse()
    this.decipher = createDecipheriv('aes-256-ctr', init.subarray(8, 40), init.subarray(40, 56))
    this.cipher = createCipheriv('aes-256-ctr', rev.subarray(0, 32), rev.subarray(32, 48))
    const plainInit = this.decipher.update(init)
    const tag = plainInit.readUInt32LE(56)
    if (tag === TAG_ABRIDGED) this.framing = 'abridged'
    else if (tag === TAG_INTERMEDIATE) this.framing = 'intermediate'
    else if (tag === TAG_PADDED) this.framing = 'padded'
    else throw new TransportViolation(`unknown transport (obfuscated tag 0x${tag.toString(16)})`)
    this.obfuscated = true
    this.buf = this.decipher.update(b.subarray(64))
    return true
  }

  private nextPacket(): Buffer | undefined {
    const b = this.buf
    switch (this.framing) {
      case 'abridged': {
        if (b.length < 1) return undefined
        let words = (b[0] ?? 0) & 0x7f
        let head = 1
        if (words === 0x7f) {
          if (b.length < 4) return undefined
          words = b.readUIntLE(1, 3)
          head = 4
        }
        return this.take(head, words * 4)
      }
      case 'intermediate':
      case 'padded': {
        if (b.length < 4) return undefined
        const len = b.readUInt32LE(0) & 0x7fffffff
        const p = this.take(4, len)
        if (p === undefined || this.framing === 'intermediate') return p
        // Padded intermediate: the payload is followed by 0–15 random bytes. An MTProto message's own length
        // tells where it ends: unencrypted ones carry it, encrypted ones are 24 + a multiple of 16 bytes.
        if (p.length === 4) return p
        if (p.length >= 20 && p.readBigUInt64LE(0) === 0n) {
          const inner = p.readUInt32LE(16)
          if (20 + inner <= p.length) return p.subarray(0, 20 + inner)
          return p
        }
        return p.subarray(0, p.length - ((p.length - 24) % 16))
      }
      case 'full': {
        if (b.length < 4) return undefined
        const len = b.readUInt32LE(0)
        if (len < 12) throw new TransportViolation(`full transport: packet length ${len}`, TRANSPORT_ERROR.TRANSPORT)
        const whole = this.take(0, len)
        if (whole === undefined) return undefined
        const crc = whole.readUInt32LE(len - 4)
        if (crc32(whole.subarray(0, len - 4)) !== crc) {
          throw new TransportViolation('full transport: CRC32 mismatch', TRANSPORT_ERROR.TRANSPORT)
        }
        const seq = whole.readUInt32LE(4)
        if (seq !== this.recvSeq) {
          throw new TransportViolation(`full transport: seqno ${seq}, expected ${this.recvSeq}`, TRANSPORT_ERROR.TRANSPORT)
        }
        this.recvSeq++
        return whole.subarray(8, len - 4)
      }
      default:
        return undefined
    }
  }

  private take(head: number, len: number): Buffer | undefined {
    if (len > MAX_PACKET) throw new TransportViolation(`packet of ${len} bytes is too large`, TRANSPORT_ERROR.TRANSPORT)
    if (this.buf.length < head + len) return undefined
    const p = this.buf.subarray(head, head + len)
    this.buf = this.buf.subarray(head + len)
    return p
  }

  /**
   * Frames (and, when obfuscated, encrypts) one outgoing packet, given whole or in pieces (copied once, into the
   * frame).
   */
  encode(payload: Buffer | readonly Buffer[]): Buffer {
    const parts = Buffer.isBuffer(payload) ? [payload] : payload
    let length = 0
    for (const part of parts) length += part.length
    let head: Buffer
    let tail = 0
    let pad: Buffer | undefined
    switch (this.framing) {
      case 'abridged': {
        const words = length / 4
        head = words < 0x7f ? Buffer.from([words]) : Buffer.from([0x7f, words & 0xff, (words >> 8) & 0xff, (words >> 16) & 0xff])
        break
      }
      case 'intermediate':
        head = Buffer.alloc(4)
        head.writeUInt32LE(length)
        break
      case 'padded':
        pad = randomBytes(randomInt(0, 16))
        head = Buffer.alloc(4)
        head.writeUInt32LE(length + pad.length)
        break
      case 'full':
        head = Buffer.alloc(8)
        head.writeUInt32LE(length + 12, 0)
        head.writeUInt32LE(this.sendSeq++, 4)
        tail = 4
        break
      default:
        throw new Error('transport not detected yet')
    }
    const framed = Buffer.allocUnsafe(head.length + length + (pad?.length ?? 0) + tail)
    let at = head.copy(framed, 0)
    for (const part of parts) at += part.copy(framed, at)
    if (pad !== undefined) at += pad.copy(framed, at)
    if (tail !== 0) framed.writeUInt32LE(crc32(framed.subarray(0, at)), at)
    return this.cipher ? this.cipher.update(framed) : framed
  }

  /** The transport error packet (4 bytes, little-endian signed code) in this connection's framing, if known. */
  encodeError(code: number): Buffer | undefined {
    if (this.framing === undefined) return undefined
    const p = Buffer.alloc(4)
    p.writeInt32LE(code)
    return this.encode(p)
  }
}
