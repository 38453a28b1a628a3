/**
 * GramJS's table of trusted server RSA keys (`telegram/crypto/RSA.js` `_serverKeys`), which GramJS exports but does
 * not document: the key exchange accepts only a server whose key fingerprint is in it.
 */
import bigInt from 'big-integer'
import { _serverKeys } from 'telegram/crypto/RSA.js'

/** An RSA public key as GramJS's table keys it. */
export interface ServerKey {
  /** Modulus, hexadecimal without `0x`. */
  readonly n: string
  /** Public exponent. */
  readonly e: number
  /** Low 64 bits of SHA1 of the TL-serialized key, as a signed decimal string. */
  readonly fingerprint: string
}

/** Adds `key` to the server keys GramJS trusts, process-wide; adding a key again replaces it. */
export function trustServerKey(key: ServerKey): void {
  _serverKeys.set(bigInt(key.fingerprint).toString(), { n: bigInt(key.n, 16), e: key.e })
}
