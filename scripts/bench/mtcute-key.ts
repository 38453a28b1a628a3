/**
 * An emulator RSA key that mtcute can find. mtcute indexes an added key by its fingerprint in 16 hex digits
 * (`hex.encode`, zero-padded) but looks the server's fingerprints up with `Long#toString(16)`, unpadded
 * (`findKeyByFingerprints` in @mtcute/core `utils/crypto/keys.js`), so a key whose fingerprint is below 2^60 (one
 * random key in 16) is never found ("Step 2: Could not find server public key") and the client reconnects forever.
 * The two keys Telegram serves (fingerprints b25898df208d2603 and d09d1d85de64fd85) start with another digit, which
 * is why deployed clients do not meet it.
 */
import { generateRsaKeyPair, rsaFingerprint, type RsaKeyPair } from '../../src/emulator/protocol/crypto.js'

/** A fresh RSA-2048 key whose unsigned fingerprint has 16 hex digits. */
export function keyMtcuteCanFind(): RsaKeyPair {
  for (;;) {
    const key = generateRsaKeyPair()
    if (BigInt.asUintN(64, rsaFingerprint(key.n, key.e)) >= 1n << 60n) return key
  }
}
