/**
 * A fix for GramJS 2.26's key exchange: step 3 stores the new auth key as the shortest big-endian bytes of
 * g^ab mod dh_prime (`getByteArray(gab)`), so when that number is below 2^2040 (about one exchange in 256) the key is
 * 255 bytes or fewer. MTProto's auth key is the 2048-bit number as 256 bytes (core.telegram.org/mtproto/auth_key; the
 * server, TDLib and the emulator keep it so), so GramJS's `auth_key_aux_hash` differs from the server's and the
 * exchange fails with "Step 3 invalid new nonce hash". GramJS then spends a connect attempt; with
 * `connectionRetries: 1` the connect fails outright.
 *
 * Here a key shorter than 256 bytes is given its leading zero bytes back before GramJS hashes it. No key of another
 * origin is shorter: a stored session holds the 256 bytes the exchange agreed on.
 */
import { gramjsModule } from '../internals.js'

/** The length of an MTProto auth key. */
const AUTH_KEY_BYTES = 256

interface AuthKeyPrototype {
  setKey(value?: unknown): Promise<void>
  __tgProfileAuthKeyFix?: true
}

const proto = gramjsModule<{ AuthKey: { prototype: AuthKeyPrototype } }>('telegram/crypto/AuthKey.js').AuthKey.prototype

/** `key` as the 256 bytes of its number: leading zero bytes restored, anything else unchanged. */
export function fullLengthAuthKey<T>(key: T): T | Buffer {
  if (!Buffer.isBuffer(key) || key.length === 0 || key.length >= AUTH_KEY_BYTES) return key
  return Buffer.concat([Buffer.alloc(AUTH_KEY_BYTES - key.length), key])
}

/** Patches `AuthKey.prototype.setKey` (once; later calls do nothing). */
export function installAuthKeyFix(): void {
  if (proto.__tgProfileAuthKeyFix === true) return
  proto.__tgProfileAuthKeyFix = true
  const { setKey } = proto
  proto.setKey = function (this: AuthKeyPrototype, value?: unknown): Promise<void> {
    return setKey.call(this, fullLengthAuthKey(value))
  }
}

/** Whether the fix is in place. */
export function gramjsAuthKeyFixApplied(): boolean {
  return proto.__tgProfileAuthKeyFix === true
}
