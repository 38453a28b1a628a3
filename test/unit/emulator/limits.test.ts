import { createApiApp, type ApiApp } from '../../../src/emulator/app/index.js'
import { SlidingWindow, TELEGRAM_LIMITS, NO_LIMITS, resolveLimits, waitSeconds } from '../../../src/emulator/limits.js'
import { RpcError, type AuthKeyState, type CallContext, type TlRequest } from '../../../src/emulator/rpc.js'
import type { TlObject } from '../../../src/emulator/tl/codec.js'
import { createWorld, type World } from '../../../src/emulator/world.js'
import { MovableClock } from '../../helpers/movable-clock.js'

const DCS = [1, 2, 3, 4, 5].map((id) => ({ id, host: '127.0.0.1', port: 40000 + id }))
const DAY = 86_400

describe('SlidingWindow', () => {
  it('passes `capacity` charges, then waits exactly until the oldest leaves the window', () => {
    const w = new SlidingWindow(3, 10_000)
    for (const t of [0, 1000, 2500]) {
      expect(w.waitMs(t)).toBe(0)
      w.charge(t)
    }
    expect(w.waitMs(4000)).toBe(6000)
    expect(w.waitMs(9999)).toBe(1)
    expect(w.waitMs(10_000)).toBe(0)
    w.charge(10_000)
    expect(w.waitMs(10_000)).toBe(1000)
    expect(w.waitMs(10_999)).toBe(1)
    expect(w.waitMs(11_000)).toBe(0)
    expect(w.used(12_500)).toBe(1)
  })

  it('waits for weights to leave until what is left fits', () => {
    const w = new SlidingWindow(100, 60_000)
    w.charge(0, 60)
    w.charge(5000, 30)
    w.charge(7000, 20)
    // holds 110: a request passes once it holds less than 100, i.e. when the first charge leaves
    expect(w.waitMs(8000)).toBe(52_000)
    expect(w.waitMs(60_000)).toBe(0)
    expect(w.used(60_000)).toBe(50)
  })

  it('never passes anything with capacity 0', () => {
    const w = new SlidingWindow(0, 1000)
    expect(w.waitMs(0)).toBe(1000)
  })
})

describe('waitSeconds', () => {
  it('rounds up to whole seconds, at least 1', () => {
    expect([1, 999, 1000, 1001, 0].map(waitSeconds)).toEqual([1, 1, 1, 2, 1])
  })
})

describe('resolveLimits', () => {
  it('names the profiles', () => {
    expect(resolveLimits()).toBe(NO_LIMITS)
    expect(resolveLimits('telegram')).toBe(TELEGRAM_LIMITS)
    expect(TELEGRAM_LIMITS.resolveUsername).toEqual({ requests: 200, windowSeconds: DAY, chargeRepeats: true })
  })

  it('overrides single numbers, switches limits off, adds them to the none profile', () => {
    const l = resolveLimits({ resolveUsername: { requests: 5 }, downloadBudget: false })
    expect(l.resolveUsername).toEqual({ requests: 5, windowSeconds: DAY, chargeRepeats: true })
    expect(l.downloadBudget).toBeUndefined()
    expect(l.exportAuthorization).toEqual(TELEGRAM_LIMITS.exportAuthorization)
    const n = resolveLimits({ profile: 'none', downloadBudget: { bytes: 10 } })
    expect(n).toEqual({ parallelFiles: { smallQueue: 5, largeQueue: 2 }, downloadBudget: { bytes: 10, windowSeconds: 60 } })
    expect(() => resolveLimits({ exportAuthorization: { windowSeconds: 0 } })).toThrow(RangeError)
  })
})

function loggedIn(world: World, account = 0, dcId = 1): CallContext {
  const auth: AuthKeyState = {
    authKeyId: BigInt(7000 + account * 10 + dcId),
    dcId,
    userId: BigInt(world.accounts[account]!.userId),
    connection: undefined,
    data: new Map(),
  }
  return { dcId, dcs: DCS, auth, sessionId: 1n, msgId: 4n, layer: 198 }
}

async function answer(app: ApiApp, r: TlRequest, ctx: CallContext): Promise<string> {
  try {
    const a = (await app.call(r, ctx)) as TlObject
    return a._
  } catch (e) {
    if (e instanceof RpcError) return `${e.code} ${e.errorMessage}`
    throw e
  }
}

const resolve = (username: string): TlRequest => ({ _: 'contacts.resolveUsername', username })

describe('the telegram profile in the application layer', () => {
  const world = createWorld({ seed: 3, users: 12 })
  const names = world.users.flatMap((u) => u.usernames)

  it('refuses the 201st resolve of a day with the true seconds left, and passes again once the oldest leaves', async () => {
    const clock = new MovableClock()
    const app = createApiApp(world, { clock, limits: 'telegram' })
    const ctx = loggedIn(world)
    for (let k = 0; k < 200; k++) {
      expect(await answer(app, resolve(names[k % names.length]!), ctx)).toBe('contacts.resolvedPeer')
      clock.advance(60)
    }
    // the first resolve was 200 minutes ago: it leaves the window 24 h after it was made
    expect(await answer(app, resolve(names[0]!), ctx)).toBe(`420 FLOOD_WAIT_${DAY - 200 * 60}`)
    clock.advance(3600.5)
    expect(await answer(app, resolve(names[0]!), ctx)).toBe(`420 FLOOD_WAIT_${DAY - 200 * 60 - 3600}`)
    clock.advance(DAY - 200 * 60 - 3601)
    expect(await answer(app, resolve(names[0]!), ctx)).toBe('420 FLOOD_WAIT_1')
    clock.advance(0.5)
    expect(await answer(app, resolve(names[0]!), ctx)).toBe('contacts.resolvedPeer')
    // the second resolve was a minute after the first
    expect(await answer(app, resolve(names[1]!), ctx)).toBe('420 FLOOD_WAIT_60')
    const stats = app.stats()
    expect(stats.quotaRefusals).toEqual({ 'contacts.ResolveUsername': 4 })
    expect(stats.floodWaitsIssued).toEqual({ 'contacts.ResolveUsername': 4 })
    expect(stats.callsPerMethod['contacts.ResolveUsername']).toBe(205)
    // refused during the first wait, no answer of which was ever written to a client
    expect(stats.requestsCrossingFloodWait).toEqual({ 'contacts.ResolveUsername': 2 })
    expect(stats.requestsDuringFloodWait).toEqual({})
  })

  it('counts a resolve sent after the client was told to wait apart from one that crossed the answer', async () => {
    const clock = new MovableClock()
    const app = createApiApp(world, { clock, limits: { resolveUsername: { requests: 1 } } })
    const sentAt = (ms: number): CallContext => {
      const seconds = Math.floor(ms / 1000)
      return { ...loggedIn(world), msgId: (BigInt(seconds) << 32n) | BigInt(Math.floor(((ms % 1000) / 1000) * 2 ** 32)) }
    }
    expect(await answer(app, resolve(names[0]!), sentAt(clock.now()))).toBe('contacts.resolvedPeer')
    const refused = await app.call(resolve(names[0]!), sentAt(clock.now())).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(RpcError)
    // sent before the answer was written: it crossed it
    expect(await answer(app, resolve(names[0]!), sentAt(clock.now()))).toBe(`420 FLOOD_WAIT_${DAY}`)
    ;(refused as RpcError).onWritten?.()
    clock.advance(1)
    expect(await answer(app, resolve(names[0]!), sentAt(clock.now()))).toBe(`420 FLOOD_WAIT_${DAY - 1}`)
    expect(app.stats().requestsCrossingFloodWait).toEqual({ 'contacts.ResolveUsername': 1 })
    expect(app.stats().requestsDuringFloodWait).toEqual({ 'contacts.ResolveUsername': 1 })
  })

  it('keeps one quota per account and charges unknown usernames too', async () => {
    const clock = new MovableClock()
    const app = createApiApp(world, { clock, limits: { resolveUsername: { requests: 2 } } })
    const a = loggedIn(world, 0)
    const b = loggedIn(world, 2)
    expect(await answer(app, resolve('nobody_here_at_all'), a)).toBe('400 USERNAME_NOT_OCCUPIED')
    expect(await answer(app, resolve(names[0]!), a)).toBe('contacts.resolvedPeer')
    expect(await answer(app, resolve(names[0]!), a)).toBe(`420 FLOOD_WAIT_${DAY}`)
    expect(await answer(app, resolve(names[0]!), b)).toBe('contacts.resolvedPeer')
  })

  it('charges a repeated username again unless told not to', async () => {
    const clock = new MovableClock()
    const app = createApiApp(world, { clock, limits: { resolveUsername: { requests: 1, chargeRepeats: false } } })
    const ctx = loggedIn(world)
    expect(await answer(app, resolve(names[0]!), ctx)).toBe('contacts.resolvedPeer')
    clock.advance(10)
    expect(await answer(app, resolve(`@${names[0]!.toUpperCase()}`), ctx)).toBe('contacts.resolvedPeer')
    expect(await answer(app, resolve(names[1]!), ctx)).toBe(`420 FLOOD_WAIT_${DAY - 10}`)
    const strict = createApiApp(world, { clock, limits: { resolveUsername: { requests: 1 } } })
    expect(await answer(strict, resolve(names[0]!), ctx)).toBe('contacts.resolvedPeer')
    expect(await answer(strict, resolve(names[0]!), ctx)).toBe(`420 FLOOD_WAIT_${DAY}`)
  })

  it('limits nothing in the none profile', async () => {
    const app = createApiApp(world, { clock: new MovableClock() })
    const ctx = loggedIn(world)
    for (let k = 0; k < 250; k++) expect(await answer(app, resolve(names[k % names.length]!), ctx)).toBe('contacts.resolvedPeer')
  })

  it('limits auth.exportAuthorization to 100 an hour', async () => {
    const clock = new MovableClock()
    const app = createApiApp(world, { clock, limits: 'telegram' })
    const ctx = loggedIn(world)
    const exportTo = (dc_id: number): TlRequest => ({ _: 'auth.exportAuthorization', dc_id })
    for (let k = 0; k < 100; k++) expect(await answer(app, exportTo(2 + (k % 4)), ctx)).toBe('auth.exportedAuthorization')
    clock.advance(1000)
    expect(await answer(app, exportTo(2), ctx)).toBe('420 FLOOD_WAIT_2600')
    expect(app.stats().quotaRefusals).toEqual({ 'auth.ExportAuthorization': 1 })
  })

  it('publishes the parallel-download limits in help.getAppConfig, with a hash', async () => {
    const app = createApiApp(world, { limits: { parallelFiles: { largeQueue: 3 } } })
    const ctx = loggedIn(world)
    const config = (await app.call({ _: 'help.getAppConfig', hash: 0 }, ctx)) as TlObject
    expect(config._).toBe('help.appConfig')
    expect(config['config']).toEqual({
      _: 'jsonObject',
      value: [
        { _: 'jsonObjectValue', key: 'small_queue_max_active_operations_count', value: { _: 'jsonNumber', value: 5 } },
        { _: 'jsonObjectValue', key: 'large_queue_max_active_operations_count', value: { _: 'jsonNumber', value: 3 } },
      ],
    })
    expect(await answer(app, { _: 'help.getAppConfig', hash: config['hash'] as number }, ctx)).toBe('help.appConfigNotModified')
  })
})

describe('downloads in the telegram profile', () => {
  const world = createWorld({ seed: 3, users: 12 })
  const owner = world.users.find((u) => u.account === undefined && u.photoCount > 3)!

  /** `upload.getFile` requests of the first part of each size of `owner`'s first photos, as `ctx` sees them. */
  async function getFiles(app: ApiApp, ctx: CallContext, photos: number): Promise<TlRequest[]> {
    const input = { _: 'inputUser', user_id: owner.id, access_hash: world.accessHash(ctx.auth.userId!, owner.id) }
    const page = (await app.call({ _: 'photos.getUserPhotos', user_id: input, offset: 0, max_id: 0n, limit: photos }, ctx)) as TlObject
    return (page['photos'] as TlObject[]).flatMap((p) =>
      (p['sizes'] as TlObject[])
        .filter((s) => s._ !== 'photoStrippedSize')
        .map((s) => ({
          _: 'upload.getFile',
          location: { _: 'inputPhotoFileLocation', id: p['id'], access_hash: p['access_hash'], file_reference: p['file_reference'], thumb_size: s['type'] },
          offset: 0n,
          limit: 1024 * 1024,
        })),
    )
  }

  const onDc = (r: TlRequest): number => world.photoById((r['location'] as TlObject)['id'] as bigint)!.dcId

  it('answers FLOOD_PREMIUM_WAIT once the window holds the budget, until enough bytes leave it', async () => {
    const clock = new MovableClock()
    const app = createApiApp(world, { clock, limits: { downloadBudget: { bytes: 12_000, windowSeconds: 60 } } })
    const ctx = loggedIn(world)
    const requests = await getFiles(app, ctx, 4)
    const served: string[] = []
    for (const r of requests) {
      const c = { ...ctx, dcId: onDc(r) }
      const a = await answer(app, r, c)
      served.push(a)
      if (a !== 'upload.file') break
      clock.advance(1)
    }
    const refused = served.at(-1)!
    const k = served.length - 1
    // parts served at t = 0 .. k-1; the request at t = k passes once the window holds less than the budget
    const lengths = requests.slice(0, k).map((r) => {
      const loc = r['location'] as TlObject
      const photo = world.photoById(loc['id'] as bigint)!
      return world.photoSizeLength(photo, photo.sizes.find((z) => z.type === loc['thumb_size'])!)
    })
    let left = lengths.reduce((x, y) => x + y, 0)
    let leaves = 0
    while (left >= 12_000) left -= lengths[leaves++]!
    const seconds = leaves - 1 + 60 - k
    expect(k).toBeGreaterThan(1)
    expect(refused).toBe(`420 FLOOD_PREMIUM_WAIT_${seconds}`)
    expect(app.stats().premiumWaitsIssued).toEqual({ [String(world.accounts[0]!.userId)]: 1 })
    const last = requests[served.length - 1]!
    clock.advance(seconds - 0.001)
    expect(await answer(app, last, { ...ctx, dcId: onDc(last) })).toBe('420 FLOOD_PREMIUM_WAIT_1')
    clock.advance(0.001)
    expect(await answer(app, last, { ...ctx, dcId: onDc(last) })).toBe('upload.file')
  })

  it('never limits the premium account', async () => {
    const app = createApiApp(world, { clock: new MovableClock(), limits: { downloadBudget: { bytes: 1, windowSeconds: 60 } } })
    const ctx = loggedIn(world, 2)
    for (const r of await getFiles(app, ctx, 4)) expect(await answer(app, r, { ...ctx, dcId: onDc(r) })).toBe('upload.file')
    expect(app.stats().premiumWaitsIssued).toEqual({})
  })

  it('counts the peak of upload.getFile requests and of distinct files in progress per account and DC', async () => {
    const gate: (() => void)[] = []
    const app = createApiApp(world, {
      faults: { latency: { fixedMs: 1 } },
      sleep: () => new Promise<void>((resolve) => gate.push(resolve)),
    })
    const ctx = loggedIn(world)
    const [a, b] = (await Promise.all([getFiles(app, ctx, 1), (async () => {
      while (gate.length === 0) await new Promise((r) => setImmediate(r))
      gate.shift()!()
    })()]))[0]
    expect(a).toBeDefined()
    const c = { ...ctx, dcId: onDc(a!) }
    const pending = [app.call(a!, c), app.call(a!, c), app.call(b!, c)]
    while (gate.length < 3) await new Promise((r) => setImmediate(r))
    const account = String(world.accounts[0]!.userId)
    expect(app.stats().peakGetFileRequests).toEqual({ [account]: { [String(c.dcId)]: 3 } })
    expect(app.stats().peakFilesInFlight).toEqual({ [account]: { [String(c.dcId)]: 2 } })
    for (const release of gate.splice(0)) release()
    await Promise.all(pending)
    const d = app.call(b!, c)
    while (gate.length < 1) await new Promise((r) => setImmediate(r))
    gate.shift()!()
    await d
    expect(app.stats().peakGetFileRequests).toEqual({ [account]: { [String(c.dcId)]: 3 } })
  })
})
