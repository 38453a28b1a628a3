/**
 * The TCPFull codec computed the CRC32 of every packet in JavaScript, over a copy of the packet (`Buffer.concat`);
 * here `zlib.crc32` (native) runs over the header and the body in place.
 */
import { crc32 } from 'node:zlib'
import { gramjsModule, type GramjsErrors } from '../internals.js'
import { MAX_PACKET } from '../../spec/limits.js'

interface Reader {
  readExactly(n: number): Promise<Buffer | undefined>
}


interface FullCodec {
  _sendCounter: number
  encodePacket(data: Buffer): Buffer
  readPacket(reader: Reader): Promise<Buffer>
}

/** Replaces `FullPacketCodec`'s `encodePacket` and `readPacket` by ones computing the CRC natively, without copies. */
export function installNativeCrc(): void {
  const tcpFull = gramjsModule<{ FullPacketCodec: { prototype: FullCodec } }>('telegram/network/connection/TCPFull.js')
  const errors = gramjsModule<GramjsErrors>('telegram/errors/index.js')
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
    // Length, seq and CRC take 12 bytes; no server packet comes near 16 MiB (a file part is at most 1 MiB). A length
    // outside that is a broken stream, and reading it would wait for (and allocate) bytes that never come.
    if (packetLen < 12 || packetLen > MAX_PACKET) throw new Error(`TCPFull: packet length ${packetLen} out of range`)
    const rest = await reader.readExactly(packetLen - 8)
    if (rest === undefined) return Buffer.alloc(0)
    const body = rest.subarray(0, rest.length - 4)
    const checksum = rest.readUInt32LE(rest.length - 4)
    const valid = crc32(body, crc32(head))
    if (valid !== checksum) throw new errors.InvalidChecksumError(checksum, valid)
    return body
  }
}
