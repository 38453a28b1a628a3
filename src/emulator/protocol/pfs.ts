/**
 * Perfect forward secrecy (https://core.telegram.org/api/pfs, https://core.telegram.org/method/auth.bindTempAuthKey):
 * a temporary auth key made with `p_q_inner_data_temp(_dc)` is bound to a permanent one by `auth.bindTempAuthKey`,
 * whose `encrypted_message` is a `bind_auth_key_inner` encrypted with the permanent key in the MTProto 1.0 way
 * (msg_key = SHA1 of the unpadded plaintext, bytes 4–20; AES key and IV from SHA1, x = 0).
 *
 * Readings, with their evidence:
 * - The inner message's msg_id must be the request's own msg_id, its seq_no 0 and its length 40; its `nonce`,
 *   `perm_auth_key_id` and `expires_at` must equal the request's, `temp_auth_key_id` the key the request came on,
 *   `temp_session_id` the request's session. Any mismatch, a permanent key that is unknown on this DC or is itself
 *   temporary, or a msg_key that does not match: `400 ENCRYPTED_MESSAGE_INVALID` (the error the method page lists).
 * - Called on a permanent key: `400 TEMP_AUTH_KEY_EMPTY`; a temporary key already bound to another permanent key:
 *   `400 TEMP_AUTH_KEY_ALREADY_BOUND`; `expires_at` not in the future: `400 EXPIRES_AT_INVALID` (all on the page).
 * - A permanent key is bound to one temporary key at a time: a new binding replaces the old one, whose key then
 *   answers as unbound (the method page: "binding a new temporary key overwrites the previous one").
 * - The temporary key stops working at the earlier of its handshake's `expires_in` and the bound `expires_at`;
 *   after that any message on it answers transport error -404, as Telegram does for a key it forgot.
 * - Until it is bound, a temporary key answers every API method but `auth.bindTempAuthKey` with
 *   `401 AUTH_KEY_PERM_EMPTY` (the error Telegram documents for that state); bound, it acts with the permanent key's
 *   authorization. mtcute (the deployed client with PFS) sends the binding bare, first, on the temporary key.
 */
import { aesIgeDecrypt, sha1 } from './crypto.js'
import type { AuthKeyRecord, AuthKeyStore } from './handshake.js'

/** bind_auth_key_inner#75a3f765 nonce:long temp_auth_key_id:long perm_auth_key_id:long temp_session_id:long expires_at:int */
const BIND_AUTH_KEY_INNER = 0x75a3f765

/** The arguments of `auth.bindTempAuthKey#cdd42a05`. */
export interface BindRequest {
  readonly permAuthKeyId: bigint
  readonly nonce: bigint
  readonly expiresAt: number
  readonly encryptedMessage: Buffer
}

/** Where the binding arrived. */
export interface BindContext {
  readonly temp: AuthKeyRecord
  readonly keys: AuthKeyStore
  readonly msgId: bigint
  readonly sessionId: bigint
  /** Unix time on the key clock. */
  readonly now: number
}

/** MTProto 1.0's AES key and IV (https://core.telegram.org/mtproto/description_v1), x = 0 for client messages. */
function aesKeyIvV1(authKey: Buffer, msgKey: Buffer): { key: Buffer; iv: Buffer } {
  const a = sha1(msgKey, authKey.subarray(0, 32))
  const b = sha1(authKey.subarray(32, 48), msgKey, authKey.subarray(48, 64))
  const c = sha1(authKey.subarray(64, 96), msgKey)
  const d = sha1(msgKey, authKey.subarray(96, 128))
  return {
    key: Buffer.concat([a.subarray(0, 8), b.subarray(8, 20), c.subarray(4, 16)]),
    iv: Buffer.concat([a.subarray(8, 20), b.subarray(0, 8), c.subarray(16, 20), d.subarray(0, 8)]),
  }
}

/** The error name of a refused binding, or undefined once `ctx.temp` is bound. */
export function bindTempAuthKey(r: BindRequest, ctx: BindContext): string | undefined {
  if (ctx.temp.expiresAt === undefined) return 'TEMP_AUTH_KEY_EMPTY'
  if (r.expiresAt <= ctx.now) return 'EXPIRES_AT_INVALID'
  const perm = ctx.keys.get(BigInt.asUintN(64, r.permAuthKeyId))
  const inner = perm === undefined || perm.expiresAt !== undefined ? undefined : openV1(perm, r.encryptedMessage)
  if (perm === undefined || inner === undefined) return 'ENCRYPTED_MESSAGE_INVALID'
  const matches =
    inner.readBigInt64LE(16) === ctx.msgId &&
    inner.readInt32LE(24) === 0 &&
    inner.readInt32LE(28) === 40 &&
    inner.readUInt32LE(32) === BIND_AUTH_KEY_INNER &&
    inner.readBigInt64LE(36) === r.nonce &&
    inner.readBigUInt64LE(44) === ctx.temp.state.authKeyId &&
    inner.readBigUInt64LE(52) === perm.state.authKeyId &&
    inner.readBigInt64LE(60) === ctx.sessionId &&
    inner.readInt32LE(68) === r.expiresAt
  if (!matches) return 'ENCRYPTED_MESSAGE_INVALID'
  if (ctx.temp.perm !== undefined && ctx.temp.perm !== perm) return 'TEMP_AUTH_KEY_ALREADY_BOUND'
  const previous = perm.boundTemp
  if (previous !== undefined && previous !== ctx.temp) previous.perm = undefined
  perm.boundTemp = ctx.temp
  ctx.temp.perm = perm
  ctx.temp.expiresAt = Math.min(ctx.temp.expiresAt, r.expiresAt)
  return undefined
}

/** Decrypts an MTProto 1.0 message of `perm` (auth_key_id + msg_key + data); undefined when it does not check. */
function openV1(perm: AuthKeyRecord, message: Buffer): Buffer | undefined {
  if (message.length < 24 + 72 || (message.length - 24) % 16 !== 0) return undefined
  if (message.readBigUInt64LE(0) !== perm.state.authKeyId) return undefined
  const msgKey = message.subarray(8, 24)
  const { key, iv } = aesKeyIvV1(perm.key, msgKey)
  const plain = aesIgeDecrypt(message.subarray(24), key, iv)
  const len = plain.readUInt32LE(28)
  if (len !== 40 || !sha1(plain.subarray(0, 32 + len)).subarray(4, 20).equals(msgKey)) return undefined
  return plain
}
