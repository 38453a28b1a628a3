/**
 * The emulator's faults — FILE_MIGRATE, FLOOD_WAIT, FILE_REFERENCE_EXPIRED, dropped connections — produced over TCP
 * for an unmodified GramJS client, and handled (or translated) by the core library.
 */
import { createHash } from 'node:crypto'
import { Api, errors } from 'telegram'
import bigInt from 'big-integer'
import type { EmulatorTelegramClient } from '../../../src/client/emulator.js'
import { shutdownClient } from '../../../src/client/connect.js'
import { generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startEmulator, type EmulatorOptions, type RunningEmulator, type WorldUser } from '../../../src/emulator/index.js'
import { parseProfileFileId, photoSizeFileId } from '../../../src/botapi/file-id.js'
import {
  BotApiError,
  FILE_REFERENCE_HINT,
  downloadFile,
  getUserProfileAudios,
  getUserProfilePhotos,
  toBotApiError,
} from '../../../src/index.js'
import { emulatorTestClient, loginOrClose } from './helpers.js'
import { rejection } from '../../helpers/rejection.js'

const rsaKey = generateRsaKeyPair()
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

/** A clock the test moves by hand (file references and flood buckets read it). */
class ManualClock {
  ms = Date.UTC(2026, 0, 15, 12)
  now(): number {
    return this.ms
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000
  }
}

interface Harness {
  emu: RunningEmulator
  client: EmulatorTelegramClient
  users: WorldUser[]
  close(): Promise<void>
}

async function start(options: EmulatorOptions, connectionRetries = 1): Promise<Harness> {
  const emu = await startEmulator({ seed: 4, users: 10, rsaKey, ...options })
  const client = emulatorTestClient(emu.connection, {
    connectionRetries,
    // GramJS would otherwise sleep through short flood waits itself; the library must see them
    floodSleepThreshold: 0,
  })
  await loginOrClose(client, emu)
  emu.resetStats() // count from here: login probes (AUTH_KEY_UNREGISTERED before signing in) are not the test's
  return {
    emu,
    client,
    users: emu.world.toFile().users.filter((u) => u.account !== true),
    close: async () => {
      await shutdownClient(client)
      await emu.close()
    },
  }
}

describe('emulator faults', () => {
  let h: Harness | undefined
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  describe('FILE_MIGRATE', () => {
    it('answers 303 FILE_MIGRATE_X to upload.getFile on a DC that does not hold the file', async () => {
      h = await start({})
      const home = h.emu.connection.homeDcId
      const u = h.users.find((x) => x.usernames.length > 0 && x.photos.some((p) => p.dcId !== home))!
      const k = u.photos.findIndex((p) => p.dcId !== home)
      const page = await getUserProfilePhotos(h.client, { user_id: `@${u.usernames[0]!}`, offset: k, limit: 1 })
      const parsed = parseProfileFileId(page.photos[0]![0]!.file_id)
      expect(parsed.dcId).toBe(u.photos[k]!.dcId)
      h.emu.resetStats()
      const location = new Api.InputPhotoFileLocation({
        id: bigInt(parsed.id.toString()),
        accessHash: bigInt(parsed.accessHash.toString()),
        fileReference: Buffer.from(parsed.fileReference),
        thumbSize: parsed.sizeType,
      })
      const e = await rejection(h.client.invoke(new Api.upload.GetFile({ location, offset: bigInt(0), limit: 4096 })))
      // GramJS maps the wire error FILE_MIGRATE_(\d+) to FileMigrateError with the captured DC
      expect(e).toBeInstanceOf(errors.FileMigrateError)
      expect((e as errors.FileMigrateError).code).toBe(303)
      expect((e as errors.FileMigrateError).newDc).toBe(parsed.dcId)
      const translated = toBotApiError(e)
      expect(translated).toBeInstanceOf(BotApiError)
      expect((translated as BotApiError).migrateToDc).toBe(parsed.dcId)
      expect(h.emu.stats().callsPerDc).toEqual({ [String(home)]: 1 })
      expect(h.emu.stats().rpcErrors).toEqual({ FILE_MIGRATE_X: 1 })
    })

    it('downloadFile follows FILE_MIGRATE_X to DC X when a file_id names the wrong DC', async () => {
      h = await start({})
      const home = h.emu.connection.homeDcId
      const u = h.users.find((x) => x.usernames.length > 0 && x.photos.some((p) => p.dcId !== home))!
      const k = u.photos.findIndex((p) => p.dcId !== home)
      const truth = u.photos[k]!
      const page = await getUserProfilePhotos(h.client, { user_id: `@${u.usernames[0]!}`, offset: k, limit: 1 })
      const size = page.photos[0]!.at(-1)!
      const parsed = parseProfileFileId(size.file_id)
      // the same photo size, but a file_id claiming it lives on the home DC
      const wrongDc = photoSizeFileId({ ...parsed, dcId: home }, parsed.sizeType)
      h.emu.resetStats()
      const buf = await downloadFile(h.client, wrongDc, { partSize: 16384 })
      const t = truth.sizes.find((s) => s.type === parsed.sizeType)!
      expect(sha256(buf)).toBe(t.sha256)
      const stats = h.emu.stats()
      expect(stats.rpcErrors).toEqual({ FILE_MIGRATE_X: 1 })
      // one refused request on the home DC (plus exporting the authorization); every part came from DC X
      const parts = Math.ceil((t.bytes + 1) / 16384)
      expect(stats.callsPerMethod).toEqual({
        'upload.GetFile': 1 + parts,
        'auth.ExportAuthorization': 1,
        'auth.ImportAuthorization': 1,
      })
      expect(stats.callsPerDc).toEqual({ [String(home)]: 2, [String(truth.dcId)]: parts + 1 })
      expect(stats.bytesServedPerDc).toEqual({ [String(truth.dcId)]: t.bytes })
    })
  })

  describe('FLOOD_WAIT', () => {
    it('answers FLOOD_WAIT_X with an honest X, translated to 429 with retry_after X; after X seconds the call succeeds', async () => {
      const clock = new ManualClock()
      // one request, then a token every 40 s
      h = await start({ clock, floodRules: { 'users.GetSavedMusic': { capacity: 1, refillPerSecond: 1 / 40 } } })
      const u = h.users.find((x) => x.usernames.length > 0 && x.audios.length > 0)!
      const user_id = `@${u.usernames[0]!}`
      expect((await getUserProfileAudios(h.client, { user_id })).total_count).toBe(u.audios.length)
      clock.advance(10)
      const e = await rejection(getUserProfileAudios(h.client, { user_id }))
      expect(e).toBeInstanceOf(BotApiError)
      const b = e as BotApiError
      expect([b.error_code, b.description, b.parameters, b.mtprotoError]).toEqual([
        429,
        'Too Many Requests: retry after 30',
        { retry_after: 30 },
        'FLOOD_WAIT_30',
      ])
      clock.advance(30)
      expect((await getUserProfileAudios(h.client, { user_id })).total_count).toBe(u.audios.length)
      const stats = h.emu.stats()
      expect(stats.floodWaitsIssued).toEqual({ 'users.GetSavedMusic': 1 })
      expect(stats.rpcErrors).toEqual({ FLOOD_WAIT_X: 1 })
      expect(stats.requestsDuringFloodWait).toEqual({})
    })

    it('counts a request sent while its flood wait still runs', async () => {
      const clock = new ManualClock()
      h = await start({ clock, floodRules: { 'users.GetSavedMusic': { capacity: 1, refillPerSecond: 1 / 40 } } })
      const u = h.users.find((x) => x.usernames.length > 0 && x.audios.length > 0)!
      const user_id = `@${u.usernames[0]!}`
      await getUserProfileAudios(h.client, { user_id })
      const first = (await rejection(getUserProfileAudios(h.client, { user_id }))) as BotApiError
      expect(first.parameters).toEqual({ retry_after: 40 })
      clock.advance(15)
      const second = (await rejection(getUserProfileAudios(h.client, { user_id }))) as BotApiError
      expect(second.parameters).toEqual({ retry_after: 25 })
      expect(h.emu.stats().requestsDuringFloodWait).toEqual({ 'users.GetSavedMusic': 1 })
    })
  })

  describe('FILE_REFERENCE_EXPIRED', () => {
    it('refuses a reference older than the TTL; listing again gives a file_id that downloads byte-identical', async () => {
      const clock = new ManualClock()
      h = await start({ clock, fileReferenceTtlSeconds: 3600 })
      const u = h.users.find((x) => x.usernames.length > 0 && x.photos.length > 1 && x.photos.length < 10)!
      const user_id = `@${u.usernames[0]!}`
      const old = await getUserProfilePhotos(h.client, { user_id, limit: 1 })
      const oldSize = old.photos[0]!.at(-1)!
      const t = u.photos[0]!.sizes.find((s) => s.type === parseProfileFileId(oldSize.file_id).sizeType)!
      // still fresh: downloads
      expect(sha256(await downloadFile(h.client, oldSize.file_id))).toBe(t.sha256)
      clock.advance(3601)
      const e = await rejection(downloadFile(h.client, oldSize.file_id))
      expect(e).toBeInstanceOf(BotApiError)
      const b = e as BotApiError
      expect([b.error_code, b.description, b.mtprotoError, b.hint]).toEqual([
        400,
        'Bad Request: FILE_REFERENCE_EXPIRED',
        'FILE_REFERENCE_EXPIRED',
        FILE_REFERENCE_HINT,
      ])
      // handled as the hint says: list again, download with the fresh file_id
      const fresh = await getUserProfilePhotos(h.client, { user_id, limit: 1 })
      const freshSize = fresh.photos[0]!.at(-1)!
      expect(freshSize.file_unique_id).toBe(oldSize.file_unique_id)
      expect(freshSize.file_id).not.toBe(oldSize.file_id)
      expect(sha256(await downloadFile(h.client, freshSize.file_id))).toBe(t.sha256)
      expect(h.emu.stats().rpcErrors).toEqual({ FILE_REFERENCE_EXPIRED: 1 })
    })
  })

  describe('answers ready together', () => {
    it('delivers every answer when rpc_errors and results are ready together (one msg_container)', async () => {
      h = await start({})
      const bad = new Api.InputUser({ userId: bigInt(h.users[0]!.id), accessHash: bigInt(1) })
      // sent in one container; the four answers are ready in the same tick and leave in one msg_container. Stock
      // GramJS stops reading a container at the first rpc_error (the rest never resolve); the library's
      // src/gramjs/fixes/container.ts, installed by the emulator glue, makes this pass.
      const settled = await Promise.allSettled([
        h.client.invoke(new Api.users.GetFullUser({ id: bad })),
        h.client.invoke(new Api.help.GetNearestDc()),
        h.client.invoke(new Api.users.GetFullUser({ id: bad })),
        h.client.invoke(new Api.help.GetNearestDc()),
      ])
      expect(settled.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled'])
      for (const r of settled) {
        if (r.status === 'rejected') expect((r.reason as errors.RPCError).errorMessage).toBe('USER_ID_INVALID')
        else expect((r.value as Api.NearestDc).thisDc).toBe(h.emu.connection.homeDcId)
      }
    })
  })

  describe('dropped connections', () => {
    it('GramJS reconnects after the emulator drops the connection, and the calls succeed', async () => {
      h = await start({ dropRate: 0.2 }, 50)
      const u = h.users.find((x) => x.usernames.length > 0 && x.photos.length > 100)!
      for (let offset = 0; offset < 40; offset += 2) {
        const page = await getUserProfilePhotos(h.client, { user_id: `@${u.usernames[0]!}`, offset, limit: 2 })
        expect(page.total_count).toBe(u.photos.length)
        expect(page.photos.map((s) => parseProfileFileId(s[0]!.file_id).id.toString())).toEqual(
          u.photos.slice(offset, offset + 2).map((p) => p.id),
        )
      }
      const dropped = Object.values(h.emu.stats().protocol).reduce((a, c) => a + c.droppedConnections, 0)
      expect(dropped).toBeGreaterThan(0)
    })

    it('a download from a non-home DC survives dropped connections byte-identical', async () => {
      h = await start({ dropRate: 0.2 }, 50)
      const home = h.emu.connection.homeDcId
      const u = h.users.find((x) => x.usernames.length > 0 && x.photos.some((p) => p.dcId !== home))!
      const k = u.photos.findIndex((p) => p.dcId !== home)
      const page = await getUserProfilePhotos(h.client, { user_id: `@${u.usernames[0]!}`, offset: k, limit: 1 })
      const size = page.photos[0]!.at(-1)!
      const t = u.photos[k]!.sizes.find((s) => s.type === parseProfileFileId(size.file_id).sizeType)!
      const buf = await downloadFile(h.client, size.file_id, { partSize: 4096 })
      expect(sha256(buf)).toBe(t.sha256)
      const far = h.emu.stats().protocol[u.photos[k]!.dcId]!
      expect(far.droppedConnections).toBeGreaterThan(0)
    })
  })
})
