/**
 * CPU savings in GramJS 2.26's receive path, same bytes in and out (a bulk download decrypts and checks every byte
 * the server sends, so these per-byte loops dominate the archiver's CPU after AES itself):
 *
 * - `Helpers.convertToLittle` (called on every AES-IGE result) wrote each 32-bit word with `writeUInt32BE`, one call
 *   per 4 bytes; here the AES output's own memory is byte-swapped in place by `Buffer#swap32` (native, no copy).
 * - The TCPFull codec computed the CRC32 of every packet in JavaScript, over a copy of the packet
 *   (`Buffer.concat`); here `zlib.crc32` (native) runs over the header and the body in place.
 *
 * GramJS reads both through its CommonJS module objects at call time, so replacing them takes effect for every
 * client. {@link installGramjsSpeedups} is idempotent; `archiveProfiles` calls it.
 */
import { createRequire } from 'node:module'
import { crc32 } from 'node:zlib'

const require = createRequire(import.meta.url)

interface HelpersModule {
  convertToLittle: (words: Uint32Array | number[]) => Buffer
  __tgProfileSpeedups?: true
}

interface Reader {
  readExactly(n: number): Promise<Buffer | undefined>
}

interface FullCodec {
  _sendCounter: number
  encodePacket(data: Buffer): Buffer
  readPacket(reader: Reader): Promise<Buffer>
}

/** Replaces GramJS's per-byte JavaScript loops on the receive path by native equivalents (once per process). */
export function installGramjsSpeedups(): void {
  const helpers = require('telegram/Helpers.js') as HelpersModule
  if (helpers.__tgProfileSpeedups === true) return
  helpers.__tgProfileSpeedups = true

  const original = helpers.convertToLittle
  helpers.convertToLittle = (words) => {
    if (!(words instanceof Uint32Array)) return original(words)
    // Big-endian bytes of each word: the words' little-endian memory, swapped in place (the array is the AES
    // output, owned by the caller that immediately drops it).
    return Buffer.from(words.buffer, words.byteOffset, words.byteLength).swap32()
  }

  const tcpFull = require('telegram/network/connection/TCPFull.js') as { FullPacketCodec: { prototype: FullCodec } }
  const errors = require('telegram/errors/index.js') as {
    InvalidBufferError: new (body: Buffer) => Error
    InvalidChecksumError: new (checksum: number, valid: number) => Error
  }
  const proto = tcpFull.FullPacketCodec.prototype
  proto.encodePacket = function (this: FullCodec, data: Buffer): Buffer {
    // https://core.telegram.org/mtproto/mtproto-transports#full: length, sequence number, payload, CRC32.
    const packet = Buffer.allocUnsafe(data.length + 12)
    packet.writeInt32LE(data.length + 12, 0)
    packet.writeInt32LE(this._sendCounter, 4)
    data.copy(packet, 8)
    packet.writeUInt32LE(crc32(packet.subarray(0, data.length + 8)), data.length + 8)
    this._sendCounter += 1
    return packet
  }
  proto.readPacket = async function (this: FullCodec, reader: Reader): Promise<Buffer> {
    const head = await reader.readExactly(8)
    if (head === undefined) return Buffer.alloc(0)
    const packetLen = head.readInt32LE(0)
    if (packetLen < 0) {
      // The length and seq can be -429, followed by a 4-byte body also -429 (Telethon issue 4042).
      const body = await reader.readExactly(4)
      throw new errors.InvalidBufferError(body ?? Buffer.alloc(0))
    }
    const rest = await reader.readExactly(packetLen - 8)
    if (rest === undefined) return Buffer.alloc(0)
    const body = rest.subarray(0, rest.length - 4)
    const checksum = rest.readUInt32LE(rest.length - 4)
    const valid = crc32(body, crc32(head))
    if (valid !== checksum) throw new errors.InvalidChecksumError(checksum, valid)
    return body
  }
}
