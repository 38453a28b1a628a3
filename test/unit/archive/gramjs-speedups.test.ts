import { createRequire } from 'node:module'
import { randomBytes } from 'node:crypto'
import 'telegram'
import { installGramjsSpeedups } from '../../../src/archive/gramjs-speedups.js'

const require = createRequire(import.meta.url)
const Helpers = require('telegram/Helpers.js') as { convertToLittle: (w: Uint32Array) => Buffer; crc32: (b: Buffer) => number }
const { IGE } = require('telegram/crypto/IGE.js') as { IGE: new (key: Buffer, iv: Buffer) => { encryptIge(b: Buffer): Buffer; decryptIge(b: Buffer): Buffer } }
const { FullPacketCodec } = require('telegram/network/connection/TCPFull.js') as {
  FullPacketCodec: new (c: unknown) => { encodePacket(b: Buffer): Buffer; readPacket(r: { readExactly(n: number): Promise<Buffer> }): Promise<Buffer> }
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
  const stockCipher = new IGE(key, iv).encryptIge(plain)
  const stockPacket = new FullPacketCodec(undefined).encodePacket(plain)
  const stockCrc = Helpers.crc32(plain)

  beforeAll(() => installGramjsSpeedups())

  it('convertToLittle gives the same big-endian bytes as GramJS, and IGE still round-trips', () => {
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
})
