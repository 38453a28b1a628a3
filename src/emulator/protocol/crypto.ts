/**
 * Server-side MTProto cryptography (https://core.telegram.org/mtproto/description,
 * https://core.telegram.org/mtproto/auth_key): AES-256-IGE, MTProto 2.0 message keys, the handshake's temporary
 * AES key, raw RSA, RSA_PAD and the legacy `sha1 + data + padding` RSA encryption, and pq generation.
 *
 * Big numbers are native `bigint`; byte strings are `Buffer`s, big-endian where the spec says "big-endian number".
 */
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, generateKeyPairSync, randomBytes, randomFillSync, randomInt } from 'node:crypto'

export function sha1(...parts: Buffer[]): Buffer {
  const h = createHash('sha1')
  for (const p of parts) h.update(p)
  return h.digest()
}

export function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest()
}

function xor16(a: Buffer, aOff: number, b: Buffer, bOff: number, out: Buffer, outOff: number): void {
  for (let i = 0; i < 16; i++) out[outOff + i] = (a[aOff + i] ?? 0) ^ (b[bOff + i] ?? 0)
}

/** 32-bit words over `b` when its memory is 4-byte aligned (big buffers always are: they own their memory). */
function words(b: Buffer): Int32Array | undefined {
  return b.byteOffset % 4 === 0 ? new Int32Array(b.buffer, b.byteOffset, b.length >>> 2) : undefined
}

/** out[at + i] = a[at + i] ⊕ b[at - lag + i] for at ≤ i < n; `at` and `lag` multiples of 4, word by word when aligned. */
function xorLagged(a: Buffer, b: Buffer, out: Buffer, lag: number, at: number): void {
  const n = a.length
  const wa = words(a)
  const wb = words(b)
  const wo = words(out)
  if (wa !== undefined && wb !== undefined && wo !== undefined) {
    const l = lag >>> 2
    for (let i = at >>> 2; i < wa.length; i++) wo[i] = wa[i]! ^ wb[i - l]!
  } else {
    for (let i = at; i < n; i++) out[i] = a[i]! ^ b[i - lag]!
  }
}

/**
 * AES-256-IGE encryption; `data` length must be a multiple of 16, `iv` is 32 bytes.
 *
 * IGE computes y_i = E(p_i ⊕ c_{i-1}), c_i = y_i ⊕ p_{i-1}. Since c_{i-1} ⊕ y_{i-1} = p_{i-2} is known in
 * advance, y is exactly AES-CBC over p'_i = p_i ⊕ p_{i-2} (with p_0 = iv[16..32] for i = 2), CBC IV = iv[0..16]:
 * one native CBC call instead of one call per block (downloads send megabytes through here).
 */
export function aesIgeEncrypt(data: Buffer, key: Buffer, iv: Buffer): Buffer {
  if (data.length % 16 !== 0) throw new RangeError(`IGE data length ${data.length} is not a multiple of 16`)
  const n = data.length
  const pPrime = Buffer.allocUnsafe(n)
  data.copy(pPrime, 0, 0, Math.min(16, n))
  if (n > 16) xor16(data, 16, iv, 16, pPrime, 16)
  xorLagged(data, data, pPrime, 32, 32)
  const cipher = createCipheriv('aes-256-cbc', key, iv.subarray(0, 16)).setAutoPadding(false)
  const y = cipher.update(pPrime)
  const rest = cipher.final() // empty: the input is whole blocks and padding is off
  if (rest.length !== 0) throw new Error('AES-CBC left bytes over a whole-block input')
  // c_i = y_i ⊕ p_{i-1}
  xor16(y, 0, iv, 16, y, 0)
  xorLagged(y, data, y, 16, 16)
  return y
}

/** AES-256-IGE decryption; `data` length must be a multiple of 16, `iv` is 32 bytes. */
export function aesIgeDecrypt(data: Buffer, key: Buffer, iv: Buffer): Buffer {
  if (data.length % 16 !== 0) throw new RangeError(`IGE data length ${data.length} is not a multiple of 16`)
  const decipher = createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false)
  const out = Buffer.alloc(data.length)
  let prevC = iv.subarray(0, 16)
  let prevP = iv.subarray(16, 32)
  const block = Buffer.alloc(16)
  for (let off = 0; off < data.length; off += 16) {
    xor16(data, off, prevP, 0, block, 0)
    const dec = decipher.update(block)
    xor16(dec, 0, prevC, 0, out, off)
    prevC = data.subarray(off, off + 16)
    prevP = out.subarray(off, off + 16)
  }
  return out
}

/** `x` of the MTProto 2.0 key derivation: 0 for client→server messages, 8 for server→client. */
export type Direction = 0 | 8

/** msg_key = middle 128 bits of SHA256(substr(auth_key, 88+x, 32) + plaintext + padding). */
export function msgKeyFor(authKey: Buffer, plaintextWithPadding: Buffer, x: Direction): Buffer {
  return sha256(authKey.subarray(88 + x, 88 + x + 32), plaintextWithPadding).subarray(8, 24)
}

/** The AES key and IV of MTProto 2.0 for a given msg_key. */
export function aesKeyIv(authKey: Buffer, msgKey: Buffer, x: Direction): { key: Buffer; iv: Buffer } {
  const a = sha256(msgKey, authKey.subarray(x, x + 36))
  const b = sha256(authKey.subarray(40 + x, 40 + x + 36), msgKey)
  return {
    key: Buffer.concat([a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)]),
    iv: Buffer.concat([b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)]),
  }
}

/** auth_key_id: the 64 lower-order bits of SHA1(auth_key), read little-endian like every TL long. */
export function authKeyIdOf(authKey: Buffer): bigint {
  return sha1(authKey).readBigUInt64LE(12)
}

/**
 * Encrypts an MTProto 2.0 message: `plaintext` is salt+session_id+msg_id+seq_no+length+body; 12–1024 bytes of
 * random padding are appended so the total is a multiple of 16. Returns auth_key_id + msg_key + encrypted data.
 */
export function encryptMessage(authKey: Buffer, authKeyId: bigint, plaintext: Buffer, x: Direction): Buffer {
  return Buffer.concat(encryptMessageParts(authKey, authKeyId, [plaintext], x))
}

/**
 * {@link encryptMessage} for a plaintext given in pieces, returned as two pieces (auth_key_id + msg_key, encrypted
 * data) for the transport to frame: a megabyte file part is copied once into the padded plaintext, not per layer.
 */
export function encryptMessageParts(authKey: Buffer, authKeyId: bigint, plaintext: readonly Buffer[], x: Direction): [Buffer, Buffer] {
  let length = 0
  for (const part of plaintext) length += part.length
  let padLen = 12 + ((16 - ((length + 12) % 16)) % 16)
  // a little extra random padding (still ≤ 1024) hides the exact length
  padLen += 16 * randomInt(0, 4)
  const withPadding = Buffer.allocUnsafe(length + padLen)
  let at = 0
  for (const part of plaintext) at += part.copy(withPadding, at)
  randomFillSync(withPadding, length, padLen)
  const msgKey = msgKeyFor(authKey, withPadding, x)
  const { key, iv } = aesKeyIv(authKey, msgKey, x)
  const head = Buffer.allocUnsafe(24)
  head.writeBigUInt64LE(authKeyId)
  msgKey.copy(head, 8)
  return [head, aesIgeEncrypt(withPadding, key, iv)]
}

/**
 * Decrypts the part after auth_key_id (msg_key + encrypted data). Returns undefined when the msg_key does not
 * match the decrypted plaintext (the message must then be refused) or the length is not a multiple of 16.
 */
export function decryptMessage(authKey: Buffer, msgKeyAndData: Buffer, x: Direction): Buffer | undefined {
  if (msgKeyAndData.length < 16 + 32 || (msgKeyAndData.length - 16) % 16 !== 0) return undefined
  const msgKey = msgKeyAndData.subarray(0, 16)
  const { key, iv } = aesKeyIv(authKey, msgKey, x)
  const plain = aesIgeDecrypt(msgKeyAndData.subarray(16), key, iv)
  if (!msgKeyFor(authKey, plain, x).equals(msgKey)) return undefined
  return plain
}

/**
 * The handshake's temporary AES key and IV (auth_key step 4):
 * tmp_aes_key = SHA1(new_nonce + server_nonce) + substr(SHA1(server_nonce + new_nonce), 0, 12);
 * tmp_aes_iv = substr(SHA1(server_nonce + new_nonce), 12, 8) + SHA1(new_nonce + new_nonce) + substr(new_nonce, 0, 4).
 * Nonces are their TL bytes (int128 / int256, little-endian as serialized).
 */
export function tmpAesKeyIv(serverNonce: Buffer, newNonce: Buffer): { key: Buffer; iv: Buffer } {
  const ns = sha1(newNonce, serverNonce)
  const sn = sha1(serverNonce, newNonce)
  const nn = sha1(newNonce, newNonce)
  return {
    key: Buffer.concat([ns, sn.subarray(0, 12)]),
    iv: Buffer.concat([sn.subarray(12, 20), nn, newNonce.subarray(0, 4)]),
  }
}

/** Big-endian unsigned bytes → bigint. */
export function bytesToBigInt(b: Buffer): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${b.toString('hex')}`)
}

/** bigint → big-endian unsigned bytes, left-padded to `length` (or minimal when omitted). */
export function bigIntToBytes(n: bigint, length?: number): Buffer {
  let hex = n.toString(16)
  if (hex.length % 2 === 1) hex = `0${hex}`
  const raw = Buffer.from(hex === '00' && length === undefined ? '' : hex, 'hex')
  if (length === undefined) return raw.length === 0 ? Buffer.from([0]) : raw
  if (raw.length > length) throw new RangeError(`number needs ${raw.length} bytes, more than ${length}`)
  return Buffer.concat([Buffer.alloc(length - raw.length), raw])
}

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n
  let b = base % mod
  let e = exp
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod
    e >>= 1n
    b = (b * b) % mod
  }
  return result
}

/** The emulator's RSA-2048 key pair. */
export interface RsaKeyPair {
  readonly n: bigint
  readonly e: bigint
  readonly d: bigint
  /** PKCS#1 PEM of the public key. */
  readonly pem: string
}

function b64uToBigInt(s: string): bigint {
  return bytesToBigInt(Buffer.from(s, 'base64url'))
}

/**
 * Generates a fresh RSA-2048 key pair (e = 65537).
 *
 * The keys come out of the generation already encoded, and the private one is read back through a key object of its
 * own: exporting a key object that `generateKeyPairSync` returned can deadlock Node 20 for good (the export holds the
 * key's mutex while it allocates; a collection then finalizes the finished generation job, whose destructor takes
 * the same mutex: `ExportJWK` → `CollectGarbage` → `~KeyGenJob` → `uv_mutex_lock`, seen in a hung test worker and
 * reproduced by generating keys in a loop under memory pressure).
 */
export function generateRsaKeyPair(): RsaKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicExponent: 65537,
    publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'der' },
  })
  const jwk = createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs1' }).export({ format: 'jwk' })
  if (jwk.n === undefined || jwk.e === undefined || jwk.d === undefined) throw new Error('RSA JWK export lacks n/e/d')
  return { n: b64uToBigInt(jwk.n), e: b64uToBigInt(jwk.e), d: b64uToBigInt(jwk.d), pem: publicKey }
}

/** TL `bytes` serialization (length prefix, 4-byte alignment). */
export function tlBytes(data: Buffer): Buffer {
  let head: Buffer
  if (data.length < 254) head = Buffer.from([data.length])
  else head = Buffer.from([254, data.length & 0xff, (data.length >> 8) & 0xff, (data.length >> 16) & 0xff])
  const total = head.length + data.length
  return Buffer.concat([head, data, Buffer.alloc((4 - (total % 4)) % 4)])
}

/**
 * The key fingerprint: the 64 lower-order bits of SHA1(rsa_public_key n:bytes e:bytes) (bare type, no constructor),
 * as the signed little-endian long every client compares.
 */
export function rsaFingerprint(n: bigint, e: bigint): bigint {
  return sha1(tlBytes(bigIntToBytes(n)), tlBytes(bigIntToBytes(e))).readBigInt64LE(12)
}

/** Raw RSA: m^e mod n (or c^d mod n), on 256-byte big-endian strings. */
export function rsaRaw(data: Buffer, exp: bigint, n: bigint): Buffer {
  return bigIntToBytes(modPow(bytesToBigInt(data), exp, n), 256)
}

/**
 * Server side of RSA_PAD (auth_key step 4.1): returns the 192-byte `data_with_padding` or undefined when the hash
 * check fails (then the client used something else, or garbage).
 */
export function rsaPadDecrypt(encrypted: Buffer, key: RsaKeyPair): Buffer | undefined {
  const m = bytesToBigInt(encrypted)
  if (encrypted.length !== 256 || m >= key.n) return undefined
  const keyAesEncrypted = rsaRaw(encrypted, key.d, key.n)
  const tempKeyXor = keyAesEncrypted.subarray(0, 32)
  const aesEncrypted = keyAesEncrypted.subarray(32)
  const h = sha256(aesEncrypted)
  const tempKey = Buffer.alloc(32)
  for (let i = 0; i < 32; i++) tempKey[i] = (tempKeyXor[i] ?? 0) ^ (h[i] ?? 0)
  const dataWithHash = aesIgeDecrypt(aesEncrypted, tempKey, Buffer.alloc(32))
  const dataWithPadding = Buffer.from(dataWithHash.subarray(0, 192)).reverse()
  if (!sha256(tempKey, dataWithPadding).equals(dataWithHash.subarray(192, 224))) return undefined
  return dataWithPadding
}

/** Client side of RSA_PAD, for tests and other tools: `data` ≤ 144 bytes. */
export function rsaPadEncrypt(data: Buffer, n: bigint, e: bigint): Buffer {
  if (data.length > 144) throw new RangeError('RSA_PAD data is longer than 144 bytes')
  const dataWithPadding = Buffer.concat([data, randomBytes(192 - data.length)])
  const reversed = Buffer.from(dataWithPadding).reverse()
  for (;;) {
    const tempKey = randomBytes(32)
    const dataWithHash = Buffer.concat([reversed, sha256(tempKey, dataWithPadding)])
    const aesEncrypted = aesIgeEncrypt(dataWithHash, tempKey, Buffer.alloc(32))
    const h = sha256(aesEncrypted)
    const tempKeyXor = Buffer.alloc(32)
    for (let i = 0; i < 32; i++) tempKeyXor[i] = (tempKey[i] ?? 0) ^ (h[i] ?? 0)
    const keyAesEncrypted = Buffer.concat([tempKeyXor, aesEncrypted])
    if (bytesToBigInt(keyAesEncrypted) >= n) continue
    return rsaRaw(keyAesEncrypted, e, n)
  }
}

/**
 * Server side of the legacy encryption (`encrypted_data := RSA(SHA1(data) + data + random bytes)`, 255 bytes):
 * returns the buffer that starts with the TL data; the caller parses it and checks {@link legacyHashMatches}.
 */
export function rsaLegacyDecrypt(encrypted: Buffer, key: RsaKeyPair): { hash: Buffer; rest: Buffer } | undefined {
  if (encrypted.length !== 256 || bytesToBigInt(encrypted) >= key.n) return undefined
  const plain = rsaRaw(encrypted, key.d, key.n)
  if (plain[0] !== 0) return undefined
  return { hash: plain.subarray(1, 21), rest: plain.subarray(21) }
}

/** Miller–Rabin with fixed bases (deterministic below 3.3·10^24, far beyond 31-bit candidates). */
export function isProbablePrime(n: bigint): boolean {
  if (n < 2n) return false
  for (const p of [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n]) {
    if (n === p) return true
    if (n % p === 0n) return false
  }
  let d = n - 1n
  let s = 0
  while (d % 2n === 0n) {
    d /= 2n
    s++
  }
  outer: for (const a of [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n]) {
    let x = modPow(a, d, n)
    if (x === 1n || x === n - 1n) continue
    for (let r = 1; r < s; r++) {
      x = (x * x) % n
      if (x === n - 1n) continue outer
    }
    return false
  }
  return true
}

/** pq for resPQ: the product of two distinct random 31-bit primes p < q (so pq < 2^63). */
export function generatePq(): { p: bigint; q: bigint; pq: bigint } {
  const prime = (): bigint => {
    for (;;) {
      const c = BigInt(randomInt(2 ** 30, 2 ** 31)) | 1n
      if (isProbablePrime(c)) return c
    }
  }
  const a = prime()
  let b = prime()
  while (b === a) b = prime()
  const [p, q] = a < b ? [a, b] : [b, a]
  return { p, q, pq: p * q }
}

/**
 * Telegram's 2048-bit safe prime (https://core.telegram.org/mtproto/security_guidelines, the value the server
 * sends in server_DH_inner_data), with g = 3: clients check p ≡ 2 (mod 3) for g = 3, which holds.
 */
export const DH_PRIME = BigInt(
  '0xc71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b',
)
export const DH_G = 3
