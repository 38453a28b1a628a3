import { randomBytes } from 'node:crypto'
import { IGE } from 'telegram/crypto/IGE.js'
import { _serverKeys } from 'telegram/crypto/RSA.js'
import {
  DH_G,
  DH_PRIME,
  aesIgeDecrypt,
  aesIgeEncrypt,
  authKeyIdOf,
  bigIntToBytes,
  decryptMessage,
  encryptMessage,
  encryptMessageParts,
  generatePq,
  generateRsaKeyPair,
  isProbablePrime,
  rsaFingerprint,
  rsaPadDecrypt,
  rsaPadEncrypt,
  rsaLegacyDecrypt,
  rsaRaw,
  sha1,
} from '../../../../src/emulator/protocol/crypto.js'

const rsa = generateRsaKeyPair()

describe('aesIge', () => {
  it('matches GramJS IGE both ways', () => {
    const key = randomBytes(32)
    const iv = randomBytes(32)
    const data = randomBytes(16 * 9)
    const ours = aesIgeEncrypt(data, key, iv)
    const theirs = Buffer.from(new IGE(key, iv).encryptIge(data))
    expect(ours.equals(theirs)).toBe(true)
    expect(aesIgeDecrypt(ours, key, iv).equals(data)).toBe(true)
  })

  it.each([1, 2, 3, 64])('matches GramJS IGE for %i block(s)', (blocks) => {
    const key = randomBytes(32)
    const iv = randomBytes(32)
    const data = randomBytes(16 * blocks)
    expect(aesIgeEncrypt(data, key, iv).equals(Buffer.from(new IGE(key, iv).encryptIge(data)))).toBe(true)
  })

  it('matches GramJS IGE for a megabyte, and for input that is not 4-byte aligned (the byte-wise path)', () => {
    const key = randomBytes(32)
    const iv = randomBytes(32)
    const big = randomBytes(1024 * 1024 + 16 * 3)
    expect(aesIgeEncrypt(big, key, iv).equals(Buffer.from(new IGE(key, iv).encryptIge(big)))).toBe(true)
    const backing = randomBytes(16 * 40 + 1)
    const unaligned = backing.subarray(1)
    expect(unaligned.byteOffset % 4).not.toBe(0)
    expect(aesIgeEncrypt(unaligned, key, iv).equals(Buffer.from(new IGE(key, iv).encryptIge(Buffer.from(unaligned))))).toBe(true)
  })

  it('refuses data that is not whole blocks', () => {
    expect(() => aesIgeEncrypt(Buffer.alloc(15), randomBytes(32), randomBytes(32))).toThrow(RangeError)
  })
})

describe('MTProto 2.0 messages', () => {
  const authKey = randomBytes(256)
  const id = authKeyIdOf(authKey)

  it('decrypts with the opposite-direction key only when x matches', () => {
    const plain = randomBytes(40)
    const wire = encryptMessage(authKey, id, plain, 8)
    expect(wire.readBigUInt64LE(0)).toBe(id)
    const dec = decryptMessage(authKey, wire.subarray(8), 8)
    expect(dec?.subarray(0, 40).equals(plain)).toBe(true)
    expect(((dec?.length ?? 0) - 40) >= 12).toBe(true)
    expect(decryptMessage(authKey, wire.subarray(8), 0)).toBeUndefined()
  })

  it('encrypts a plaintext given in pieces like the same plaintext whole', () => {
    const pieces = [randomBytes(32), randomBytes(4), randomBytes(70_001), Buffer.alloc(0), randomBytes(3)]
    const [head, data] = encryptMessageParts(authKey, id, pieces, 8)
    expect(head).toHaveLength(24)
    const wire = Buffer.concat([head, data])
    expect(wire.readBigUInt64LE(0)).toBe(id)
    const plain = decryptMessage(authKey, wire.subarray(8), 8)
    const whole = Buffer.concat(pieces)
    expect(plain?.subarray(0, whole.length).equals(whole)).toBe(true)
    expect((plain?.length ?? 0) - whole.length).toBeGreaterThanOrEqual(12)
    expect((plain?.length ?? 0) - whole.length).toBeLessThanOrEqual(1024)
  })

  it('refuses a tampered msg_key', () => {
    const wire = encryptMessage(authKey, id, randomBytes(64), 0)
    wire[10] = (wire[10] ?? 0) ^ 1
    expect(decryptMessage(authKey, wire.subarray(8), 0)).toBeUndefined()
  })

  it('takes auth_key_id from the low 64 bits of SHA1(auth_key)', () => {
    expect(bigIntToBytes(id, 8).reverse().equals(sha1(authKey).subarray(12, 20))).toBe(true)
  })
})

describe('RSA', () => {
  it('computes the fingerprint GramJS has for Telegram\'s own key', () => {
    const known = _serverKeys.get('-3414540481677951611')
    expect(known).toBeDefined()
    const n = BigInt(known!.n.toString())
    expect(rsaFingerprint(n, 65537n).toString()).toBe('-3414540481677951611')
  })

  it('decrypts RSA_PAD back to the padded data', () => {
    const data = randomBytes(100)
    const enc = rsaPadEncrypt(data, rsa.n, rsa.e)
    const dec = rsaPadDecrypt(enc, rsa)
    expect(dec?.subarray(0, 100).equals(data)).toBe(true)
    expect(dec?.length).toBe(192)
  })

  it('rejects RSA_PAD with a broken hash', () => {
    const enc = rsaPadEncrypt(randomBytes(100), rsa.n, rsa.e)
    const garbage = rsaRaw(randomBytes(255), rsa.e, rsa.n)
    expect(rsaPadDecrypt(garbage, rsa)).toBeUndefined()
    expect(enc.length).toBe(256)
  })

  it('decrypts the legacy sha1 + data + padding form', () => {
    const data = randomBytes(96)
    const plain = Buffer.concat([Buffer.from([0]), sha1(data), data, randomBytes(255 - 20 - 96)])
    const res = rsaLegacyDecrypt(rsaRaw(plain, rsa.e, rsa.n), rsa)
    expect(res?.hash.equals(sha1(data))).toBe(true)
    expect(res?.rest.subarray(0, 96).equals(data)).toBe(true)
  })
})

describe('generatePq', () => {
  it('multiplies two distinct 31-bit primes below 2^63', () => {
    const { p, q, pq } = generatePq()
    expect(p < q).toBe(true)
    expect(isProbablePrime(p) && isProbablePrime(q)).toBe(true)
    expect(p >= 2n ** 30n && q < 2n ** 31n).toBe(true)
    expect(pq < 2n ** 63n).toBe(true)
  })
})

describe('DH_PRIME', () => {
  it('is a 2048-bit safe prime for which g = 3 generates the q-subgroup', () => {
    expect(DH_PRIME.toString(2).length).toBe(2048)
    expect(isProbablePrime(DH_PRIME)).toBe(true)
    expect(isProbablePrime((DH_PRIME - 1n) / 2n)).toBe(true)
    expect(DH_PRIME % 3n).toBe(2n)
    expect(DH_G).toBe(3)
  })
})
