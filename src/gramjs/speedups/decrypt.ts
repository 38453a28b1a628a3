/**
 * - `MTProtoState.decryptMessageData` checked the msg_key (SHA-256 of part of the auth key and the plaintext) over a
 *   copy of the whole plaintext (`Buffer.concat`); here the hash is fed both pieces, and the rest of the method is
 *   GramJS's own, step for step.
 * - A received message was decrypted into a new Buffer beside the received one, so every 1 MiB file part took two
 *   1 MiB allocations while both lived; here the plaintext is written over the ciphertext (GramJS reads a received
 *   packet only to decrypt it), and a part's `bytes` are a view of the one Buffer the socket reader assembled.
 */
import { createHash } from 'node:crypto'
import { gramjsModule, type GramjsErrors } from '../internals.js'
import { decryptIgeInPlace, type IgeModule } from './ige.js'
import { packetMemory } from './packet-memory.js'
import { TL } from '../../spec/tl-ids.js'

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

const { rpcResult: RPC_RESULT, msgContainer: MSG_CONTAINER, msgsAck: MSGS_ACK } = TL

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
export function installDecryptWithoutCopy(): void {
  const stateModule = gramjsModule<{ MTProtoState: { prototype: MtProtoState } }>('telegram/network/MTProtoState.js')
  const helpers = gramjsModule<{ readBigIntFromBuffer(b: Buffer): BigIntLike }>('telegram/Helpers.js')
  const { BinaryReader } = gramjsModule<{ BinaryReader: new (b: Buffer) => BinaryReaderLike }>('telegram/extensions/BinaryReader.js')
  const { TLMessage } = gramjsModule<{ TLMessage: new (id: BigIntLike, seq: number, obj: unknown) => unknown }>('telegram/tl/core/TLMessage.js')
  const igeModule = gramjsModule<IgeModule>('telegram/crypto/IGE.js')
  const errors = gramjsModule<GramjsErrors>('telegram/errors/index.js')
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
