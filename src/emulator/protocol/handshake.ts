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
import { randomBytes } from 'node:crypto'
import type { AuthKeyState } from '../rpc.js'
import { TlReader, type TlObject } from '../tl/codec.js'
import { service } from './answer.js'
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

const INNER_DATA = new Set(['p_q_inner_data', 'p_q_inner_data_dc', 'p_q_inner_data_temp', 'p_q_inner_data_temp_dc'])
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
    let obj: TlObject
    try {
      obj = new TlReader(body).object()
    } catch {
      fail('unparsable unencrypted message')
    }
    if (obj._ === 'req_pq_multi' || obj._ === 'req_pq') return this.reqPq(obj['nonce'] as Buffer)
    if (obj._ === 'req_DH_params') return this.reqDhParams(obj)
    if (obj._ === 'set_client_DH_params') return this.setClientDhParams(obj)
    return fail(`unexpected unencrypted ${obj._}`)
  }

  private reqPq(nonce: Buffer): Buffer {
    this.nonce = Buffer.from(nonce)
    this.serverNonce = randomBytes(16)
    const { p, q, pq } = generatePq()
    this.p = p
    this.q = q
    this.newNonce = undefined
    this.done = false
    return service({
      _: 'resPQ',
      nonce: this.nonce,
      server_nonce: this.serverNonce,
      pq: bigIntToBytes(pq),
      server_public_key_fingerprints: [this.opts.fingerprint],
    })
  }

  private checkNonces(obj: TlObject): void {
    if (this.nonce === undefined || this.serverNonce === undefined) fail('no req_pq before this step')
    if (!(obj['nonce'] as Buffer).equals(this.nonce)) fail('nonce mismatch')
    if (!(obj['server_nonce'] as Buffer).equals(this.serverNonce)) fail('server_nonce mismatch')
  }

  private reqDhParams(req: TlObject): Buffer {
    this.checkNonces(req)
    if (this.newNonce !== undefined) fail('req_DH_params repeated')
    if (bytesToBigInt(req['p'] as Buffer) !== this.p || bytesToBigInt(req['q'] as Buffer) !== this.q) {
      fail('p/q do not factor pq')
    }
    if (req['public_key_fingerprint'] !== this.opts.fingerprint) fail('unknown key fingerprint')
    const inner = this.decryptInner(req['encrypted_data'] as Buffer)
    if (!(inner['nonce'] as Buffer).equals(this.nonce!) || !(inner['server_nonce'] as Buffer).equals(this.serverNonce!)) {
      fail('inner data nonces mismatch')
    }
    const num = (field: string): bigint => bytesToBigInt(inner[field] as Buffer)
    if (num('pq') !== this.p * this.q || num('p') !== this.p || num('q') !== this.q) fail('inner data p/q mismatch')
    const dc = inner['dc'] as number | undefined
    if (dc !== undefined && Math.abs(dc) % 10000 !== this.opts.dcId) {
      fail(`inner data is for DC ${dc}, this is DC ${this.opts.dcId}`)
    }
    this.expiresIn = inner['expires_in'] as number | undefined
    this.newNonce = inner['new_nonce'] as Buffer

    let ga: bigint
    do {
      this.a = bytesToBigInt(randomBytes(256)) % DH_PRIME
      ga = modPow(BigInt(DH_G), this.a, DH_PRIME)
    } while (ga <= LOW || ga >= DH_PRIME - LOW)
    const answer = service({
      _: 'server_DH_inner_data',
      nonce: this.nonce!,
      server_nonce: this.serverNonce!,
      g: DH_G,
      dh_prime: bigIntToBytes(DH_PRIME, 256),
      g_a: bigIntToBytes(ga, 256),
      server_time: this.now(),
    })
    const withHash = Buffer.concat([sha1(answer), answer])
    const padded = Buffer.concat([withHash, randomBytes((16 - (withHash.length % 16)) % 16)])
    const { key, iv } = tmpAesKeyIv(this.serverNonce!, this.newNonce)
    return service({
      _: 'server_DH_params_ok',
      nonce: this.nonce!,
      server_nonce: this.serverNonce!,
      encrypted_answer: aesIgeEncrypt(padded, key, iv),
    })
  }

  /** `p_q_inner_data` (any of its four forms) from `req_DH_params`'s encrypted_data. */
  private decryptInner(encrypted: Buffer): TlObject {
    const padded = rsaPadDecrypt(encrypted, this.opts.rsa)
    if (padded !== undefined) {
      try {
        const o = new TlReader(padded).object()
        if (INNER_DATA.has(o._)) return o
      } catch {
        // fall through to the legacy form
      }
    }
    const legacy = rsaLegacyDecrypt(encrypted, this.opts.rsa)
    if (legacy !== undefined) {
      try {
        const reader = new TlReader(legacy.rest)
        const o = reader.object()
        const used = legacy.rest.length - reader.remaining
        if (INNER_DATA.has(o._) && sha1(legacy.rest.subarray(0, used)).equals(legacy.hash)) return o
      } catch {
        // refused below
      }
    }
    return fail('encrypted_data is neither RSA_PAD nor legacy p_q_inner_data')
  }

  private setClientDhParams(req: TlObject): Buffer {
    this.checkNonces(req)
    if (this.newNonce === undefined || this.done) fail('set_client_DH_params out of order')
    const { key, iv } = tmpAesKeyIv(this.serverNonce!, this.newNonce)
    const data = req['encrypted_data'] as Buffer
    if (data.length % 16 !== 0 || data.length < 32) fail('client DH data is not whole blocks')
    const plain = aesIgeDecrypt(data, key, iv)
    let inner: TlObject
    let innerLen = 0
    try {
      const reader = new TlReader(plain.subarray(20))
      inner = reader.object()
      innerLen = plain.length - 20 - reader.remaining
    } catch {
      fail('client DH inner data unparsable')
    }
    if (inner._ !== 'client_DH_inner_data') fail('client DH inner data of the wrong type')
    if (plain.length - 20 - innerLen >= 16) fail('client DH inner data padded by 16 bytes or more')
    if (!sha1(plain.subarray(20, 20 + innerLen)).equals(plain.subarray(0, 20))) fail('client DH inner data hash')
    if (!(inner['nonce'] as Buffer).equals(this.nonce!) || !(inner['server_nonce'] as Buffer).equals(this.serverNonce!)) {
      fail('client DH inner data nonces')
    }
    const gb = bytesToBigInt(inner['g_b'] as Buffer)
    if (gb <= LOW || gb >= DH_PRIME - LOW) fail('g_b out of the safe range')
    const authKey = bigIntToBytes(modPow(gb, this.a, DH_PRIME), 256)
    const auxHash = sha1(authKey).subarray(0, 8)
    const authKeyId = authKeyIdOf(authKey)
    const nonceHash = (n: number): Buffer => sha1(this.newNonce!, Buffer.from([n]), auxHash).subarray(4, 20)
    if (this.opts.keys.has(authKeyId)) {
      // A collision of auth_key_id: the spec's answer is dh_gen_retry with new_nonce_hash2.
      return service({
        _: 'dh_gen_retry',
        nonce: this.nonce!,
        server_nonce: this.serverNonce!,
        new_nonce_hash2: nonceHash(2),
      })
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
    return service({ _: 'dh_gen_ok', nonce: this.nonce!, server_nonce: this.serverNonce!, new_nonce_hash1: nonceHash(1) })
  }
}
