import { Api } from 'telegram'
import { computeCheck } from 'telegram/Password.js'
import bigInt from 'big-integer'
import { createApiApp, type ApiAppOptions } from '../../../../src/emulator/app/index.js'
import { createWorld, type World } from '../../../../src/emulator/world.js'
import { RpcError, type AuthKeyState, type CallContext, type RpcAnswer, type TlRequest } from '../../../../src/emulator/rpc.js'
import type { TlObject } from '../../../../src/emulator/tl/codec.js'
import { fromGramJs, toGramJs } from '../../../helpers/gramjs-tl.js'
import { GetSavedMusic, SavedMusic, SavedMusicNotModified } from '../../../../src/tl/index.js'

const DCS = [1, 2, 3, 4, 5].map((id) => ({ id, host: '127.0.0.1', port: 40000 + id }))

function authKey(dcId = 1): AuthKeyState {
  return { authKeyId: BigInt(1000 + dcId), dcId, userId: undefined, connection: undefined, data: new Map() }
}

/** A client msg_id for a message sent at `ms`, the way GramJS writes it (seconds << 32 | nanoseconds << 2). */
function msgIdAt(ms: number): bigint {
  const seconds = Math.floor(ms / 1000)
  return (BigInt(seconds) << 32n) | (BigInt(Math.round((ms - seconds * 1000) * 1e6)) << 2n)
}

function ctxOf(auth: AuthKeyState, dcId = auth.dcId, msgId = 4n): CallContext {
  return { dcId, dcs: DCS, auth, sessionId: 1n, msgId, layer: 198 }
}

async function rpcError(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    if (e instanceof RpcError) return `${e.code} ${e.errorMessage}`
    throw e
  }
  throw new Error('expected an RpcError')
}

class TestClock {
  ms = 1_760_000_000_000
  now(): number {
    return this.ms
  }
}

/** A GramJS request as the app receives it (through its bytes and the emulator's codec). */
function req(r: { getBytes(): Buffer }): TlRequest {
  return fromGramJs(r)
}

/** The answer as a GramJS client reads it (written in GramJS's layer, read by GramJS). */
function asGramJs(answer: RpcAnswer): unknown {
  if (typeof answer === 'boolean') return answer
  if (Array.isArray(answer)) return answer.map((x: TlObject | bigint) => (typeof x === 'bigint' ? x : toGramJs(x)))
  return toGramJs(answer as TlObject)
}

/** The app under test, its answers read by GramJS. */
type ApiApp = Omit<ReturnType<typeof createApiApp>, 'call'> & { call(r: TlRequest, ctx: CallContext): Promise<unknown> }
function createApp(world: World, options?: ApiAppOptions): ApiApp {
  const app = createApiApp(world, options)
  const wrapped = Object.create(app) as ApiApp
  wrapped.call = async (r, ctx) => asGramJs(await app.call(r, ctx))
  return wrapped
}

/** Logs in as the account without 2FA on `auth`. */
async function login(app: ApiApp, world: World, auth: AuthKeyState): Promise<void> {
  const acc = world.accounts[0]!
  const ctx = ctxOf(auth)
  const sent = (await app.call(req(new Api.auth.SendCode({ phoneNumber: acc.phone, apiId: 1, apiHash: 'x', settings: new Api.CodeSettings({}) })), ctx)) as Api.auth.SentCode
  await app.call(req(new Api.auth.SignIn({ phoneNumber: acc.phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: acc.code })), ctx)
}

describe('createApiApp', () => {
  const world = createWorld({ seed: 21, users: 10 })

  it('answers unknown methods with INPUT_METHOD_INVALID and unauthorized ones with AUTH_KEY_UNREGISTERED', async () => {
    const app = createApp(world)
    const ctx = ctxOf(authKey())
    expect(await rpcError(app.call(req(new Api.help.GetPremiumPromo()), ctx))).toBe('400 INPUT_METHOD_INVALID')
    expect(await rpcError(app.call(req(new Api.updates.GetState()), ctx))).toBe('401 AUTH_KEY_UNREGISTERED')
    expect(app.stats().rpcErrors).toEqual({ INPUT_METHOD_INVALID: 1, AUTH_KEY_UNREGISTERED: 1 })
  })

  it('answers help.getConfig with every DC on loopback and this_dc', async () => {
    const app = createApp(world)
    const config = (await app.call(req(new Api.help.GetConfig()), ctxOf(authKey(3)))) as Api.Config
    expect(config.thisDc).toBe(3)
    expect(config.dcOptions.map((o) => [o.id, o.ipAddress, o.port])).toEqual(DCS.map((d) => [d.id, d.host, d.port]))
  })

  it('logs in by code: PHONE_CODE_INVALID for a wrong code, then the user', async () => {
    const app = createApp(world)
    const auth = authKey()
    const ctx = ctxOf(auth)
    const acc = world.accounts[0]!
    const sent = (await app.call(req(new Api.auth.SendCode({ phoneNumber: acc.phone, apiId: 1, apiHash: 'x', settings: new Api.CodeSettings({}) })), ctx)) as Api.auth.SentCode
    expect(sent.type).toBeInstanceOf(Api.auth.SentCodeTypeApp)
    const signIn = (code: string): Promise<unknown> =>
      app.call(req(new Api.auth.SignIn({ phoneNumber: acc.phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: code })), ctx)
    expect(await rpcError(signIn('00000'))).toBe('400 PHONE_CODE_INVALID')
    const result = (await signIn(acc.code)) as Api.auth.Authorization
    expect((result.user as Api.User).self).toBe(true)
    expect(auth.userId).toBe(BigInt(acc.userId))
    expect(await rpcError(signIn(acc.code))).toBe('400 PHONE_CODE_EXPIRED')
  })

  it('logs in with real SRP 2FA: SESSION_PASSWORD_NEEDED, PASSWORD_HASH_INVALID for a wrong password, then the user', async () => {
    const app = createApp(world)
    const auth = authKey()
    const ctx = ctxOf(auth)
    const acc = world.accounts[1]!
    const sent = (await app.call(req(new Api.auth.SendCode({ phoneNumber: acc.phone, apiId: 1, apiHash: 'x', settings: new Api.CodeSettings({}) })), ctx)) as Api.auth.SentCode
    expect(await rpcError(app.call(req(new Api.auth.SignIn({ phoneNumber: acc.phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: acc.code })), ctx))).toBe('401 SESSION_PASSWORD_NEEDED')
    expect(auth.userId).toBeUndefined()
    const pw1 = (await app.call(req(new Api.account.GetPassword()), ctx)) as Api.account.Password
    expect(pw1.hasPassword).toBe(true)
    const wrong = await computeCheck(pw1, 'not the password')
    expect(await rpcError(app.call(req(new Api.auth.CheckPassword({ password: wrong })), ctx))).toBe('400 PASSWORD_HASH_INVALID')
    const pw2 = (await app.call(req(new Api.account.GetPassword()), ctx)) as Api.account.Password
    const right = await computeCheck(pw2, acc.password!)
    await app.call(req(new Api.auth.CheckPassword({ password: right })), ctx)
    expect(auth.userId).toBe(BigInt(acc.userId))
  })

  it('exports an authorization to another DC and imports it there once', async () => {
    const app = createApp(world)
    const home = authKey(1)
    await login(app, world, home)
    expect(await rpcError(app.call(req(new Api.auth.ExportAuthorization({ dcId: 1 })), ctxOf(home)))).toBe('400 DC_ID_INVALID')
    const exported = (await app.call(req(new Api.auth.ExportAuthorization({ dcId: 4 })), ctxOf(home))) as Api.auth.ExportedAuthorization
    const other = authKey(4)
    const imp = new Api.auth.ImportAuthorization({ id: exported.id, bytes: exported.bytes })
    expect(await rpcError(app.call(req(imp), ctxOf(authKey(2))))).toBe('400 AUTH_BYTES_INVALID')
    await app.call(req(imp), ctxOf(other))
    expect(other.userId).toBe(home.userId)
    expect(await rpcError(app.call(req(imp), ctxOf(authKey(4))))).toBe('400 AUTH_BYTES_INVALID')
  })

  it.each([
    ['the key it was copied from', 'home'],
    ['a key it was copied to', 'copy'],
  ] as const)('ends an authorization and all its copies on other DCs when logging out on %s', async (_label, where) => {
    const app = createApp(world)
    const home = authKey(1)
    await login(app, world, home)
    const copies = [2, 4].map((dcId) => authKey(dcId))
    for (const copy of copies) {
      const exported = (await app.call(req(new Api.auth.ExportAuthorization({ dcId: copy.dcId })), ctxOf(home))) as Api.auth.ExportedAuthorization
      await app.call(req(new Api.auth.ImportAuthorization({ id: exported.id, bytes: exported.bytes })), ctxOf(copy))
    }
    const other = authKey(1)
    await login(app, world, other) // another session of the same account stays logged in
    const self = req(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }))
    await app.call(req(new Api.auth.LogOut()), ctxOf(where === 'home' ? home : copies[1]!))
    for (const key of [home, ...copies]) expect(await rpcError(app.call(self, ctxOf(key)))).toBe('401 AUTH_KEY_UNREGISTERED')
    expect(await app.call(self, ctxOf(other))).toHaveLength(1)
  })

  it('refuses bytes exported before the login ended, and keeps a key that moved to another login', async () => {
    const app = createApp(world)
    const first = authKey(1)
    const second = authKey(1)
    await login(app, world, first)
    await login(app, world, second)
    const exportFrom = async (home: AuthKeyState): Promise<Api.auth.ImportAuthorization> => {
      const e = (await app.call(req(new Api.auth.ExportAuthorization({ dcId: 4 })), ctxOf(home))) as Api.auth.ExportedAuthorization
      return new Api.auth.ImportAuthorization({ id: e.id, bytes: e.bytes })
    }
    const copy = authKey(4)
    await app.call(req(await exportFrom(first)), ctxOf(copy))
    await app.call(req(await exportFrom(second)), ctxOf(copy)) // the same key now carries the second login
    const unused = await exportFrom(first)
    await app.call(req(new Api.auth.LogOut()), ctxOf(first))
    const self = req(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }))
    expect(await app.call(self, ctxOf(copy))).toHaveLength(1)
    expect(await rpcError(app.call(req(unused), ctxOf(authKey(4))))).toBe('400 AUTH_BYTES_INVALID')
    await app.call(req(new Api.auth.LogOut()), ctxOf(second))
    expect(await rpcError(app.call(self, ctxOf(copy)))).toBe('401 AUTH_KEY_UNREGISTERED')
  })

  describe('with a logged-in account', () => {
    let app: ApiApp
    let auth: AuthKeyState
    let clock: TestClock
    const big = world.users.find((u) => u.photoCount > 250)!
    const named = world.users.find((u) => u.usernames.length > 0 && !u.deactivated && u.account === undefined)!

    beforeEach(async () => {
      clock = new TestClock()
      app = createApp(world, { clock, faults: { fileReferenceTtlSeconds: 3600 } })
      auth = authKey(1)
      await login(app, world, auth)
    })

    const inputUser = (u: typeof big, hash?: bigint): Api.InputUser =>
      new Api.InputUser({ userId: bigInt(u.id.toString()), accessHash: bigInt((hash ?? world.accessHash(auth.userId!, u.id)).toString()) })

    it('resolves usernames case-insensitively with the viewer-specific access hash', async () => {
      const ctx = ctxOf(auth)
      expect(await rpcError(app.call(req(new Api.contacts.ResolveUsername({ username: 'a-b' })), ctx))).toBe('400 USERNAME_INVALID')
      expect(await rpcError(app.call(req(new Api.contacts.ResolveUsername({ username: 'nobody_here_at_all' })), ctx))).toBe('400 USERNAME_NOT_OCCUPIED')
      const r = (await app.call(req(new Api.contacts.ResolveUsername({ username: named.usernames[0]!.toUpperCase() })), ctx)) as Api.contacts.ResolvedPeer
      const user = r.users[0] as Api.User
      expect(user.id.toString()).toBe(named.id.toString())
      expect(user.accessHash!.toString()).toBe(world.accessHash(auth.userId!, named.id).toString())
    })

    it('checks access hashes: USER_ID_INVALID for a wrong one', async () => {
      const ctx = ctxOf(auth)
      const bad = inputUser(big, 12345n)
      expect(await rpcError(app.call(req(new Api.photos.GetUserPhotos({ userId: bad, offset: 0, maxId: bigInt(0), limit: 10 })), ctx))).toBe('400 USER_ID_INVALID')
      expect(await rpcError(app.call(req(new Api.users.GetFullUser({ id: bad })), ctx))).toBe('400 USER_ID_INVALID')
      expect(await app.call(req(new Api.users.GetUsers({ id: [bad, inputUser(big)] })), ctx)).toHaveLength(1)
    })

    it('pages photos.getUserPhotos newest first with photosSlice counts, max_id and the limit clamped to 100', async () => {
      const ctx = ctxOf(auth)
      const ids: bigint[] = []
      for (let offset = 0; offset < big.photoCount; offset += 100) {
        const page = await app.call(req(new Api.photos.GetUserPhotos({ userId: inputUser(big), offset, maxId: bigInt(0), limit: 500 })), ctx)
        expect(page).toBeInstanceOf(Api.photos.PhotosSlice)
        expect((page as Api.photos.PhotosSlice).count).toBe(big.photoCount)
        expect((page as Api.photos.PhotosSlice).photos.length).toBe(Math.min(100, big.photoCount - offset))
        for (const p of (page as Api.photos.PhotosSlice).photos) ids.push(BigInt((p as Api.Photo).id.toString()))
      }
      expect(ids).toHaveLength(big.photoCount)
      for (let i = 1; i < ids.length; i++) expect(ids[i]! < ids[i - 1]!).toBe(true)
      const after = (await app.call(req(new Api.photos.GetUserPhotos({ userId: inputUser(big), offset: 0, maxId: bigInt(ids[10]!.toString()), limit: 3 })), ctx)) as Api.photos.PhotosSlice
      expect(after.photos.map((p) => BigInt((p as Api.Photo).id.toString()))).toEqual(ids.slice(11, 14))
      expect(await rpcError(app.call(req(new Api.photos.GetUserPhotos({ userId: inputUser(big), offset: 0, maxId: bigInt(-1), limit: 3 })), ctx))).toBe('400 MAX_ID_INVALID')
      // offset -1 with max_id = a photo's id answers that photo, as mtcute's getProfilePhoto asks for one
      const one = (await app.call(req(new Api.photos.GetUserPhotos({ userId: inputUser(big), offset: -1, maxId: bigInt(ids[10]!.toString()), limit: 1 })), ctx)) as Api.photos.PhotosSlice
      expect(one.photos.map((p) => BigInt((p as Api.Photo).id.toString()))).toEqual([ids[10]])
      const back = (await app.call(req(new Api.photos.GetUserPhotos({ userId: inputUser(big), offset: -5, maxId: bigInt(0), limit: 2 })), ctx)) as Api.photos.PhotosSlice
      expect(back.photos.map((p) => BigInt((p as Api.Photo).id.toString()))).toEqual(ids.slice(0, 2))
      const few = world.users.find((u) => u.photoCount >= 2 && u.photoCount < 10)!
      const whole = await app.call(req(new Api.photos.GetUserPhotos({ userId: inputUser(few), offset: 0, maxId: bigInt(0), limit: 100 })), ctx)
      expect(whole).toBeInstanceOf(Api.photos.Photos)
      const photo = (whole as Api.photos.Photos).photos[0] as Api.Photo
      expect(photo.sizes.map((s) => s.className)).toEqual(['PhotoStrippedSize', 'PhotoSize', 'PhotoSize', expect.stringMatching(/^PhotoSize(Progressive)?$/)])
    })

    it('answers users.getSavedMusic and savedMusicNotModified when the hash matches', async () => {
      const ctx = ctxOf(auth)
      const withAudio = createWorld({ seed: 21, users: 100 }).users.find((u) => u.audioCount > 1 && u.index < 10)
      const u = withAudio ?? world.users.find((x) => x.audioCount > 0)
      if (u === undefined) throw new Error('seed 21 has no user with audios among 10')
      const first = (await app.call(req(new GetSavedMusic({ id: inputUser(u), offset: 0, limit: 10, hash: bigInt(0) })), ctx)) as SavedMusic
      expect(first).toBeInstanceOf(SavedMusic)
      expect(first.count).toBe(u.audioCount)
      expect(first.documents).toHaveLength(u.audioCount)
      let h = 0n
      for (const d of first.documents) {
        const id = BigInt((d as Api.Document).id.toString())
        h ^= h >> 21n
        h = BigInt.asUintN(64, h ^ (h << 35n))
        h ^= h >> 4n
        h = BigInt.asUintN(64, h + id)
      }
      const again = await app.call(req(new GetSavedMusic({ id: inputUser(u), offset: 0, limit: 10, hash: bigInt(BigInt.asIntN(64, h).toString()) })), ctx)
      expect(again).toEqual(new SavedMusicNotModified({ count: u.audioCount }))
    })

    it('serves upload.getFile with Telegram preconditions, FILE_MIGRATE and expiring references, counting bytes', async () => {
      const pageOf = async (): Promise<Api.Photo> => {
        const r = (await app.call(req(new Api.photos.GetUserPhotos({ userId: inputUser(big), offset: 0, maxId: bigInt(0), limit: 100 })), ctxOf(auth))) as Api.photos.PhotosSlice
        return r.photos.find((p) => (p as Api.Photo).dcId !== 1) as Api.Photo
      }
      const photo = await pageOf()
      const loc = (p: Api.Photo, thumbSize = 'c'): Api.InputPhotoFileLocation =>
        new Api.InputPhotoFileLocation({ id: p.id, accessHash: p.accessHash, fileReference: p.fileReference, thumbSize })
      const get = (l: Api.TypeInputFileLocation, offset: number, limit: number, dcAuth: AuthKeyState): Promise<unknown> =>
        app.call(req(new Api.upload.GetFile({ location: l, offset: bigInt(offset), limit })), ctxOf(dcAuth))
      expect(await rpcError(get(loc(photo), 0, 1000, auth))).toBe('400 LIMIT_INVALID')
      expect(await rpcError(get(loc(photo), 0, 12288, auth))).toBe('400 LIMIT_INVALID')
      expect(await rpcError(get(loc(photo), 1024, 4096, auth))).toBe('400 OFFSET_INVALID')
      expect(await rpcError(get(loc(photo), 1024 * 1024 - 4096, 8192, auth))).toBe('400 LIMIT_INVALID')
      const precise = (offset: number, limit: number): Promise<unknown> =>
        app.call(req(new Api.upload.GetFile({ precise: true, location: loc(photo), offset: bigInt(offset), limit })), ctxOf(auth))
      expect(await rpcError(precise(512, 1024))).toBe('400 OFFSET_INVALID')
      expect(await rpcError(precise(0, 1000))).toBe('400 LIMIT_INVALID')
      expect(await rpcError(precise(1024 * 1024 - 1024, 2048))).toBe('400 LIMIT_INVALID')
      expect(await rpcError(precise(1024, 3072))).toBe(`303 FILE_MIGRATE_${photo.dcId}`)
      expect(await rpcError(get(loc(photo), 0, 4096, auth))).toBe(`303 FILE_MIGRATE_${photo.dcId}`)
      // log in on the photo's DC through export/import
      const exported = (await app.call(req(new Api.auth.ExportAuthorization({ dcId: photo.dcId })), ctxOf(auth))) as Api.auth.ExportedAuthorization
      const there = authKey(photo.dcId)
      await app.call(req(new Api.auth.ImportAuthorization({ id: exported.id, bytes: exported.bytes })), ctxOf(there))
      const meta = world.photoById(BigInt(photo.id.toString()))!
      const expected = world.photoSizeBytes(meta, meta.sizes[2]!)
      const parts: Buffer[] = []
      for (let offset = 0; ; offset += 4096) {
        const f = (await get(loc(photo), offset, 4096, there)) as Api.upload.File
        expect(f.type).toBeInstanceOf(offset === 0 ? Api.storage.FileJpeg : Api.storage.FilePartial)
        parts.push(f.bytes)
        if (f.bytes.length < 4096) break
      }
      expect(Buffer.concat(parts).equals(expected)).toBe(true)
      const forged = Buffer.from(photo.fileReference)
      forged[forged.length - 1] = forged[forged.length - 1]! ^ 1
      const badRef = new Api.InputPhotoFileLocation({ id: photo.id, accessHash: photo.accessHash, fileReference: forged, thumbSize: 'c' })
      expect(await rpcError(get(badRef, 0, 4096, there))).toBe('400 FILE_REFERENCE_INVALID')
      const noRef = new Api.InputPhotoFileLocation({ id: photo.id, accessHash: photo.accessHash, fileReference: Buffer.alloc(0), thumbSize: 'c' })
      expect(await rpcError(get(noRef, 0, 4096, there))).toBe('400 FILE_REFERENCE_EMPTY')
      clock.ms += 3601_000
      expect(await rpcError(get(loc(photo), 0, 4096, there))).toBe('400 FILE_REFERENCE_EXPIRED')
      const fresh = await pageOf()
      expect(((await get(loc(fresh, 'a'), 0, 4096, there)) as Api.upload.File).bytes.length).toBeGreaterThan(0)
      const stats = app.stats()
      expect(stats.bytesServedPerDc[String(photo.dcId)]).toBe(expected.length + world.photoSizeLength(meta, meta.sizes[0]!))
      expect(stats.downloadsPerFile[`photo:${meta.id}:c`]).toBe(parts.length)
      expect(stats.rpcErrors['FILE_MIGRATE_X']).toBe(2)
    })

    it('issues honest FLOOD_WAIT_X from a token bucket and counts requests sent during the wait', async () => {
      const floodApp = createApp(world, { clock, faults: { floodRules: { 'contacts.ResolveUsername': { capacity: 2, refillPerSecond: 0.5 } } } })
      const a = authKey(1)
      await login(floodApp, world, a)
      const resolve = (sentMs = clock.ms): Promise<unknown> =>
        floodApp.call(req(new Api.contacts.ResolveUsername({ username: named.usernames[0]! })), ctxOf(a, a.dcId, msgIdAt(sentMs)))
      await resolve()
      await resolve()
      const issuedAt = clock.ms
      let written: (() => void) | undefined
      await resolve().catch((e: unknown) => {
        expect(e).toBeInstanceOf(RpcError)
        expect(`${(e as RpcError).code} ${(e as RpcError).errorMessage}`).toBe('420 FLOOD_WAIT_2')
        written = (e as RpcError).onWritten
      })
      clock.ms += 10
      // sent after the wait was decided but before its answer was written to the client: counted apart
      expect(await rpcError(resolve())).toBe('420 FLOOD_WAIT_2')
      expect(written).toBeDefined()
      written?.() // the session writes the FLOOD_WAIT answer
      clock.ms += 990
      // sent before the wait was issued, arriving during it (crossed in flight): counted apart
      expect(await rpcError(resolve(issuedAt - 5))).toBe('420 FLOOD_WAIT_1')
      // sent after the client had been told to wait
      expect(await rpcError(resolve())).toBe('420 FLOOD_WAIT_1')
      clock.ms += 1000
      await resolve()
      const s = floodApp.stats()
      expect(s.floodWaitsIssued).toEqual({ 'contacts.ResolveUsername': 4 })
      expect(s.requestsDuringFloodWait).toEqual({ 'contacts.ResolveUsername': 1 })
      expect(s.requestsCrossingFloodWait).toEqual({ 'contacts.ResolveUsername': 2 })
      expect(s.callsPerMethod['contacts.ResolveUsername']).toBe(7)
    })

    it('issues FLOOD_WAIT_X after every N requests of a request-count rule, however fast they come', async () => {
      const floodApp = createApp(world, { clock, faults: { floodRules: { 'photos.GetUserPhotos': { requests: 2, waitSeconds: 7 } } } })
      const a = authKey(1)
      await login(floodApp, world, a)
      const list = (): Promise<unknown> =>
        floodApp.call(req(new Api.photos.GetUserPhotos({ userId: inputUser(named), offset: 0, maxId: bigInt(0), limit: 1 })), ctxOf(a, a.dcId, msgIdAt(clock.ms)))
      // the clock never moves between them: still exactly two pass
      await list()
      await list()
      expect(await rpcError(list())).toBe('420 FLOOD_WAIT_7')
      clock.ms += 7000
      await list()
      await list()
      expect(await rpcError(list())).toBe('420 FLOOD_WAIT_7')
      expect(floodApp.stats().floodWaitsIssued).toEqual({ 'photos.GetUserPhotos': 2 })
      expect(floodApp.stats().callsPerMethod['photos.GetUserPhotos']).toBe(6)
    })

    it('swallows the first N requests of a method (never answering them), then answers; switchable at run time', async () => {
      const quiet = createApp(world, { clock, faults: { swallow: { 'photos.GetUserPhotos': { requests: 2 } } } })
      const a = authKey(1)
      await login(quiet, world, a)
      const list = (): Promise<unknown> =>
        quiet.call(req(new Api.photos.GetUserPhotos({ userId: inputUser(named), offset: 0, maxId: bigInt(0), limit: 1 })), ctxOf(a))
      const settled: string[] = []
      const track = (name: string, p: Promise<unknown>): void => void p.then(() => settled.push(name), () => settled.push(name))
      track('first', list())
      track('second', list())
      // the third is answered, and by then neither of the first two has been (nor will be: nothing is pending)
      expect(await list()).toBeInstanceOf(Api.photos.Photos)
      quiet.swallow('photos.GetUserPhotos')
      track('fourth', list())
      track('fifth', list())
      expect(await quiet.call(req(new Api.help.GetNearestDc()), ctxOf(a))).toBeInstanceOf(Api.NearestDc)
      quiet.stopSwallowing('photos.GetUserPhotos')
      expect(await list()).toBeInstanceOf(Api.photos.Photos)
      await new Promise((resolve) => setImmediate(resolve))
      expect(settled).toEqual([])
      const s = quiet.stats()
      expect(s.requestsSwallowed).toEqual({ 'photos.GetUserPhotos': 4 })
      expect(s.callsPerMethod['photos.GetUserPhotos']).toBe(6)
      expect(s.rpcErrors).toEqual({})
    })

    it('injects internal errors at the configured rate and waits the configured latency', async () => {
      const waits: number[] = []
      const faulty = createApp(world, {
        clock,
        faults: { internalErrorRate: 1, latency: { fixedMs: 50, jitterMs: 10 } },
        sleep: async (ms) => {
          waits.push(ms)
        },
      })
      expect(await rpcError(faulty.call(req(new Api.help.GetNearestDc()), ctxOf(auth)))).toBe('500 INTERNAL_SERVER_ERROR')
      expect(waits).toHaveLength(1)
      expect(waits[0]).toBeGreaterThanOrEqual(50)
      expect(waits[0]).toBeLessThan(60)
    })
  })
})

describe('createApiApp login on another DC', () => {
  it('answers PHONE_MIGRATE_X to a login on a DC that is not the home DC', async () => {
    const world = createWorld({ seed: 4, users: 2, homeDcId: 2 })
    const app = createApp(world)
    const acc = world.accounts[0]!
    const send = (dcId: number): Promise<unknown> =>
      app.call(req(new Api.auth.SendCode({ phoneNumber: acc.phone, apiId: 1, apiHash: 'x', settings: new Api.CodeSettings({}) })), ctxOf(authKey(dcId)))
    expect(await rpcError(send(1))).toBe('303 PHONE_MIGRATE_2')
    expect(await send(2)).toBeInstanceOf(Api.auth.SentCode)
  })
})

describe('createApiApp objects and locations', () => {
  const world = createWorld({ seed: 33, users: 60 })

  async function loggedIn(): Promise<{ app: ApiApp; auth: AuthKeyState; viewer: bigint }> {
    const app = createApp(world)
    const auth = authKey(1)
    await login(app, world, auth)
    return { app, auth, viewer: auth.userId! }
  }

  const input = (viewer: bigint, id: bigint): Api.InputUser =>
    new Api.InputUser({ userId: bigInt(id.toString()), accessHash: bigInt(world.accessHash(viewer, id).toString()) })

  it('sends a single username as username and several only as usernames, and deactivated users as deleted without photos', async () => {
    const { app, auth, viewer } = await loggedIn()
    const one = world.users.find((u) => u.usernames.length === 1 && u.account === undefined)!
    const several = world.users.find((u) => u.usernames.length > 1)!
    const gone = world.users.find((u) => u.deactivated)!
    const users = (await app.call(req(new Api.users.GetUsers({ id: [input(viewer, one.id), input(viewer, several.id), input(viewer, gone.id)] })), ctxOf(auth))) as Api.User[]
    expect(users[0]!.username).toBe(one.usernames[0])
    // absent fields, as a GramJS client reads them
    expect(users[0]!.usernames).toBeNull()
    expect(users[1]!.username).toBeNull()
    expect(users[1]!.usernames!.map((u) => u.username)).toEqual(several.usernames)
    expect(users[2]!.deleted).toBe(true)
    expect(users[2]!.firstName).toBeNull()
    const photos = await app.call(req(new Api.photos.GetUserPhotos({ userId: input(viewer, gone.id), offset: 0, maxId: bigInt(0), limit: 10 })), ctxOf(auth))
    expect(photos).toBeInstanceOf(Api.photos.Photos)
    expect((photos as Api.photos.Photos).photos).toHaveLength(0)
  })

  /** Imports the login to `dcId` and fetches a whole file there in 64 KiB parts. */
  async function download(app: ApiApp, auth: AuthKeyState, dcId: number, location: Api.TypeInputFileLocation): Promise<{ bytes: Buffer; type: string }> {
    let there = auth
    if (dcId !== auth.dcId) {
      const exported = (await app.call(req(new Api.auth.ExportAuthorization({ dcId })), ctxOf(auth))) as Api.auth.ExportedAuthorization
      there = authKey(dcId)
      await app.call(req(new Api.auth.ImportAuthorization({ id: exported.id, bytes: exported.bytes })), ctxOf(there))
    }
    const parts: Buffer[] = []
    let type = ''
    for (let offset = 0; ; offset += 65536) {
      const f = (await app.call(req(new Api.upload.GetFile({ location, offset: bigInt(offset), limit: 65536 })), ctxOf(there))) as Api.upload.File
      if (offset === 0) type = f.type.className
      parts.push(f.bytes)
      if (f.bytes.length < 65536) break
    }
    return { bytes: Buffer.concat(parts), type }
  }

  it('serves video avatars (u), peer photos (big/small) and audio documents byte-identical to the world', async () => {
    const { app, auth, viewer } = await loggedIn()
    const owner = world.users.find((u) => u.photoCount > 100)!
    const withVideo = Array.from({ length: owner.photoCount }, (_, p) => world.photoAt(owner, p)).findIndex((p) => p.videoStartTs !== undefined)
    const page = (await app.call(req(new Api.photos.GetUserPhotos({ userId: input(viewer, owner.id), offset: withVideo, maxId: bigInt(0), limit: 1 })), ctxOf(auth))) as Api.photos.PhotosSlice
    const photo = page.photos[0] as Api.Photo
    const vs = photo.videoSizes![0] as Api.VideoSize
    expect([vs.type, vs.w, vs.h]).toEqual(['u', 640, 640])
    const meta = world.photoById(BigInt(photo.id.toString()))!
    const video = await download(app, auth, photo.dcId, new Api.InputPhotoFileLocation({ id: photo.id, accessHash: photo.accessHash, fileReference: photo.fileReference, thumbSize: 'u' }))
    expect(video.type).toBe('storage.FileMp4')
    expect(video.bytes.equals(world.videoBytes(meta))).toBe(true)
    expect(video.bytes.length).toBe(vs.size)

    const newest = world.photoAt(owner, 0)
    const peer = new Api.InputPeerUser({ userId: bigInt(owner.id.toString()), accessHash: bigInt(world.accessHash(viewer, owner.id).toString()) })
    const big = await download(app, auth, newest.dcId, new Api.InputPeerPhotoFileLocation({ peer, photoId: bigInt(newest.id.toString()), big: true }))
    expect(big.bytes.equals(world.photoSizeBytes(newest, newest.sizes[2]!))).toBe(true)
    const small = await download(app, auth, newest.dcId, new Api.InputPeerPhotoFileLocation({ peer, photoId: bigInt(newest.id.toString()) }))
    expect(small.bytes.equals(world.photoSizeBytes(newest, newest.sizes[0]!))).toBe(true)
    const badPeer = new Api.InputPeerUser({ userId: peer.userId, accessHash: bigInt(1) })
    expect(await rpcError(app.call(req(new Api.upload.GetFile({ location: new Api.InputPeerPhotoFileLocation({ peer: badPeer, photoId: bigInt(newest.id.toString()) }), offset: bigInt(0), limit: 4096 })), ctxOf(auth)))).toBe('400 PEER_ID_INVALID')

    const singer = world.users.find((u) => u.audioCount > 0)!
    const music = (await app.call(req(new GetSavedMusic({ id: input(viewer, singer.id), offset: 0, limit: 1, hash: bigInt(0) })), ctxOf(auth))) as SavedMusic
    const doc = music.documents[0] as Api.Document
    const audio = await download(app, auth, doc.dcId, new Api.InputDocumentFileLocation({ id: doc.id, accessHash: doc.accessHash, fileReference: doc.fileReference, thumbSize: '' }))
    expect(audio.type).toBe('storage.FileMp3')
    expect(audio.bytes.length).toBe(Number(doc.size.toString()))
    expect(audio.bytes.equals(world.audioBytes(world.audioById(BigInt(doc.id.toString()))!))).toBe(true)
    const attr = doc.attributes.find((a) => a instanceof Api.DocumentAttributeAudio) as Api.DocumentAttributeAudio
    expect(attr.duration).toBe(world.audio(singer, 0).duration)
  })
})
