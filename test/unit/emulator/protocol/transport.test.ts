import { createCipheriv, randomBytes } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { ServerTransport, TransportViolation } from '../../../../src/emulator/protocol/transport.js'

function fullPacket(payload: Buffer, seq: number): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32LE(payload.length + 12, 0)
  head.writeUInt32LE(seq, 4)
  const body = Buffer.concat([head, payload])
  const tail = Buffer.alloc(4)
  tail.writeUInt32LE(crc32(body))
  return Buffer.concat([body, tail])
}

describe('ServerTransport', () => {
  it('detects abridged and reads short and long packets split across chunks', () => {
    const t = new ServerTransport()
    const small = randomBytes(40)
    const big = randomBytes(4 * 200)
    const wire = Buffer.concat([
      Buffer.from([0xef, 10]),
      small,
      Buffer.from([0x7f, 200, 0, 0]),
      big,
    ])
    const got: Buffer[] = []
    for (let i = 0; i < wire.length; i += 7) got.push(...t.push(wire.subarray(i, i + 7)))
    expect(t.name).toBe('abridged')
    expect(got.map((b) => b.toString('hex'))).toEqual([small.toString('hex'), big.toString('hex')])
    expect(t.encode(Buffer.alloc(8))[0]).toBe(2)
  })

  it('detects intermediate and answers with a 4-byte length', () => {
    const t = new ServerTransport()
    const p = randomBytes(24)
    const len = Buffer.alloc(4)
    len.writeUInt32LE(24)
    expect(t.push(Buffer.concat([Buffer.from('eeeeeeee', 'hex'), len, p]))).toEqual([p])
    expect(t.encode(p).readUInt32LE(0)).toBe(24)
  })

  it('strips the random tail of padded intermediate from an encrypted message', () => {
    const t = new ServerTransport()
    const p = randomBytes(24 + 32)
    const padded = Buffer.concat([p, randomBytes(7)])
    const len = Buffer.alloc(4)
    len.writeUInt32LE(padded.length)
    expect(t.push(Buffer.concat([Buffer.from('dddddddd', 'hex'), len, padded]))).toEqual([p])
  })

  it('checks the full transport CRC32 and sequence numbers', () => {
    const t = new ServerTransport()
    const a = randomBytes(20)
    expect(t.push(fullPacket(a, 0))).toEqual([a])
    expect(t.name).toBe('full')
    expect(() => t.push(fullPacket(a, 5))).toThrow(new TransportViolation('full transport: seqno 5, expected 1'))
    const bad = new ServerTransport()
    const pkt = fullPacket(a, 0)
    pkt[10] = (pkt[10] ?? 0) ^ 0xff
    expect(() => bad.push(pkt)).toThrow('full transport: CRC32 mismatch')
    const out = t.encode(Buffer.alloc(4))
    expect(out.readUInt32LE(0)).toBe(16)
    expect(out.readUInt32LE(4)).toBe(0)
    expect(out.readUInt32LE(12)).toBe(crc32(out.subarray(0, 12)))
    // A payload in pieces is framed exactly like the same payload whole (next sequence numbers 1 and 2).
    const pieces = [randomBytes(24), randomBytes(70_000), Buffer.alloc(0), randomBytes(4)]
    expect(t.encode(pieces)).toEqual(fullPacket(Buffer.concat(pieces), 1))
    expect(t.encode(Buffer.concat(pieces))).toEqual(fullPacket(Buffer.concat(pieces), 2))
  })

  it('detects obfuscated abridged and decrypts both ways', () => {
    const init = randomBytes(64)
    init[0] = 0x11
    init.writeUInt32LE(0x12345678, 4)
    init.writeUInt32LE(0xefefefef, 56)
    const enc = createCipheriv('aes-256-ctr', init.subarray(8, 40), init.subarray(40, 56))
    const encInit = enc.update(init)
    const header = Buffer.concat([init.subarray(0, 56), encInit.subarray(56, 64)])
    const p = randomBytes(16)
    const t = new ServerTransport()
    expect(t.push(Buffer.concat([header, enc.update(Buffer.concat([Buffer.from([4]), p]))]))).toEqual([p])
    expect(t.name).toBe('obfuscated+abridged')
    const rev = Buffer.from(init.subarray(8, 56)).reverse()
    const dec = createCipheriv('aes-256-ctr', rev.subarray(0, 32), rev.subarray(32, 48))
    expect(dec.update(t.encode(p)).equals(Buffer.concat([Buffer.from([4]), p]))).toBe(true)
  })
})
