/**
 * The server side of the auth-key exchange (https://core.telegram.org/mtproto/auth_key), over unencrypted
 * messages: `req_pq_multi`/`req_pq` → `resPQ`, `req_DH_params` → `server_DH_params_ok`, `set_client_DH_params` →
 * `dh_gen_ok`.
 *
 * Strict readings where the spec leaves room:
 * - `req_DH_params` is accepted with RSA_PAD (current spec) or the legacy `SHA1(data) + data + padding`; the inner
 *   data may be `p_q_inner_data`, `_dc`, `_temp` or `_temp_dc`. A `_dc` variant naming another DC is refused.
 *   Temporary keys are stored with their expiry on the key clock; binding them is in pfs.ts.
 * - Any failed check (nonce, p/q, fingerprint, hash, g_b range) is answered with transport error -404 and the
 *   connection is closed, as Telegram does for undecryptable handshake messages.
 */
import bigInt from 'big-integer'
import { randomBytes } from 'node:crypto'
import { Api } from 'telegram'
import { BinaryReader } from 'telegram/extensions/index.js'
import { readBigIntFromBuffer, readBufferFromBigInt } from 'telegram/Helpers.js'
import type { AuthKeyState } from '../rpc.js'
import {
  DH_G,
  DH_PRIME,
  aesIgeDecrypt,
  aesIgeEncrypt,
  authKeyIdOf,
  bigIntToBytes,
  bytesToBigInt,
  generatePq,
  modPow,
  rsaLegacyDecrypt,
  rsaPadDecrypt,
  sha1,
  tmpAesKeyIv,
  type RsaKeyPair,
} from './crypto.js'
import { TransportViolation } from './transport.js'

/** A stored auth key with the application layer's state for it. */
export interface AuthKeyRecord {
  readonly key: Buffer
  readonly state: AuthKeyState
  /** Unix time on the key clock the key stops working (temporary keys only; a binding may bring it forward). */
  expiresAt: number | undefined
  /** The permanent key this temporary key is bound to (`auth.bindTempAuthKey`, see pfs.ts). */
  perm?: AuthKeyRecord | undefined
  /** The temporary key bound to this permanent key, if any. */
  boundTemp?: AuthKeyRecord | undefined
  /** The server salts valid for this key, newest last (see the session layer). */
  readonly salts: { salt: bigint; validSince: number; validUntil: number }[]
}

/** Auth keys of one DC, by auth_key_id. */
export type AuthKeyStore = Map<bigint, AuthKeyRecord>

/** What a handshake needs from its server. */
export interface HandshakeOptions {
  readonly dcId: number
  readonly rsa: RsaKeyPair
  /** Fingerprint of {@link rsa} (signed, as TL long). */
  readonly fingerprint: bigint
  readonly keys: AuthKeyStore
  /** Called once an auth key has been created. */
  readonly onKey?: (record: AuthKeyRecord) => void
  readonly nowMs?: () => number
  /** The clock temporary keys expire by (the application's clock, movable in tests). Default {@link nowMs}. */
  readonly keyNowMs?: () => number
}

const int128 = (b: Buffer): bigInt.BigInteger => readBigIntFromBuffer(b, true, true)
const bytesOf = (x: bigInt.BigInteger, len: number): Buffer => readBufferFromBigInt(x, len, true, true)
const LOW = 1n << (2048n - 64n)

function fail(msg: string): never {
  throw new TransportViolation(`handshake: ${msg}`)
}

/** Salt lifetime: Telegram's salts live about an hour; the emulator uses 30 minutes per salt. */
export const SALT_LIFETIME_S = 1800

/** One connection's handshake state. */
export class Handshake {
  private nonce: Buffer | undefined
  private serverNonce: Buffer | undefined
  private p = 0n
  private q = 0n
  private newNonce: Buffer | undefined
  private a = 0n
  private expiresIn: number | undefined
  private done = false

  constructor(private readonly opts: HandshakeOptions) {}

  private now(): number {
    return Math.floor((this.opts.nowMs ?? Date.now)() / 1000)
  }

  /**
   * Answers one unencrypted message body (a handshake request) with the body of the reply.
   * Throws {@link TransportViolation} when the message is not a valid step of the exchange.
   */
  handle(body: Buffer): Buffer {
    let obj: unknown
    try {
      obj = new BinaryReader(body).tgReadObject()
    } catch {
      fail('unparsable unencrypted message')
    }
    if (obj instanceof Api.ReqPqMulti || obj instanceof Api.ReqPq) return this.reqPq(body.subarray(4, 20))
    if (obj instanceof Api.ReqDHParams) return this.reqDhParams(obj, body)
    if (obj instanceof Api.SetClientDHParams) return this.setClientDhParams(obj, body)
    return fail(`unexpected unencrypted ${(obj as { className?: string } | null)?.className ?? 'object'}`)
  }

  private reqPq(nonce: Buffer): Buffer {
    this.nonce = Buffer.from(nonce)
    this.serverNonce = randomBytes(16)
    const { p, q, pq } = generatePq()
    this.p = p
    this.q = q
    this.newNonce = undefined
    this.done = false
    return new Api.ResPQ({
      nonce: int128(this.nonce),
      serverNonce: int128(this.serverNonce),
      pq: bigIntToBytes(pq),
      serverPublicKeyFingerprints: [bigInt(this.opts.fingerprint.toString())],
    }).getBytes()
  }

  private checkNonces(body: Buffer): void {
    if (this.nonce === undefined || this.serverNonce === undefined) fail('no req_pq before this step')
    if (!body.subarray(4, 20).equals(this.nonce)) fail('nonce mismatch')
    if (!body.subarray(20, 36).equals(this.serverNonce)) fail('server_nonce mismatch')
  }

  private reqDhParams(req: Api.ReqDHParams, body: Buffer): Buffer {
    this.checkNonces(body)
    if (this.newNonce !== undefined) fail('req_DH_params repeated')
    if (bytesToBigInt(req.p) !== this.p || bytesToBigInt(req.q) !== this.q) fail('p/q do not factor pq')
    if (BigInt(req.publicKeyFingerprint.toString()) !== this.opts.fingerprint) fail('unknown key fingerprint')
    const inner = this.decryptInner(req.encryptedData)
    if (!inner.nonce.eq(int128(this.nonce!)) || !inner.serverNonce.eq(int128(this.serverNonce!))) {
      fail('inner data nonces mismatch')
    }
    if (bytesToBigInt(inner.pq) !== this.p * this.q || bytesToBigInt(inner.p) !== this.p || bytesToBigInt(inner.q) !== this.q) {
      fail('inner data p/q mismatch')
    }
    if (
      (inner instanceof Api.PQInnerDataDc || inner instanceof Api.PQInnerDataTempDc) &&
      Math.abs(inner.dc) % 10000 !== this.opts.dcId
    ) {
      fail(`inner data is for DC ${inner.dc}, this is DC ${this.opts.dcId}`)
    }
    this.expiresIn =
      inner instanceof Api.PQInnerDataTemp || inner instanceof Api.PQInnerDataTempDc ? inner.expiresIn : undefined
    this.newNonce = bytesOf(inner.newNonce, 32)

    let ga: bigint
    do {
      this.a = bytesToBigInt(randomBytes(256)) % DH_PRIME
      ga = modPow(BigInt(DH_G), this.a, DH_PRIME)
    } while (ga <= LOW || ga >= DH_PRIME - LOW)
    const answer = new Api.ServerDHInnerData({
      nonce: int128(this.nonce!),
      serverNonce: int128(this.serverNonce!),
      g: DH_G,
      dhPrime: bigIntToBytes(DH_PRIME, 256),
      gA: bigIntToBytes(ga, 256),
      serverTime: this.now(),
    }).getBytes()
    const withHash = Buffer.concat([sha1(answer), answer])
    const padded = Buffer.concat([withHash, randomBytes((16 - (withHash.length % 16)) % 16)])
    const { key, iv } = tmpAesKeyIv(this.serverNonce!, this.newNonce)
    return new Api.ServerDHParamsOk({
      nonce: int128(this.nonce!),
      serverNonce: int128(this.serverNonce!),
      encryptedAnswer: aesIgeEncrypt(padded, key, iv),
    }).getBytes()
  }

  private decryptInner(
    encrypted: Buffer,
  ): Api.PQInnerData | Api.PQInnerDataDc | Api.PQInnerDataTemp | Api.PQInnerDataTempDc {
    const isInner = (
      o: unknown,
    ): o is Api.PQInnerData | Api.PQInnerDataDc | Api.PQInnerDataTemp | Api.PQInnerDataTempDc =>
      o instanceof Api.PQInnerData ||
      o instanceof Api.PQInnerDataDc ||
      o instanceof Api.PQInnerDataTemp ||
      o instanceof Api.PQInnerDataTempDc
    const padded = rsaPadDecrypt(encrypted, this.opts.rsa)
    if (padded !== undefined) {
      try {
        const o: unknown = new BinaryReader(padded).tgReadObject()
        if (isInner(o)) return o
      } catch {
        // fall through to the legacy form
      }
    }
    const legacy = rsaLegacyDecrypt(encrypted, this.opts.rsa)
    if (legacy !== undefined) {
      try {
        const reader = new BinaryReader(legacy.rest)
        const o: unknown = reader.tgReadObject()
        if (isInner(o) && sha1(legacy.rest.subarray(0, reader.tellPosition())).equals(legacy.hash)) return o
      } catch {
        // refused below
      }
    }
    return fail('encrypted_data is neither RSA_PAD nor legacy p_q_inner_data')
  }

  private setClientDhParams(req: Api.SetClientDHParams, body: Buffer): Buffer {
    this.checkNonces(body)
    if (this.newNonce === undefined || this.done) fail('set_client_DH_params out of order')
    const { key, iv } = tmpAesKeyIv(this.serverNonce!, this.newNonce)
    if (req.encryptedData.length % 16 !== 0 || req.encryptedData.length < 32) fail('client DH data is not whole blocks')
    const plain = aesIgeDecrypt(req.encryptedData, key, iv)
    let inner: unknown
    let innerLen = 0
    try {
      const reader = new BinaryReader(plain.subarray(20))
      inner = reader.tgReadObject()
      innerLen = reader.tellPosition()
    } catch {
      fail('client DH inner data unparsable')
    }
    if (!(inner instanceof Api.ClientDHInnerData)) fail('client DH inner data of the wrong type')
    if (plain.length - 20 - innerLen >= 16) fail('client DH inner data padded by 16 bytes or more')
    if (!sha1(plain.subarray(20, 20 + innerLen)).equals(plain.subarray(0, 20))) fail('client DH inner data hash')
    if (!inner.nonce.eq(int128(this.nonce!)) || !inner.serverNonce.eq(int128(this.serverNonce!))) {
      fail('client DH inner data nonces')
    }
    const gb = bytesToBigInt(inner.gB)
    if (gb <= LOW || gb >= DH_PRIME - LOW) fail('g_b out of the safe range')
    const authKey = bigIntToBytes(modPow(gb, this.a, DH_PRIME), 256)
    const auxHash = sha1(authKey).subarray(0, 8)
    const authKeyId = authKeyIdOf(authKey)
    const nonceHash = (n: number): bigInt.BigInteger =>
      int128(sha1(this.newNonce!, Buffer.from([n]), auxHash).subarray(4, 20))
    if (this.opts.keys.has(authKeyId)) {
      // A collision of auth_key_id: the spec's answer is dh_gen_retry with new_nonce_hash2.
      return new Api.DhGenRetry({
        nonce: int128(this.nonce!),
        serverNonce: int128(this.serverNonce!),
        newNonceHash2: nonceHash(2),
      }).getBytes()
    }
    this.done = true
    const now = this.now()
    const salt = this.newNonce.readBigInt64LE(0) ^ this.serverNonce!.readBigInt64LE(0)
    const record: AuthKeyRecord = {
      key: authKey,
      state: { authKeyId, dcId: this.opts.dcId, userId: undefined, connection: undefined, data: new Map() },
      expiresAt:
        this.expiresIn === undefined
          ? undefined
          : Math.floor((this.opts.keyNowMs ?? this.opts.nowMs ?? Date.now)() / 1000) + this.expiresIn,
      salts: [{ salt, validSince: now - 1, validUntil: now + SALT_LIFETIME_S }],
    }
    this.opts.keys.set(authKeyId, record)
    this.opts.onKey?.(record)
    return new Api.DhGenOk({
      nonce: int128(this.nonce!),
      serverNonce: int128(this.serverNonce!),
      newNonceHash1: nonceHash(1),
    }).getBytes()
  }
}
