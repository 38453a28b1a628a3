/**
 * The emulator's application layer: answers parsed API queries from the seeded {@link World} with Telegram's
 * behaviour, injects the configured faults and counts everything.
 *
 * Strict readings where Telegram's documentation is silent (written down here, as the issue asks):
 * - Every method except `help.getConfig`, `help.getNearestDc`, `auth.sendCode`, `auth.signIn`,
 *   `account.getPassword` (during a 2FA login), `auth.checkPassword` and `auth.importAuthorization` needs a logged-in
 *   auth key, else 401 `AUTH_KEY_UNREGISTERED`.
 * - Methods the emulator does not implement answer 400 `INPUT_METHOD_INVALID`.
 * - A session that declared a layer the emulator does not answer in (layers.ts) cannot log in: `auth.sendCode`,
 *   `auth.signIn`, `auth.checkPassword` and `auth.importAuthorization` answer 406 `UPDATE_APP_TO_LOGIN`.
 * - `users.getUsers` leaves out users it cannot resolve (wrong access hash, unknown id) rather than failing the call.
 * - A deactivated user has no photos and no audios: `photos.getUserPhotos` answers an empty `photos.photos`.
 * - A photo or document whose id or access hash is wrong answers `LOCATION_INVALID`; a forged file reference
 *   `FILE_REFERENCE_INVALID`; an empty one `FILE_REFERENCE_EMPTY`; a genuine one older than the TTL
 *   `FILE_REFERENCE_EXPIRED`.
 * - `upload.getFile` without `precise`: limit > 0, divisible by 4096, dividing 1 MiB; offset divisible by 4096; the
 *   request must not cross a 1 MiB boundary. With `precise`: offset and limit divisible by 1024, limit ≤ 1 MiB, and
 *   still no 1 MiB boundary crossed (https://core.telegram.org/api/files). A crossing answers `LIMIT_INVALID`.
 *   The file's DC is checked before the file reference.
 * - `users.getSavedMusic`'s `hash` is Telegram's list hash of the document ids of the page the call would return.
 * - No update ever happens in the emulated world, so `updates.getState` answers the same pts 1, qts 0, seq 0 (and
 *   the current date) every time, and `updates.getDifference` from that state or an earlier one answers
 *   `updates.differenceEmpty` (date now, seq 0); a pts or qts beyond it, or a date more than 30 s ahead, answers
 *   `400 PERSISTENT_TIMESTAMP_INVALID`, Telegram's error for a state the server never gave.
 * - Login codes expire after 5 minutes (`PHONE_CODE_EXPIRED`); each `phone_code_hash` works for one sign-in.
 * - Every test account lives on the world's home DC: `auth.sendCode`/`auth.signIn` elsewhere answer
 *   303 `PHONE_MIGRATE_X`.
 * - An authorization copied to another DC (`auth.exportAuthorization` + `auth.importAuthorization`) is part of the
 *   login it came from, as Telegram lists them as one session: `auth.logOut` on any of its keys ends it on all of
 *   them, and bytes exported before the login ended no longer import (`AUTH_BYTES_INVALID`). A key that signs in or
 *   imports again leaves the login it was part of.
 */
import { randomBytes, createHmac } from 'node:crypto'
import { Api } from 'telegram'
import { GetSavedMusic, SavedMusic, SavedMusicNotModified } from '../../tl/index.js'
import {
  RpcError,
  type AuthKeyState,
  type CallContext,
  type ProtocolAnswer,
  type RpcAnswer,
  type RpcApp,
  type TlRequest,
} from '../rpc.js'
import { FloodLimiter, SeededRandom, msgIdSentMs, systemClock, type Clock, type FaultOptions, type SwallowRule } from '../faults.js'
import { StatsCollector, type EmulatorStats } from '../stats.js'
import type { UserMeta, World } from '../world.js'
import { toBigInt, toBigInteger } from '../../spec/long.js'
import { getFileWindowError, isValidUsername } from '../../spec/limits.js'
import { refusesLayer } from './layers.js'
import { audioObject, configObject, idsHash, photoObject, userObject } from './objects.js'
import { SRP_G, SRP_PRIME, checkM1, passwordHash, startRound, verifier, type SrpRound } from './srp.js'

/** Options of {@link createApiApp}. */
export interface ApiAppOptions {
  /** Faults to inject; all off by default. */
  readonly faults?: FaultOptions
  /** Clock for file references, flood buckets and login codes. Default the system clock. */
  readonly clock?: Clock
  /** How to wait for latency (injectable for tests). Default `setTimeout`. */
  readonly sleep?: (ms: number) => Promise<void>
}

/** The application layer plus its counters. */
export interface ApiApp extends RpcApp {
  /** A snapshot of the counters. */
  stats(): EmulatorStats
  /** Zeroes the counters. */
  resetStats(): void
  /**
   * From now on, receives `method`'s requests and never answers them: the next `rule.requests` of them, or all.
   * Replaces the method's earlier swallow rule, if any.
   */
  swallow(method: string, rule?: SwallowRule): void
  /** Answers `method`'s requests again (those already swallowed stay unanswered). */
  stopSwallowing(method: string): void
}

const CODE_TTL_MS = 5 * 60 * 1000
/** Every account's update state: no update ever happens in the emulated world. */
const UPDATE_STATE = { pts: 1, qts: 0, seq: 0 } as const
const PUBLIC_METHODS = new Set([
  'help.GetConfig',
  'help.GetNearestDc',
  'auth.SendCode',
  'auth.SignIn',
  'account.GetPassword',
  'auth.CheckPassword',
  'auth.ImportAuthorization',
])

type Handler = (request: TlRequest, ctx: CallContext) => Promise<RpcAnswer> | RpcAnswer

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

function err(code: number, message: string): RpcError {
  return new RpcError(code, message)
}

class ApiAppImpl implements ApiApp {
  private readonly clock: Clock
  private readonly sleep: (ms: number) => Promise<void>
  private readonly faults: FaultOptions
  private readonly limiter: FloodLimiter
  private readonly random: SeededRandom
  private readonly collector = new StatsCollector()
  /** Requests left to swallow per method (`Infinity`: all). */
  private readonly swallowing = new Map<string, number>()
  private readonly codes = new Map<string, { phone: string; issuedMs: number }>()
  private readonly exported = new Map<string, { userId: bigint; dcId: number; root: AuthKeyState }>()
  private readonly verifiers = new Map<bigint, bigint>()
  private readonly handlers: Record<string, Handler>

  constructor(
    private readonly world: World,
    options: ApiAppOptions,
  ) {
    this.clock = options.clock ?? systemClock
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    this.faults = options.faults ?? {}
    this.limiter = new FloodLimiter(this.faults.floodRules ?? {}, this.clock)
    this.random = new SeededRandom(this.faults.seed ?? 1)
    for (const [method, rule] of Object.entries(this.faults.swallow ?? {})) this.swallow(method, rule)
    this.handlers = {
      'help.GetConfig': (_r, ctx) => this.getConfig(ctx),
      'help.GetNearestDc': (_r, ctx) => new Api.NearestDc({ country: 'NL', thisDc: ctx.dcId, nearestDc: ctx.dcId }),
      'updates.GetState': () => this.getState(),
      'updates.GetDifference': (r) => this.getDifference(r as Api.updates.GetDifference),
      'auth.SendCode': (r, ctx) => this.sendCode(r as Api.auth.SendCode, ctx),
      'auth.SignIn': (r, ctx) => this.signIn(r as Api.auth.SignIn, ctx),
      'account.GetPassword': (_r, ctx) => this.getPassword(ctx),
      'auth.CheckPassword': (r, ctx) => this.checkPassword(r as Api.auth.CheckPassword, ctx),
      'auth.ExportAuthorization': (r, ctx) => this.exportAuthorization(r as Api.auth.ExportAuthorization, ctx),
      'auth.ImportAuthorization': (r, ctx) => this.importAuthorization(r as Api.auth.ImportAuthorization, ctx),
      'auth.LogOut': (_r, ctx) => this.logOut(ctx),
      'users.GetUsers': (r, ctx) => this.getUsers(r as Api.users.GetUsers, ctx),
      'users.GetFullUser': (r, ctx) => this.getFullUser(r as Api.users.GetFullUser, ctx),
      'contacts.ResolveUsername': (r, ctx) => this.resolveUsername(r as Api.contacts.ResolveUsername, ctx),
      'photos.GetUserPhotos': (r, ctx) => this.getUserPhotos(r as Api.photos.GetUserPhotos, ctx),
      [GetSavedMusic.className]: (r, ctx) => this.getSavedMusic(r as unknown as GetSavedMusic, ctx),
      'upload.GetFile': (r, ctx) => this.getFile(r as Api.upload.GetFile, ctx),
    }
  }

  stats(): EmulatorStats {
    return this.collector.snapshot()
  }

  resetStats(): void {
    this.collector.reset()
  }

  swallow(method: string, rule: SwallowRule = {}): void {
    this.swallowing.set(method, rule.requests ?? Number.POSITIVE_INFINITY)
  }

  stopSwallowing(method: string): void {
    this.swallowing.delete(method)
  }

  /** Whether this request of `method` is one to swallow (counting it against the rule). */
  private swallows(method: string): boolean {
    const left = this.swallowing.get(method)
    if (left === undefined || left <= 0) return false
    this.swallowing.set(method, left - 1)
    return true
  }

  async call(request: TlRequest, ctx: CallContext): Promise<RpcAnswer> {
    const method = request.className
    this.collector.call(method, ctx.dcId)
    if (this.swallows(method)) {
      this.collector.swallowed(method)
      // Received (the protocol layer acknowledges it) and never answered.
      return new Promise<never>(() => {})
    }
    try {
      const latency = this.faults.latency
      if (latency !== undefined) {
        const ms = latency.fixedMs + (latency.jitterMs ?? 0) * this.random.next()
        if (ms > 0) await this.sleep(ms)
      }
      const handler = this.handlers[method]
      if (handler === undefined) throw err(400, 'INPUT_METHOD_INVALID')
      if (refusesLayer(method, ctx.layer)) throw err(406, 'UPDATE_APP_TO_LOGIN')
      if (!PUBLIC_METHODS.has(method) && ctx.auth.userId === undefined) throw err(401, 'AUTH_KEY_UNREGISTERED')
      if (this.limiter.limits(method)) {
        const account = ctx.auth.userId !== undefined ? `user:${ctx.auth.userId}` : `key:${ctx.auth.authKeyId}`
        const verdict = this.limiter.take(account, method, msgIdSentMs(ctx.msgId))
        if (!verdict.ok) {
          if (verdict.sentAfterWait) this.collector.duringFloodWait(method)
          else if (verdict.duringWait) this.collector.crossingFloodWait(method)
          this.collector.floodWait(method)
          throw new RpcError(420, `FLOOD_WAIT_${verdict.seconds}`, verdict.delivered)
        }
      }
      const rate = this.faults.internalErrorRate ?? 0
      if (rate > 0 && this.random.next() < rate) throw err(500, 'INTERNAL_SERVER_ERROR')
      return await handler(request, ctx)
    } catch (e) {
      // anything else is answered 500 INTERNAL_SERVER_ERROR by the protocol layer
      this.collector.error(e instanceof RpcError ? e.errorMessage : 'INTERNAL_SERVER_ERROR')
      throw e
    }
  }

  answeredByProtocol(answer: ProtocolAnswer): void {
    if (answer.method !== undefined) this.collector.call(answer.method, answer.dcId)
    else this.collector.unparsed(answer.constructorId)
    if (answer.error !== undefined) this.collector.error(answer.error)
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  private nowSec(): number {
    return Math.floor(this.clock.now() / 1000)
  }

  private viewer(ctx: CallContext): UserMeta {
    const id = ctx.auth.userId
    const user = id === undefined ? undefined : this.world.userById(id)
    if (user === undefined) throw err(401, 'AUTH_KEY_UNREGISTERED')
    return user
  }

  /** Resolves an InputUser for the viewer; undefined when unknown or the access hash is wrong. */
  private resolveInputUser(input: unknown, viewer: UserMeta): UserMeta | undefined {
    if (input instanceof Api.InputUserSelf) return viewer
    if (input instanceof Api.InputUser || input instanceof Api.InputPeerUser) {
      const user = this.world.userById(toBigInt(input.userId))
      if (user === undefined) return undefined
      if (toBigInt(input.accessHash) !== this.world.accessHash(viewer.id, user.id)) return undefined
      return user
    }
    if (input instanceof Api.InputPeerSelf) return viewer
    return undefined
  }

  private inputUserOrThrow(input: unknown, viewer: UserMeta, error = 'USER_ID_INVALID'): UserMeta {
    const user = this.resolveInputUser(input, viewer)
    if (user === undefined) throw err(400, error)
    return user
  }

  private user(viewer: UserMeta, user: UserMeta): Api.User {
    return userObject(this.world, viewer.id, user, this.nowSec())
  }

  // ---- help / updates ------------------------------------------------------------------------------------------

  private getConfig(ctx: CallContext): Api.Config {
    const now = this.nowSec()
    return configObject(ctx.dcId, ctx.dcs, now)
  }

  /** The emulated world sends no updates: every account's update state stays at its start. */
  private getState(): Api.updates.State {
    return new Api.updates.State({ ...UPDATE_STATE, date: this.nowSec(), unreadCount: 0 })
  }

  private getDifference(r: Api.updates.GetDifference): Api.updates.DifferenceEmpty {
    if (r.pts > UPDATE_STATE.pts || (r.qts ?? 0) > UPDATE_STATE.qts || r.date > this.nowSec() + 30) {
      throw err(400, 'PERSISTENT_TIMESTAMP_INVALID')
    }
    return new Api.updates.DifferenceEmpty({ date: this.nowSec(), seq: UPDATE_STATE.seq })
  }

  // ---- login ---------------------------------------------------------------------------------------------------

  private sendCode(r: Api.auth.SendCode, ctx: CallContext): Api.auth.SentCode {
    const phone = r.phoneNumber.replace(/^\+/, '').replace(/[\s-]/g, '')
    if (!/^\d{5,15}$/.test(phone)) throw err(400, 'PHONE_NUMBER_INVALID')
    if (!Number.isInteger(r.apiId) || r.apiId <= 0 || r.apiHash.length === 0) throw err(400, 'API_ID_INVALID')
    // every account lives on the world's home DC; Telegram sends a login elsewhere there
    if (ctx.dcId !== this.world.homeDcId) throw err(303, `PHONE_MIGRATE_${this.world.homeDcId}`)
    const hash = randomBytes(9).toString('hex')
    this.codes.set(hash, { phone, issuedMs: this.clock.now() })
    return new Api.auth.SentCode({ type: new Api.auth.SentCodeTypeApp({ length: 5 }), phoneCodeHash: hash })
  }

  private signIn(r: Api.auth.SignIn, ctx: CallContext): Api.auth.Authorization {
    const phone = r.phoneNumber.replace(/^\+/, '').replace(/[\s-]/g, '')
    if (r.phoneCodeHash.length === 0) throw err(400, 'PHONE_CODE_HASH_EMPTY')
    const code = r.phoneCode ?? ''
    if (code.length === 0) throw err(400, 'PHONE_CODE_EMPTY')
    const issued = this.codes.get(r.phoneCodeHash)
    if (issued === undefined || issued.phone !== phone) throw err(400, 'PHONE_CODE_EXPIRED')
    if (this.clock.now() - issued.issuedMs > CODE_TTL_MS) {
      this.codes.delete(r.phoneCodeHash)
      throw err(400, 'PHONE_CODE_EXPIRED')
    }
    if (ctx.dcId !== this.world.homeDcId) throw err(303, `PHONE_MIGRATE_${this.world.homeDcId}`)
    const user = this.world.userByPhone(phone)
    if (user === undefined || user.account === undefined) throw err(400, 'PHONE_NUMBER_UNOCCUPIED')
    if (code !== user.account.code) throw err(400, 'PHONE_CODE_INVALID')
    this.codes.delete(r.phoneCodeHash)
    if (user.account.password !== undefined) {
      ctx.auth.data.set('pendingPasswordUser', user.id)
      throw err(401, 'SESSION_PASSWORD_NEEDED')
    }
    detach(ctx.auth)
    ctx.auth.userId = user.id
    return new Api.auth.Authorization({ user: this.user(user, user) })
  }

  private salts(user: UserMeta): { salt1: Buffer; salt2: Buffer } {
    const mac = (label: string, n: number): Buffer =>
      createHmac('sha256', this.world.secret).update(`${label}/${user.id}`).digest().subarray(0, n)
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
    const user = id === undefined ? undefined : this.world.userById(id)
    if (user === undefined) throw err(401, 'AUTH_KEY_UNREGISTERED')
    return user
  }

  private getPassword(ctx: CallContext): Api.account.Password {
    const user = this.passwordUser(ctx)
    const { salt1, salt2 } = this.salts(user)
    const newAlgo = new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({
      salt1: salt1.subarray(0, 8),
      salt2,
      g: SRP_G,
      p: SRP_PRIME,
    })
    const common = {
      newAlgo,
      newSecureAlgo: new Api.SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000({ salt: randomBytes(8) }),
      secureRandom: randomBytes(256),
    }
    const password = user.account?.password
    if (password === undefined) return new Api.account.Password({ hasPassword: false, ...common })
    const round = startRound(this.verifierOf(user, password))
    const srpId = randomBytes(8).readBigInt64LE(0)
    ctx.auth.data.set('srp', { srpId, round, userId: user.id })
    return new Api.account.Password({
      hasPassword: true,
      currentAlgo: new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({
        salt1,
        salt2,
        g: SRP_G,
        p: SRP_PRIME,
      }),
      srp_B: round.B,
      srpId: toBigInteger(srpId),
      hint: 'a staple',
      ...common,
    })
  }

  private checkPassword(r: Api.auth.CheckPassword, ctx: CallContext): Api.auth.Authorization {
    const check = r.password
    if (!(check instanceof Api.InputCheckPasswordSRP)) throw err(400, 'PASSWORD_HASH_INVALID')
    const srp = ctx.auth.data.get('srp') as { srpId: bigint; round: SrpRound; userId: bigint } | undefined
    if (srp === undefined || srp.srpId !== toBigInt(check.srpId)) throw err(400, 'SRP_ID_INVALID')
    const user = this.world.userById(srp.userId)
    const password = user?.account?.password
    if (user === undefined || password === undefined) throw err(400, 'SRP_ID_INVALID')
    const { salt1, salt2 } = this.salts(user)
    if (!checkM1(srp.round, this.verifierOf(user, password), salt1, salt2, check.A, check.M1)) {
      throw err(400, 'PASSWORD_HASH_INVALID')
    }
    ctx.auth.data.delete('srp')
    ctx.auth.data.delete('pendingPasswordUser')
    detach(ctx.auth)
    ctx.auth.userId = user.id
    return new Api.auth.Authorization({ user: this.user(user, user) })
  }

  private exportAuthorization(r: Api.auth.ExportAuthorization, ctx: CallContext): Api.auth.ExportedAuthorization {
    const viewer = this.viewer(ctx)
    if (r.dcId === ctx.dcId || !ctx.dcs.some((dc) => dc.id === r.dcId)) throw err(400, 'DC_ID_INVALID')
    const bytes = randomBytes(32)
    this.exported.set(bytes.toString('hex'), { userId: viewer.id, dcId: r.dcId, root: authorizationRoot(ctx.auth) })
    return new Api.auth.ExportedAuthorization({ id: toBigInteger(viewer.id), bytes })
  }

  private importAuthorization(r: Api.auth.ImportAuthorization, ctx: CallContext): Api.auth.Authorization {
    const key = r.bytes.toString('hex')
    const e = this.exported.get(key)
    if (e === undefined || e.userId !== toBigInt(r.id) || e.dcId !== ctx.dcId || e.root.userId !== e.userId) {
      throw err(400, 'AUTH_BYTES_INVALID')
    }
    this.exported.delete(key)
    const user = this.world.userById(e.userId)
    if (user === undefined) throw err(400, 'AUTH_BYTES_INVALID')
    detach(ctx.auth)
    ctx.auth.userId = user.id
    ctx.auth.data.set(ROOT, e.root)
    linkedKeys(e.root).add(ctx.auth)
    return new Api.auth.Authorization({ user: this.user(user, user) })
  }

  /**
   * Ends the authorization: on this key and on every key it was copied to with export/import (or, on such a copy,
   * on the key it came from and all its copies): Telegram shows and ends them as one session.
   */
  private logOut(ctx: CallContext): Api.auth.LoggedOut {
    const root = authorizationRoot(ctx.auth)
    for (const key of [root, ...linkedKeys(root)]) {
      key.userId = undefined
      key.data.delete(ROOT)
    }
    root.data.delete(LINKED)
    return new Api.auth.LoggedOut({})
  }

  // ---- users ---------------------------------------------------------------------------------------------------

  private getUsers(r: Api.users.GetUsers, ctx: CallContext): Api.TypeUser[] {
    const viewer = this.viewer(ctx)
    const out: Api.TypeUser[] = []
    for (const input of r.id) {
      const user = this.resolveInputUser(input, viewer)
      if (user !== undefined) out.push(this.user(viewer, user))
    }
    return out
  }

  private getFullUser(r: Api.users.GetFullUser, ctx: CallContext): Api.users.UserFull {
    const viewer = this.viewer(ctx)
    const user = this.inputUserOrThrow(r.id, viewer)
    const newest = user.photoCount > 0 ? this.world.photoAt(user, 0) : undefined
    return new Api.users.UserFull({
      fullUser: new Api.UserFull({
        id: toBigInteger(user.id),
        settings: new Api.PeerSettings({}),
        notifySettings: new Api.PeerNotifySettings({}),
        profilePhoto: newest !== undefined ? photoObject(this.world, newest, this.nowSec()) : undefined,
        commonChatsCount: 0,
      }),
      chats: [],
      users: [this.user(viewer, user)],
    })
  }

  private resolveUsername(r: Api.contacts.ResolveUsername, ctx: CallContext): Api.contacts.ResolvedPeer {
    const viewer = this.viewer(ctx)
    const name = r.username.replace(/^@/, '')
    if (!isValidUsername(name)) throw err(400, 'USERNAME_INVALID')
    const user = this.world.userByUsername(name)
    if (user === undefined) throw err(400, 'USERNAME_NOT_OCCUPIED')
    return new Api.contacts.ResolvedPeer({
      peer: new Api.PeerUser({ userId: toBigInteger(user.id) }),
      chats: [],
      users: [this.user(viewer, user)],
    })
  }

  // ---- photos / audios -----------------------------------------------------------------------------------------

  private getUserPhotos(r: Api.photos.GetUserPhotos, ctx: CallContext): Api.photos.TypePhotos {
    const viewer = this.viewer(ctx)
    const user = this.inputUserOrThrow(r.userId, viewer)
    const maxId = toBigInt(r.maxId)
    if (maxId < 0n) throw err(400, 'MAX_ID_INVALID')
    if (r.offset < 0) throw err(400, 'OFFSET_INVALID')
    const limit = Math.min(Math.max(r.limit, 0), 100)
    const total = user.photoCount
    // positions (newest first) whose id < max_id: ids decrease with position, so it is a suffix
    let start = 0
    if (maxId > 0n) {
      let lo = 0
      let hi = total
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (this.world.photoAt(user, mid).id < maxId) hi = mid
        else lo = mid + 1
      }
      start = lo
    }
    const from = Math.min(total, start + r.offset)
    const to = Math.min(total, from + limit)
    const now = this.nowSec()
    const photos: Api.TypePhoto[] = []
    for (let p = from; p < to; p++) photos.push(photoObject(this.world, this.world.photoAt(user, p), now))
    const users = [this.user(viewer, user)]
    if (from === 0 && to === total) return new Api.photos.Photos({ photos, users })
    return new Api.photos.PhotosSlice({ count: total, photos, users })
  }

  private getSavedMusic(r: GetSavedMusic, ctx: CallContext): SavedMusic | SavedMusicNotModified {
    const viewer = this.viewer(ctx)
    const user = this.inputUserOrThrow(r.id, viewer)
    if (r.offset < 0) throw err(400, 'OFFSET_INVALID')
    const limit = Math.min(Math.max(r.limit, 0), 100)
    const from = Math.min(user.audioCount, r.offset)
    const to = Math.min(user.audioCount, from + limit)
    const audios = []
    for (let k = from; k < to; k++) audios.push(this.world.audio(user, k))
    const hash = idsHash(audios.map((a) => a.id))
    if (toBigInt(r.hash) !== 0n && toBigInt(r.hash) === hash) {
      return new SavedMusicNotModified({ count: user.audioCount })
    }
    const now = this.nowSec()
    return new SavedMusic({ count: user.audioCount, documents: audios.map((a) => audioObject(this.world, a, now)) })
  }

  // ---- files ---------------------------------------------------------------------------------------------------

  private checkFileReference(id: bigint, ref: Buffer): void {
    if (ref.length === 0) throw err(400, 'FILE_REFERENCE_EMPTY')
    const issuedAt = this.world.fileReferenceIssuedAt(id, ref)
    if (issuedAt === undefined) throw err(400, 'FILE_REFERENCE_INVALID')
    const ttl = this.faults.fileReferenceTtlSeconds
    if (ttl !== undefined && this.nowSec() - issuedAt > ttl) throw err(400, 'FILE_REFERENCE_EXPIRED')
  }

  private getFile(r: Api.upload.GetFile, ctx: CallContext): Api.upload.File {
    const viewer = this.viewer(ctx)
    const offset = Number(toBigInt(r.offset))
    const limit = r.limit
    const windowError = getFileWindowError(offset, limit, r.precise === true)
    if (windowError !== undefined) throw err(400, windowError)
    const loc = r.location
    let key: string
    let dcId: number
    let bytes: () => Buffer
    let type: Api.storage.TypeFileType
    if (loc instanceof Api.InputPhotoFileLocation) {
      const id = toBigInt(loc.id)
      const photo = this.world.photoById(id)
      if (photo === undefined || toBigInt(loc.accessHash) !== this.world.fileAccessHash(id)) {
        throw err(400, 'LOCATION_INVALID')
      }
      dcId = photo.dcId
      if (dcId !== ctx.dcId) throw err(303, `FILE_MIGRATE_${dcId}`)
      this.checkFileReference(id, loc.fileReference)
      if (loc.thumbSize === 'u' && photo.videoStartTs !== undefined) {
        key = `video:${photo.id}:u`
        bytes = () => this.world.videoBytes(photo)
        type = new Api.storage.FileMp4()
      } else {
        const size = photo.sizes.find((s) => s.type === loc.thumbSize)
        if (size === undefined) throw err(400, 'LOCATION_INVALID')
        key = `photo:${photo.id}:${size.type}`
        bytes = () => this.world.photoSizeBytes(photo, size)
        type = new Api.storage.FileJpeg()
      }
    } else if (loc instanceof Api.InputDocumentFileLocation) {
      const id = toBigInt(loc.id)
      const audio = this.world.audioById(id)
      if (audio === undefined || toBigInt(loc.accessHash) !== this.world.fileAccessHash(id) || loc.thumbSize !== '') {
        throw err(400, 'LOCATION_INVALID')
      }
      dcId = audio.dcId
      if (dcId !== ctx.dcId) throw err(303, `FILE_MIGRATE_${dcId}`)
      this.checkFileReference(id, loc.fileReference)
      key = `audio:${audio.id}`
      bytes = () => this.world.audioBytes(audio)
      type = new Api.storage.FileMp3()
    } else if (loc instanceof Api.InputPeerPhotoFileLocation) {
      const user = this.resolveInputUser(loc.peer, viewer)
      if (user === undefined) throw err(400, 'PEER_ID_INVALID')
      const photo = this.world.photoById(toBigInt(loc.photoId))
      if (photo === undefined || photo.ownerIndex !== user.index) throw err(400, 'LOCATION_INVALID')
      const size = photo.sizes.find((s) => s.type === (loc.big === true ? 'c' : 'a'))
      if (size === undefined) throw err(400, 'LOCATION_INVALID')
      dcId = photo.dcId
      if (dcId !== ctx.dcId) throw err(303, `FILE_MIGRATE_${dcId}`)
      key = `photo:${photo.id}:${size.type}`
      bytes = () => this.world.photoSizeBytes(photo, size)
      type = new Api.storage.FileJpeg()
    } else {
      throw err(400, 'LOCATION_INVALID')
    }
    const file = bytes()
    const chunk = offset >= file.length ? Buffer.alloc(0) : file.subarray(offset, offset + limit)
    this.collector.served(key, dcId, chunk.length)
    // our reading: the first part names the file type, later parts are storage.filePartial
    return new Api.upload.File({
      type: offset === 0 ? type : new Api.storage.FilePartial(),
      mtime: this.nowSec(),
      // A view of the world's bytes, never written to: serialized without a copy, copied once when encrypted.
      bytes: chunk,
    })
  }
}

/** The application layer over a world. */
export function createApiApp(world: World, options: ApiAppOptions = {}): ApiApp {
  return new ApiAppImpl(world, options)
}
