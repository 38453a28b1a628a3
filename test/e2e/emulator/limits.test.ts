/**
 * The emulator's `telegram` limits profile over TCP for an unmodified GramJS client: the daily
 * `contacts.resolveUsername` quota with its exact remaining seconds, the non-premium download budget
 * (`FLOOD_PREMIUM_WAIT_X`) and the premium account it spares, and the parallel-download limits `help.getAppConfig`
 * publishes. The clock is the test's: a 24-hour window passes in one call.
 */
import { Api, errors } from 'telegram'
import bigInt from 'big-integer'
import type { EmulatorTelegramClient } from '../../../src/client/emulator.js'
import { loginToEmulator } from '../../../src/client/emulator.js'
import { shutdownClient } from '../../../src/client/connect.js'
import { generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startEmulator, type EmulatorAccount, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator/index.js'
import { BotApiError, toBotApiError } from '../../../src/index.js'
import { rejection } from '../../helpers/rejection.js'
import { MovableClock } from '../../helpers/movable-clock.js'
import { emulatorTestClient } from './helpers.js'

const rsaKey = generateRsaKeyPair()
const DAY = 86_400

interface Harness {
  emu: RunningEmulator
  client: EmulatorTelegramClient
  clock: MovableClock
  close(): Promise<void>
}

async function start(options: EmulatorOptions, account?: (accounts: readonly EmulatorAccount[]) => EmulatorAccount): Promise<Harness> {
  const clock = new MovableClock()
  const emu = await startEmulator({ seed: 5, users: 30, rsaKey, clock, ...options })
  // GramJS would otherwise sleep through short flood waits itself; the test must see them
  const client = emulatorTestClient(emu.connection, { floodSleepThreshold: 0 })
  try {
    await loginToEmulator(client, emu.connection, account?.(emu.connection.accounts))
  } catch (error) {
    await shutdownClient(client)
    await emu.close()
    throw error
  }
  emu.resetStats()
  return {
    emu,
    client,
    clock,
    close: async () => {
      await shutdownClient(client)
      await emu.close()
    },
  }
}

const resolve = (h: Harness, username: string): Promise<Api.contacts.ResolvedPeer> =>
  h.client.invoke(new Api.contacts.ResolveUsername({ username }))

describe('the telegram limits profile', () => {
  let h: Harness | undefined
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  it('answers the 201st resolve of a day FLOOD_WAIT with the exact seconds left, and resolves again once it is over', async () => {
    h = await start({ limits: 'telegram' })
    const names = h.emu.world.users.filter((u) => u.account === undefined).flatMap((u) => u.usernames)
    for (let k = 0; k < 200; k++) {
      await resolve(h, names[k % names.length]!)
      h.clock.advance(30)
    }
    // the first resolve, 6 000 s ago, leaves the window 24 h after it was made
    const e = await rejection(resolve(h, names[0]!))
    expect(e).toBeInstanceOf(errors.FloodWaitError)
    expect((e as errors.FloodWaitError).seconds).toBe(DAY - 6000)
    const b = toBotApiError(e) as BotApiError
    expect([b.error_code, b.parameters, b.mtprotoError]).toEqual([429, { retry_after: DAY - 6000 }, `FLOOD_WAIT_${DAY - 6000}`])
    h.clock.advance(DAY - 6000 - 1)
    expect(((await rejection(resolve(h, names[0]!))) as errors.FloodWaitError).seconds).toBe(1)
    h.clock.advance(1)
    const peer = await resolve(h, names[0]!)
    expect(peer.users).toHaveLength(1)
    // the second resolve of the old window was made 30 s after the first
    expect(((await rejection(resolve(h, names[1]!))) as errors.FloodWaitError).seconds).toBe(30)
    const stats = h.emu.stats()
    expect(stats.callsPerMethod['contacts.ResolveUsername']).toBe(204)
    expect(stats.quotaRefusals).toEqual({ 'contacts.ResolveUsername': 3 })
    expect(stats.rpcErrors).toEqual({ FLOOD_WAIT_X: 3 })
    // the test sent one resolve after it had been told to wait (the one answered with 1 s left)
    expect(stats.requestsDuringFloodWait).toEqual({ 'contacts.ResolveUsername': 1 })
  })

  it('resolves without a limit in the default profile', async () => {
    h = await start({})
    const names = h.emu.world.users.filter((u) => u.account === undefined).flatMap((u) => u.usernames)
    for (let k = 0; k < 210; k++) await resolve(h, names[k % names.length]!)
    expect(h.emu.stats().rpcErrors).toEqual({})
  })

  /** `upload.getFile` requests for the biggest size of every photo on the home DC of the users with many photos. */
  async function homeDcParts(h: Harness, count: number, viewer: EmulatorAccount): Promise<{ request: Api.upload.GetFile; bytes: number }[]> {
    const home = h.emu.connection.homeDcId
    const out: { request: Api.upload.GetFile; bytes: number }[] = []
    for (const u of h.emu.world.users.filter((x) => x.account === undefined && x.photoCount > 100)) {
      // the access hash a client would have met the user with
      const accessHash = bigInt(h.emu.world.accessHash(BigInt(viewer.userId), u.id).toString())
      const input = new Api.InputUser({ userId: bigInt(u.id.toString()), accessHash })
      const page = (await h.client.invoke(
        new Api.photos.GetUserPhotos({ userId: input, offset: 0, maxId: bigInt(0), limit: 100 }),
      )) as Api.photos.PhotosSlice
      for (const p of page.photos) {
        if (!(p instanceof Api.Photo) || p.dcId !== home) continue
        const size = p.sizes.at(-1)!
        const meta = h.emu.world.photoById(BigInt(p.id.toString()))!
        const bytes = h.emu.world.photoSizeLength(meta, meta.sizes.find((s) => s.type === size.type)!)
        const location = new Api.InputPhotoFileLocation({ id: p.id, accessHash: p.accessHash, fileReference: p.fileReference, thumbSize: size.type })
        out.push({ request: new Api.upload.GetFile({ location, offset: bigInt(0), limit: 1024 * 1024 }), bytes })
        if (out.length === count) return out
      }
    }
    throw new Error(`fewer than ${count} photos on DC ${home}`)
  }

  const budget = { bytes: 100_000, windowSeconds: 60 }

  it('answers FLOOD_PREMIUM_WAIT once a non-premium account has downloaded its budget, and serves it once the bytes left the window', async () => {
    h = await start({ limits: { downloadBudget: budget } })
    const parts = await homeDcParts(h, 40, h.emu.connection.testAccount)
    h.emu.resetStats()
    let served = 0
    let k = 0
    for (; served < budget.bytes; k++) {
      const file = (await h.client.invoke(parts[k]!.request)) as Api.upload.File
      expect(file.bytes.length).toBe(parts[k]!.bytes)
      served += file.bytes.length
    }
    const e = await rejection(h.client.invoke(parts[k]!.request))
    expect(e).toBeInstanceOf(errors.FloodWaitError)
    // every part was served at the same instant: the window holds less than the budget when all of them left it
    expect((e as errors.FloodWaitError).seconds).toBe(budget.windowSeconds)
    h.clock.advance(budget.windowSeconds)
    expect(((await h.client.invoke(parts[k]!.request)) as Api.upload.File).bytes.length).toBe(parts[k]!.bytes)
    const stats = h.emu.stats()
    expect(stats.rpcErrors).toEqual({ FLOOD_PREMIUM_WAIT_X: 1 })
    expect(stats.premiumWaitsIssued).toEqual({ [String(h.emu.connection.testAccount.userId)]: 1 })
    expect(stats.bytesServedPerDc).toEqual({ [String(h.emu.connection.homeDcId)]: served + parts[k]!.bytes })
  })

  it('never answers FLOOD_PREMIUM_WAIT to the premium account, which users.getUsers shows as premium', async () => {
    const premium = (accounts: readonly EmulatorAccount[]): EmulatorAccount => accounts.find((a) => a.premium === true)!
    h = await start({ limits: { downloadBudget: budget } }, premium)
    const [me] = await h.client.invoke(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }))
    expect((me as Api.User).premium).toBe(true)
    const parts = await homeDcParts(h, 40, premium(h.emu.connection.accounts))
    let served = 0
    for (const part of parts) served += ((await h.client.invoke(part.request)) as Api.upload.File).bytes.length
    expect(served).toBeGreaterThan(budget.bytes)
    expect(h.emu.stats().rpcErrors).toEqual({})
    expect(h.emu.stats().premiumWaitsIssued).toEqual({})
  })

  it('publishes the parallel-download limits in help.getAppConfig, and answers appConfigNotModified for its hash', async () => {
    h = await start({ limits: 'telegram' })
    const config = (await h.client.invoke(new Api.help.GetAppConfig({ hash: 0 }))) as Api.help.AppConfig
    const json = config.config as Api.JsonObject
    expect(json.value.map((v) => [v.key, (v.value as Api.JsonNumber).value])).toEqual([
      ['small_queue_max_active_operations_count', 5],
      ['large_queue_max_active_operations_count', 2],
    ])
    const again = await h.client.invoke(new Api.help.GetAppConfig({ hash: config.hash }))
    expect(again).toBeInstanceOf(Api.help.AppConfigNotModified)
  })

  it('counts the peak of upload.getFile requests in progress per account and DC', async () => {
    h = await start({ limits: 'telegram' })
    const parts = await homeDcParts(h, 3, h.emu.connection.testAccount)
    h.emu.resetStats()
    for (const part of parts) await h.client.invoke(part.request)
    const home = String(h.emu.connection.homeDcId)
    const account = String(h.emu.connection.testAccount.userId)
    // one at a time: never more than one in progress
    expect(h.emu.stats().peakGetFileRequests).toEqual({ [account]: { [home]: 1 } })
    expect(h.emu.stats().peakFilesInFlight).toEqual({ [account]: { [home]: 1 } })
  })
})
