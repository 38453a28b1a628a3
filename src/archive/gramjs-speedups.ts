/**
 * CPU savings in GramJS 2.26's receive path, same bytes in and out (a bulk download decrypts and checks every byte
 * the server sends, so these per-byte loops dominate the archiver's CPU after AES itself):
 *
 * - `Helpers.convertToLittle` (called on every AES-IGE result) wrote each 32-bit word with `writeUInt32BE`, one call
 *   per 4 bytes; here the AES output's own memory is byte-swapped in place by `Buffer#swap32` (native, no copy).
 * - The TCPFull codec computed the CRC32 of every packet in JavaScript, over a copy of the packet
 *   (`Buffer.concat`); here `zlib.crc32` (native) runs over the header and the body in place.
 * - AES-256-IGE decryption of every received message ran in JavaScript (`@cryptography/aes`, ~14 ms per MiB on the
 *   benchmark machine); here it runs in mtcute's WebAssembly build (`@mtcute/wasm`, SIMD when the engine has it,
 *   ~6 ms per MiB). IGE decryption feeds each block's plaintext into the next block's input, so it cannot be handed
 *   to OpenSSL as one call the way the emulator's encryption is; WebAssembly is the fastest portable option.
 *   Encryption (the client's small requests) stays on GramJS's own code.
 *
 * - The socket reader (`PromisedNetSockets`) appended every received chunk to one buffer with `Buffer.concat`
 *   (under a mutex shared by every socket of the process), and `readExactly` concatenated again after each partial
 *   read: a 1 MiB answer arriving in 64 KiB chunks was copied over and over while it arrived. Here chunks are kept in
 *   a list and a read assembles its bytes once (none when one chunk holds them).
 *
 * - `MTProtoState.decryptMessageData` checked the msg_key (SHA-256 of part of the auth key and the plaintext) over a
 *   copy of the whole plaintext (`Buffer.concat`); here the hash is fed both pieces, and the rest of the method is
 *   GramJS's own, step for step.
 * - A received message was decrypted into a new Buffer beside the received one, so every 1 MiB file part took two
 *   1 MiB allocations while both lived; here the plaintext is written over the ciphertext (GramJS reads a received
 *   packet only to decrypt it), and a part's `bytes` are a view of the one Buffer the socket reader assembled.
 *
 * GramJS reads all of these its CommonJS module objects at call time, so replacing them takes effect for every
 * client. {@link installGramjsSpeedups} is idempotent; `archiveProfiles` calls it.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { crc32 } from 'node:zlib'
import { SIMD_AVAILABLE, __getWasm, ige256Decrypt, initSync } from '@mtcute/wasm'

const require = createRequire(import.meta.url)

interface HelpersModule {
  convertToLittle: (words: Uint32Array | number[]) => Buffer
  __tgProfileSpeedups?: true
}

interface IgeCipher {
  encryptIge(plainText: Buffer): Buffer
  decryptIge(cipherText: Buffer): Buffer
}

interface IgeModule {
  IGE: new (key: Buffer, iv: Buffer) => IgeCipher
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

  installWasmIgeDecrypt()
  installChunkListSocketReader()
  installDecryptWithoutCopy()

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

/**
 * Replaces GramJS's `IGE` class (read by `MTProtoState` through the module object at every message) by one whose
 * `decryptIge` runs in WebAssembly; `encryptIge` is GramJS's own.
 */
function installWasmIgeDecrypt(): void {
  const wasmFile = SIMD_AVAILABLE ? '@mtcute/wasm/mtcute-simd.wasm' : '@mtcute/wasm/mtcute.wasm'
  initSync(readFileSync(require.resolve(wasmFile)))
  const igeModule = require('telegram/crypto/IGE.js') as IgeModule
  const JsIge = igeModule.IGE
  igeModule.IGE = class WasmDecryptIge implements IgeCipher {
    readonly #key: Buffer
    readonly #iv: Buffer
    constructor(key: Buffer, iv: Buffer) {
      this.#key = key
      this.#iv = iv
    }
    encryptIge(plainText: Buffer): Buffer {
      return new JsIge(this.#key, this.#iv).encryptIge(plainText)
    }
    decryptIge(cipherText: Buffer): Buffer {
      if (cipherText.length % 16 !== 0) return new JsIge(this.#key, this.#iv).decryptIge(cipherText)
      // A fresh copy out of the WebAssembly memory: wrapping it costs nothing and nothing else holds it.
      const plain = ige256Decrypt(cipherText, this.#key, this.#iv)
      return Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength)
    }
  }
}

/**
 * AES-256-IGE decryption of `data` (a multiple of 16 bytes) written over `data` itself, in mtcute's WebAssembly: the
 * same steps as its `ige256Decrypt` (which returns the plaintext in a new array), with the result copied back into
 * the caller's memory instead. IGE reads each previous ciphertext block, so input and output are distinct regions of
 * the WebAssembly memory.
 */
export function decryptIgeInPlace(data: Buffer, key: Buffer, iv: Buffer): Buffer {
  const wasm = __getWasm()
  const input = wasm.__malloc(data.length * 2)
  const output = input + data.length
  try {
    // After the allocation: it may have grown the memory, which detaches views made before.
    const memory = new Uint8Array(wasm.memory.buffer)
    memory.set(data, input)
    memory.set(key, wasm.__get_shared_key_buffer())
    memory.set(iv, wasm.__get_shared_iv_buffer())
    wasm.ige256_decrypt(input, data.length, output)
    data.set(memory.subarray(output, output + data.length))
  } finally {
    wasm.__free(input)
  }
  return data
}

interface NetSocketLike {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown
}

/** The fields of GramJS's `PromisedNetSockets` these methods use, plus the chunk list. */
interface PromisedSocket {
  client?: NetSocketLike
  closed: boolean
  canRead?: Promise<boolean>
  resolveRead?: (more: boolean) => void
  tgProfileChunks?: Buffer[]
  tgProfileBuffered?: number
  /** `canRead` is pending (no chunk arrived since it was made). */
  tgProfileWaiting?: boolean
}

interface PromisedSocketProto extends PromisedSocket {
  connect(port: number, ip: string): Promise<unknown>
  receive(): Promise<void>
  read(n: number): Promise<Buffer>
  readExactly(n: number): Promise<Buffer>
  readAll(): Promise<Buffer>
}

/** GramJS's message for a read on a closed socket (its own error object is not exported). */
const SOCKET_CLOSED = 'NetSocket was closed'

function takeBytes(sock: PromisedSocket, n: number): Buffer {
  const chunks = (sock.tgProfileChunks ??= [])
  const first = chunks[0]
  let out: Buffer
  if (first !== undefined && first.length >= n) {
    out = first.subarray(0, n)
    if (first.length === n) chunks.shift()
    else chunks[0] = first.subarray(n)
  } else {
    out = Buffer.allocUnsafe(n)
    let at = 0
    while (at < n) {
      const chunk = chunks[0]!
      const used = Math.min(chunk.length, n - at)
      chunk.copy(out, at, 0, used)
      at += used
      if (used === chunk.length) chunks.shift()
      else chunks[0] = chunk.subarray(used)
    }
  }
  sock.tgProfileBuffered = (sock.tgProfileBuffered ?? 0) - n
  // Drained: the next read waits for the next chunk.
  if (sock.tgProfileBuffered === 0) void waitForData(sock)
  return out
}

/**
 * The pending `canRead` that the next chunk resolves (GramJS's close handler resolves it with `false`). Every reader
 * waiting at the same time shares it: a reader left over from a previous connection must not take the wake-up of
 * the current one.
 */
function waitForData(sock: PromisedSocket): Promise<boolean> {
  if (sock.tgProfileWaiting !== true || sock.canRead === undefined) {
    sock.canRead = new Promise<boolean>((resolve) => {
      sock.resolveRead = resolve
    })
    sock.tgProfileWaiting = true
  }
  return sock.canRead
}

function installChunkListSocketReader(): void {
  const module = require('telegram/extensions/PromisedNetSockets.js') as { PromisedNetSockets: { prototype: PromisedSocketProto } }
  const proto = module.PromisedNetSockets.prototype
  const { connect, read, readExactly, readAll } = proto
  // A socket connected before this was installed fills GramJS's own buffer: it keeps GramJS's own reads.
  const gramjsBuffered = (sock: PromisedSocket): boolean => sock.tgProfileChunks === undefined
  proto.connect = function (this: PromisedSocket, port: number, ip: string) {
    this.tgProfileChunks = []
    this.tgProfileBuffered = 0
    const connected = connect.call(this as PromisedSocketProto, port, ip)
    // GramJS has just made a fresh pending `canRead` (through a proxy, only after the handshake; until then `closed`
    // is still true and reads throw).
    this.tgProfileWaiting = true
    return connected
  }
  proto.receive = async function (this: PromisedSocket): Promise<void> {
    this.client?.on('data', (chunk: Buffer) => {
      ;(this.tgProfileChunks ??= []).push(chunk)
      this.tgProfileBuffered = (this.tgProfileBuffered ?? 0) + chunk.length
      this.tgProfileWaiting = false
      this.resolveRead?.(true)
    })
  }
  proto.read = async function (this: PromisedSocket, n: number): Promise<Buffer> {
    if (gramjsBuffered(this)) return read.call(this as PromisedSocketProto, n)
    if (this.closed) throw new Error(SOCKET_CLOSED)
    await this.canRead
    if (this.closed) throw new Error(SOCKET_CLOSED)
    return takeBytes(this, Math.min(n, this.tgProfileBuffered ?? 0))
  }
  proto.readExactly = async function (this: PromisedSocket, n: number): Promise<Buffer> {
    // GramJS gives a negative length (a -404/-429 transport error read as a length) its own handling: keep it.
    if (gramjsBuffered(this) || !(n > 0)) return readExactly.call(this as PromisedSocketProto, n)
    for (;;) {
      if (this.closed) throw new Error(SOCKET_CLOSED)
      if ((this.tgProfileBuffered ?? 0) >= n) return takeBytes(this, n)
      await waitForData(this)
    }
  }
  proto.readAll = async function (this: PromisedSocket): Promise<Buffer> {
    if (gramjsBuffered(this)) return readAll.call(this as PromisedSocketProto)
    if (this.closed || !(await this.canRead)) throw new Error(SOCKET_CLOSED)
    return takeBytes(this, this.tgProfileBuffered ?? 0)
  }
}

interface BigIntLike {
  neq(other: unknown): boolean
  toString(): string
}

interface MtProtoState {
  authKey?: { keyId?: BigIntLike; getKey(): Buffer | undefined }
  msgIds: string[]
  securityChecks: boolean
  _calcKey(authKey: Buffer, msgKey: Buffer, client: boolean): Promise<{ key: Buffer; iv: Buffer }>
  decryptMessageData(body: Buffer): Promise<unknown>
}

interface BinaryReaderLike {
  readLong(): BigIntLike
  readInt(): number
  tgReadObject(): unknown
}

/**
 * GramJS's `MTProtoState.decryptMessageData` (telegram 2.26), decrypting over the received bytes (`body` holds the
 * plaintext afterwards), with the msg_key check hashing the auth key's slice and the plaintext in place instead of
 * over a concatenated copy.
 */
function installDecryptWithoutCopy(): void {
  const stateModule = require('telegram/network/MTProtoState.js') as { MTProtoState: { prototype: MtProtoState } }
  const helpers = require('telegram/Helpers.js') as { readBigIntFromBuffer(b: Buffer): BigIntLike }
  const { BinaryReader } = require('telegram/extensions/BinaryReader.js') as { BinaryReader: new (b: Buffer) => BinaryReaderLike }
  const { TLMessage } = require('telegram/tl/core/TLMessage.js') as { TLMessage: new (id: BigIntLike, seq: number, obj: unknown) => unknown }
  const igeModule = require('telegram/crypto/IGE.js') as IgeModule
  const errors = require('telegram/errors/index.js') as {
    InvalidBufferError: new (body: Buffer) => Error
    SecurityError: new (message: string) => Error
  }
  stateModule.MTProtoState.prototype.decryptMessageData = async function (this: MtProtoState, body: Buffer): Promise<unknown> {
    if (!this.authKey) throw new Error('Auth key unset')
    if (body.length < 8) throw new errors.InvalidBufferError(body)
    const keyId = helpers.readBigIntFromBuffer(body.subarray(0, 8))
    if (!this.authKey.keyId || keyId.neq(this.authKey.keyId)) {
      throw new errors.SecurityError('Server replied with an invalid auth key')
    }
    const authKey = this.authKey.getKey()
    if (!authKey) throw new errors.SecurityError('Unset AuthKey')
    const msgKey = body.subarray(8, 24)
    const { iv, key } = await this._calcKey(authKey, msgKey, false)
    const cipherText = body.subarray(24)
    const plain =
      cipherText.length % 16 === 0 ? decryptIgeInPlace(cipherText, key, iv) : new igeModule.IGE(key, iv).decryptIge(cipherText)
    // https://core.telegram.org/mtproto/security_guidelines: "checking sha256 hash" (x = 8 for server messages).
    const ourKey = createHash('sha256').update(authKey.subarray(96, 96 + 32)).update(plain).digest()
    if (!msgKey.equals(ourKey.subarray(8, 24))) {
      throw new errors.SecurityError("Received msg_key doesn't match with expected one")
    }
    const reader = new BinaryReader(plain)
    reader.readLong() // salt
    reader.readLong() // session id (GramJS does not check it)
    const remoteMsgId = reader.readLong()
    const idText = remoteMsgId.toString()
    if (this.msgIds.includes(idText) && this.securityChecks) throw new errors.SecurityError('Duplicate msgIds')
    if (this.msgIds.length > 500) this.msgIds.shift()
    this.msgIds.push(idText)
    const remoteSequence = reader.readInt()
    reader.readInt() // length of the inner object; the padding after it is never read
    return new TLMessage(remoteMsgId, remoteSequence, reader.tgReadObject())
  }
}
