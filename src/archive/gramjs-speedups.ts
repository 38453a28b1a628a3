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
import { Socket } from 'node:net'
import { crc32 } from 'node:zlib'
import { SIMD_AVAILABLE, __getWasm, ige256Decrypt, initSync } from '@mtcute/wasm'
import { BLOCK_SIZE, ReceiveQueue, packetMemory } from './packet-memory.js'

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

/** The largest TCPFull packet accepted from the server. */
const MAX_PACKET = 16 * 1024 * 1024

interface FullCodec {
  _sendCounter: number
  encodePacket(data: Buffer): Buffer
  readPacket(reader: Reader): Promise<Buffer>
}

/**
 * Replaces GramJS's per-byte JavaScript loops on the receive path by native equivalents, and its socket reader by one
 * that reuses memory (once per process; later calls do nothing). Call it before connecting: a socket opened earlier
 * keeps GramJS's own reader. `openClient`, `connect`, `archiveProfiles` and the command line call it.
 */
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
  installPooledSocketReader()
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
  on(event: 'error' | 'close', listener: (error?: Error) => void): unknown
  connect(port: number, host: string, listener: () => void): unknown
  readonly destroyed: boolean
}

/** The fields of GramJS's `PromisedNetSockets` these methods use, plus the receive queue. */
interface PromisedSocket {
  client?: NetSocketLike
  proxy?: unknown
  stream?: Buffer
  closed: boolean
  canRead?: Promise<boolean>
  resolveRead?: (more: boolean) => void
  /** Received bytes not yet read (absent on a socket GramJS's own reader fills). */
  tgProfileQueue?: ReceiveQueue
  /** A `readExactly` waiting for more bytes: what arrives is copied straight into its packet. */
  tgProfileFilling?: { packet: Buffer; filled: number }
  /** Counts connections of this socket object: a read of an earlier connection must not take the current one's. */
  tgProfileConnection?: number
  /** `canRead` is pending (no bytes arrived since it was made). */
  tgProfileWaiting?: boolean
  receive(): Promise<void>
}

interface PromisedSocketProto extends PromisedSocket {
  connect(port: number, ip: string): Promise<unknown>
  read(n: number): Promise<Buffer>
  readExactly(n: number): Promise<Buffer>
  readAll(): Promise<Buffer>
}

/** GramJS's message for a read on a closed socket (its own error object is not exported). */
const SOCKET_CLOSED = 'NetSocket was closed'

/**
 * Bytes arrived on `sock`'s connection number `connection`: into the waiting `readExactly`'s packet first, the rest
 * into the queue. Bytes of an earlier connection of the same socket object (GramJS reconnects by calling `connect`
 * again) are dropped: they belong to a stream the reads no longer follow.
 */
function received(sock: PromisedSocket, connection: number | undefined, data: Uint8Array): void {
  if (sock.tgProfileConnection !== connection) return
  let rest = data
  const filling = sock.tgProfileFilling
  if (filling !== undefined && filling.filled < filling.packet.length) {
    const n = Math.min(filling.packet.length - filling.filled, data.length)
    filling.packet.set(data.subarray(0, n), filling.filled)
    filling.filled += n
    rest = data.subarray(n)
  }
  if (rest.length > 0) sock.tgProfileQueue?.append(rest)
  sock.tgProfileWaiting = false
  sock.resolveRead?.(true)
}

/** Up to `n` waiting bytes of `sock` (at least one is waiting), in a Buffer of their own. */
function takeWaiting(queue: ReceiveQueue, n: number): Buffer {
  const out = packetMemory.packet(Math.min(n, queue.length))
  queue.takeInto(out, 0, out.length)
  return out
}

/**
 * The pending `canRead` that the next bytes resolve (GramJS's close handler resolves it with `false`). Every reader
 * waiting at the same time shares it.
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

/** Throws GramJS's closed-socket error when `sock` closed, or reconnected since a read of `connection` began. */
function checkOpen(sock: PromisedSocket, connection: number | undefined): void {
  if (sock.closed || sock.tgProfileConnection !== connection) throw new Error(SOCKET_CLOSED)
}

/**
 * GramJS's socket reader, with received bytes kept in reused blocks ({@link ReceiveQueue}) and each read assembled
 * once into a Buffer of its own, pooled for packets of file-part size ({@link packetMemory}). Without a proxy the
 * socket reads into one fixed buffer (Node's `onread`), so a read allocates nothing; through a SOCKS proxy GramJS
 * connects and its `data` chunks are copied into the queue.
 */
function installPooledSocketReader(): void {
  const module = require('telegram/extensions/PromisedNetSockets.js') as { PromisedNetSockets: { prototype: PromisedSocketProto } }
  const proto = module.PromisedNetSockets.prototype
  const { connect, receive, read, readExactly, readAll } = proto
  // A socket that began connecting before this was installed fills GramJS's own buffer: it keeps GramJS's own reads.
  const gramjsBuffered = (sock: PromisedSocket): boolean => sock.tgProfileQueue === undefined
  proto.connect = function (this: PromisedSocketProto, port: number, ip: string) {
    const connection = (this.tgProfileConnection ?? 0) + 1
    this.tgProfileConnection = connection
    ;(this.tgProfileQueue ??= new ReceiveQueue(packetMemory)).clear()
    this.tgProfileFilling = undefined
    // A read still waiting on the previous connection wakes up and finds the socket reconnected (it throws GramJS's
    // closed-socket error, as a read on a closed socket does).
    if (this.tgProfileWaiting === true) {
      this.tgProfileWaiting = false
      this.resolveRead?.(false)
    }
    if (this.proxy !== undefined) {
      const connected = connect.call(this, port, ip)
      // GramJS has just made a fresh pending `canRead` (only after the proxy handshake; until then `closed` is
      // still true and reads throw).
      this.tgProfileWaiting = true
      return connected
    }
    // GramJS's own steps without a proxy, the socket made with a read buffer of its own.
    const readBuffer = Buffer.allocUnsafeSlow(BLOCK_SIZE)
    const onread = (n: number, buffer: Uint8Array): void => {
      try {
        received(this, connection, buffer.subarray(0, n))
      } catch (error) {
        // Node would leave an exception thrown here uncaught (it ends the process); the connection fails instead,
        // and GramJS reconnects as on any broken connection.
        socket.destroy(error instanceof Error ? error : new Error(String(error)))
      }
    }
    // Node reads `onread` from the constructor's options too (its types list it under connect's only).
    const options = { onread: { buffer: readBuffer, callback: onread } }
    const socket = new Socket(options as ConstructorParameters<typeof Socket>[0])
    const client = socket as unknown as NetSocketLike
    this.stream = Buffer.alloc(0)
    this.client = client
    this.canRead = new Promise<boolean>((resolve) => {
      this.resolveRead = resolve
    })
    this.tgProfileWaiting = true
    this.closed = false
    return new Promise((resolve, reject) => {
      client.connect(port, ip, () => {
        void this.receive()
        resolve(this)
      })
      client.on('error', reject)
      client.on('close', () => {
        if (this.client?.destroyed === true) {
          this.resolveRead?.(false)
          this.closed = true
        }
      })
    })
  }
  proto.receive = async function (this: PromisedSocket): Promise<void> {
    // A socket whose connect began before the install looks `receive` up once connected: GramJS's own fills its stream.
    if (gramjsBuffered(this)) return receive.call(this)
    // Only a proxied socket emits `data` (one made with `onread` hands its bytes to `received` directly).
    const connection = this.tgProfileConnection
    this.client?.on('data', (chunk: Buffer) => received(this, connection, chunk))
  }
  proto.read = async function (this: PromisedSocketProto, n: number): Promise<Buffer> {
    if (gramjsBuffered(this)) return read.call(this, n)
    const connection = this.tgProfileConnection
    for (;;) {
      checkOpen(this, connection)
      if (this.tgProfileQueue!.length > 0) return takeWaiting(this.tgProfileQueue!, n)
      await waitForData(this)
    }
  }
  proto.readExactly = async function (this: PromisedSocketProto, n: number): Promise<Buffer> {
    // GramJS gives a negative length (a -404/-429 transport error read as a length) its own handling: keep it.
    if (gramjsBuffered(this) || !(n > 0)) return readExactly.call(this, n)
    const connection = this.tgProfileConnection
    checkOpen(this, connection)
    const queue = this.tgProfileQueue!
    const packet = packetMemory.packet(n)
    const waiting = Math.min(n, queue.length)
    queue.takeInto(packet, 0, waiting)
    if (waiting === n) return packet
    const filling = { packet, filled: waiting }
    this.tgProfileFilling = filling
    try {
      for (;;) {
        await waitForData(this)
        checkOpen(this, connection)
        if (filling.filled === n) return packet
      }
    } finally {
      if (this.tgProfileFilling === filling) this.tgProfileFilling = undefined
    }
  }
  proto.readAll = async function (this: PromisedSocketProto): Promise<Buffer> {
    if (gramjsBuffered(this)) return readAll.call(this)
    return this.read(Number.MAX_SAFE_INTEGER)
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

/** `rpc_result#f35c6d01 req_msg_id:long result:Object = RpcResult` (https://core.telegram.org/mtproto/service_messages). */
const RPC_RESULT = 0xf35c6d01
/** `msg_container#73f1f8dc messages:vector<%Message> = MessageContainer`. */
const MSG_CONTAINER = 0x73f1f8dc
/** `msgs_ack#62d6b459 msg_ids:Vector<long> = MsgsAck`. */
const MSGS_ACK = 0x62d6b459

/**
 * Whether a decrypted message (header at 0, object at 32) carries one answer and nothing else that GramJS parses into
 * views of its bytes: a lone rpc_result, or a container of one rpc_result and acknowledgements (numbers only).
 */
function holdsOneAnswer(plain: Buffer): boolean {
  if (plain.length < 36) return false
  const top = plain.readUInt32LE(32)
  if (top === RPC_RESULT) return true
  if (top !== MSG_CONTAINER || plain.length < 40) return false
  const count = plain.readUInt32LE(36)
  let at = 40
  let answers = 0
  for (let i = 0; i < count; i++) {
    // msg_id:long seqno:int bytes:int body
    if (at + 20 > plain.length) return false
    const inner = plain.readUInt32LE(at + 16)
    if (inner === RPC_RESULT) answers++
    else if (inner !== MSGS_ACK) return false
    at += 16 + plain.readUInt32LE(at + 12)
  }
  return answers === 1
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
    if (holdsOneAnswer(plain)) packetMemory.markSingleAnswer(plain)
    return new TLMessage(remoteMsgId, remoteSequence, reader.tgReadObject())
  }
}
