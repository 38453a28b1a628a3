/**
 * Logging in and out: `auth.sendCode`, `auth.signIn`, 2FA (`account.getPassword`, `auth.checkPassword` with SRP),
 * copying a login to another DC (`auth.exportAuthorization`/`auth.importAuthorization`) and `auth.logOut`.
 *
 * - Login codes expire after 5 minutes (`PHONE_CODE_EXPIRED`); each `phone_code_hash` works for one sign-in.
 * - Every test account lives on the world's home DC: `auth.sendCode`/`auth.signIn` elsewhere answer
 *   303 `PHONE_MIGRATE_X`.
 * - An authorization copied to another DC is part of the login it came from, as Telegram lists them as one
 *   session: `auth.logOut` on any of its keys ends it on all of them, and bytes exported before the login ended no
 *   longer import (`AUTH_BYTES_INVALID`). A key that signs in or imports again leaves the login it was part of.
 */
import { createHmac, randomBytes } from 'node:crypto'
import type { AuthKeyState, CallContext } from '../rpc.js'
import type { TlObject } from '../tl/codec.js'
import { bytes, int, long, obj, optStr, str } from '../tl/fields.js'
import type { UserMeta } from '../world.js'
import { err, type AppCore, type Handler } from './core.js'
import { SRP_G, SRP_PRIME, checkM1, passwordHash, startRound, verifier, type SrpRound } from './srp.js'

const CODE_TTL_MS = 5 * 60 * 1000
/** `AuthKeyState.data` entry of a key authorized by import: the key of the authorization it was copied from. */
const ROOT = 'authorizationRoot'
/** `AuthKeyState.data` entry of a key that exported its authorization: the keys it was imported on. */
const LINKED = 'linkedKeys'

/** The key whose login `auth` shares (itself unless it was authorized by `auth.importAuthorization`). */
function authorizationRoot(auth: AuthKeyState): AuthKeyState {
  return (auth.data.get(ROOT) as AuthKeyState | undefined) ?? auth
}

/** The keys `root`'s login was imported on. */
function linkedKeys(root: AuthKeyState): Set<AuthKeyState> {
  let set = root.data.get(LINKED) as Set<AuthKeyState> | undefined
  if (set === undefined) {
    set = new Set()
    root.data.set(LINKED, set)
  }
  return set
}

/** Takes `auth` out of the login it was imported from, if any. */
function detach(auth: AuthKeyState): void {
  const root = auth.data.get(ROOT) as AuthKeyState | undefined
  if (root === undefined) return
  linkedKeys(root).delete(auth)
  auth.data.delete(ROOT)
}

function normalizePhone(phone: string): string {
  return phone.replace(/^\+/, '').replace(/[\s-]/g, '')
}

const KDF_ALGO = 'passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow'

/** The login handlers over one world. */
export class Login {
  private readonly codes = new Map<string, { phone: string; issuedMs: number }>()
  private readonly exported = new Map<string, { userId: bigint; dcId: number; root: AuthKeyState }>()
  private readonly verifiers = new Map<bigint, bigint>()

  constructor(private readonly core: AppCore) {}

  handlers(): Record<string, Handler> {
    return {
      'auth.sendCode': (r, ctx) => this.sendCode(r, ctx),
      'auth.signIn': (r, ctx) => this.signIn(r, ctx),
      'account.getPassword': (_r, ctx) => this.getPassword(ctx),
      'auth.checkPassword': (r, ctx) => this.checkPassword(r, ctx),
      'auth.exportAuthorization': (r, ctx) => this.exportAuthorization(r, ctx),
      'auth.importAuthorization': (r, ctx) => this.importAuthorization(r, ctx),
      'auth.logOut': (_r, ctx) => this.logOut(ctx),
    }
  }

  private get homeDcId(): number {
    return this.core.world.homeDcId
  }

  private sendCode(r: TlObject, ctx: CallContext): TlObject {
    const phone = normalizePhone(str(r, 'phone_number'))
    if (!/^\d{5,15}$/.test(phone)) throw err(400, 'PHONE_NUMBER_INVALID')
    const apiId = int(r, 'api_id')
    if (!Number.isInteger(apiId) || apiId <= 0 || str(r, 'api_hash').length === 0) throw err(400, 'API_ID_INVALID')
    // every account lives on the world's home DC; Telegram sends a login elsewhere there
    if (ctx.dcId !== this.homeDcId) throw err(303, `PHONE_MIGRATE_${this.homeDcId}`)
    const hash = randomBytes(9).toString('hex')
    this.codes.set(hash, { phone, issuedMs: this.core.clock.now() })
    return { _: 'auth.sentCode', type: { _: 'auth.sentCodeTypeApp', length: 5 }, phone_code_hash: hash }
  }

  private signIn(r: TlObject, ctx: CallContext): TlObject {
    const phone = normalizePhone(str(r, 'phone_number'))
    const codeHash = str(r, 'phone_code_hash')
    if (codeHash.length === 0) throw err(400, 'PHONE_CODE_HASH_EMPTY')
    const code = optStr(r, 'phone_code') ?? ''
    if (code.length === 0) throw err(400, 'PHONE_CODE_EMPTY')
    const issued = this.codes.get(codeHash)
    if (issued === undefined || issued.phone !== phone) throw err(400, 'PHONE_CODE_EXPIRED')
    if (this.core.clock.now() - issued.issuedMs > CODE_TTL_MS) {
      this.codes.delete(codeHash)
      throw err(400, 'PHONE_CODE_EXPIRED')
    }
    if (ctx.dcId !== this.homeDcId) throw err(303, `PHONE_MIGRATE_${this.homeDcId}`)
    const user = this.core.world.userByPhone(phone)
    if (user === undefined || user.account === undefined) throw err(400, 'PHONE_NUMBER_UNOCCUPIED')
    if (code !== user.account.code) throw err(400, 'PHONE_CODE_INVALID')
    this.codes.delete(codeHash)
    if (user.account.password !== undefined) {
      ctx.auth.data.set('pendingPasswordUser', user.id)
      throw err(401, 'SESSION_PASSWORD_NEEDED')
    }
    return this.authorize(ctx.auth, user)
  }

  private authorize(auth: AuthKeyState, user: UserMeta): TlObject {
    detach(auth)
    auth.userId = user.id
    return { _: 'auth.authorization', user: this.core.user(user, user) }
  }

  private salts(user: UserMeta): { salt1: Buffer; salt2: Buffer } {
    const mac = (label: string, n: number): Buffer =>
      createHmac('sha256', this.core.world.secret).update(`${label}/${user.id}`).digest().subarray(0, n)
    return { salt1: Buffer.concat([mac('salt1a', 8), mac('salt1b', 32)]), salt2: mac('salt2', 16) }
  }

  private verifierOf(user: UserMeta, password: string): bigint {
    let v = this.verifiers.get(user.id)
    if (v === undefined) {
      const { salt1, salt2 } = this.salts(user)
      v = verifier(passwordHash(password, salt1, salt2))
      this.verifiers.set(user.id, v)
    }
    return v
  }

  /** The user whose password is asked: the logged-in one, or the one waiting for 2FA on this key. */
  private passwordUser(ctx: CallContext): UserMeta {
    const id = ctx.auth.userId ?? (ctx.auth.data.get('pendingPasswordUser') as bigint | undefined)
    const user = id === undefined ? undefined : this.core.world.userById(id)
    if (user === undefined) throw err(401, 'AUTH_KEY_UNREGISTERED')
    return user
  }

  private getPassword(ctx: CallContext): TlObject {
    const user = this.passwordUser(ctx)
    const { salt1, salt2 } = this.salts(user)
    const common = {
      new_algo: { _: KDF_ALGO, salt1: salt1.subarray(0, 8), salt2, g: SRP_G, p: SRP_PRIME },
      new_secure_algo: { _: 'securePasswordKdfAlgoPBKDF2HMACSHA512iter100000', salt: randomBytes(8) },
      secure_random: randomBytes(256),
    }
    const password = user.account?.password
    if (password === undefined) return { _: 'account.password', has_password: false, ...common }
    const round = startRound(this.verifierOf(user, password))
    const srpId = randomBytes(8).readBigInt64LE(0)
    ctx.auth.data.set('srp', { srpId, round, userId: user.id })
    return {
      _: 'account.password',
      has_password: true,
      current_algo: { _: KDF_ALGO, salt1, salt2, g: SRP_G, p: SRP_PRIME },
      srp_B: round.B,
      srp_id: srpId,
      hint: 'a staple',
      ...common,
    }
  }

  private checkPassword(r: TlObject, ctx: CallContext): TlObject {
    const check = obj(r, 'password')
    if (check._ !== 'inputCheckPasswordSRP') throw err(400, 'PASSWORD_HASH_INVALID')
    const srp = ctx.auth.data.get('srp') as { srpId: bigint; round: SrpRound; userId: bigint } | undefined
    if (srp === undefined || srp.srpId !== long(check, 'srp_id')) throw err(400, 'SRP_ID_INVALID')
    const user = this.core.world.userById(srp.userId)
    const password = user?.account?.password
    if (user === undefined || password === undefined) throw err(400, 'SRP_ID_INVALID')
    const { salt1, salt2 } = this.salts(user)
    if (!checkM1(srp.round, this.verifierOf(user, password), salt1, salt2, bytes(check, 'A'), bytes(check, 'M1'))) {
      throw err(400, 'PASSWORD_HASH_INVALID')
    }
    ctx.auth.data.delete('srp')
    ctx.auth.data.delete('pendingPasswordUser')
    return this.authorize(ctx.auth, user)
  }

  private exportAuthorization(r: TlObject, ctx: CallContext): TlObject {
    const viewer = this.core.viewer(ctx)
    const dcId = int(r, 'dc_id')
    if (dcId === ctx.dcId || !ctx.dcs.some((dc) => dc.id === dcId)) throw err(400, 'DC_ID_INVALID')
    const b = randomBytes(32)
    this.exported.set(b.toString('hex'), { userId: viewer.id, dcId, root: authorizationRoot(ctx.auth) })
    return { _: 'auth.exportedAuthorization', id: viewer.id, bytes: b }
  }

  private importAuthorization(r: TlObject, ctx: CallContext): TlObject {
    const key = bytes(r, 'bytes').toString('hex')
    const e = this.exported.get(key)
    if (e === undefined || e.userId !== long(r, 'id') || e.dcId !== ctx.dcId || e.root.userId !== e.userId) {
      throw err(400, 'AUTH_BYTES_INVALID')
    }
    this.exported.delete(key)
    const user = this.core.world.userById(e.userId)
    if (user === undefined) throw err(400, 'AUTH_BYTES_INVALID')
    const answer = this.authorize(ctx.auth, user)
    ctx.auth.data.set(ROOT, e.root)
    linkedKeys(e.root).add(ctx.auth)
    return answer
  }

  /**
   * Ends the authorization: on this key and on every key it was copied to with export/import (or, on such a copy,
   * on the key it came from and all its copies): Telegram shows and ends them as one session.
   */
  private logOut(ctx: CallContext): TlObject {
    const root = authorizationRoot(ctx.auth)
    for (const key of [root, ...linkedKeys(root)]) {
      key.userId = undefined
      key.data.delete(ROOT)
    }
    root.data.delete(LINKED)
    return { _: 'auth.loggedOut' }
  }
}
