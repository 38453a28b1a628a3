/**
 * Every call ends: against an emulator that receives a method's requests and never answers them, each library call
 * fails with a TimeoutError after its deadline (or with the signal's reason when aborted), and the same client answers
 * the next call once the method is answered again.
 */
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { shutdownClient } from '../../../src/client/connect.js'
import { createEmulatorClient, loginToEmulator } from '../../../src/client/emulator.js'
import type { EmulatorTelegramClient } from '../../../src/client/emulator.js'
import { EntityCache, attachEntityCache } from '../../../src/client/entity-cache.js'
import { generateRsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startEmulator, type RunningEmulator, type WorldUser } from '../../../src/emulator/index.js'
import {
  TimeoutError,
  downloadFile,
  getUserProfileAudios,
  getUserProfilePhotos,
  iterUserProfilePhotos,
  resolveUser,
} from '../../../src/index.js'
import { rejection } from '../../helpers/rejection.js'

const rsaKey = generateRsaKeyPair()

interface SenderView {
  _pendingState: { values(): { request: { className?: string } }[] }
  _sendQueue: { _queue: ({ request: { className?: string } } | undefined)[] }
}

/** The class names of the requests GramJS still holds for an answer, on every connection of `client`. */
async function heldRequests(client: EmulatorTelegramClient): Promise<string[]> {
  const internals = client as unknown as { _sender: SenderView; _exportedSenderPromises: Map<number, Promise<SenderView>> }
  const senders = [internals._sender, ...(await Promise.all(internals._exportedSenderPromises.values()))]
  return senders.flatMap((sender) => [
    ...sender._pendingState.values().map((state) => state.request.className ?? ''),
    ...sender._sendQueue._queue.map((state) => state?.request.className ?? ''),
  ])
}

/** Waits (a bounded number of turns) until the emulator has swallowed `n` requests of `method`. */
async function swallowed(emu: RunningEmulator, method: string, n: number): Promise<number> {
  for (let i = 0; i < 2000 && (emu.stats().requestsSwallowed[method] ?? 0) < n; i++) await new Promise((r) => setTimeout(r, 5))
  return emu.stats().requestsSwallowed[method] ?? 0
}

describe('every call ends, against an emulator that stops answering a method', () => {
  let emu: RunningEmulator
  let client: EmulatorTelegramClient
  let target: WorldUser

  beforeAll(async () => {
    emu = await startEmulator({ seed: 4, users: 10, rsaKey })
    client = createEmulatorClient(emu.connection, { connectionRetries: 1, baseLogger: new Logger(LogLevel.NONE) })
    await loginToEmulator(client, emu.connection)
    attachEntityCache(client, EntityCache.memory())
    const users = emu.world.toFile().users.filter((u) => u.account !== true && !u.deactivated && u.usernames.length > 0)
    const withPhotos = users.find((u) => u.photos.length >= 3)
    if (withPhotos === undefined) throw new Error('the seeded world lacks a user with photos')
    target = withPhotos
  })

  afterAll(async () => {
    await shutdownClient(client)
    await emu.close()
  })

  afterEach(() => {
    for (const method of ['contacts.ResolveUsername', 'photos.GetUserPhotos', 'users.GetSavedMusic', 'upload.GetFile']) {
      emu.stopSwallowing(method)
    }
  })

  const at = (): string => `@${target.usernames[0] ?? ''}`

  it('resolveUser fails with a TimeoutError after its deadline, then resolves', async () => {
    emu.swallow('contacts.ResolveUsername', { requests: 1 })
    const e = await rejection(resolveUser(client, at(), { timeoutMs: 300 }))
    expect(e).toBeInstanceOf(TimeoutError)
    expect(e).toMatchObject({ method: 'resolveUser', request: 'contacts.resolveUsername', timeoutMs: 300 })
    expect(await swallowed(emu, 'contacts.ResolveUsername', 1)).toBe(1)
    const resolved = await resolveUser(client, at(), { timeoutMs: 10_000 })
    expect(resolved.userId?.toString()).toBe(String(target.id))
  })

  it('getUserProfilePhotos and iterUserProfilePhotos time out on a listing never answered, then answer', async () => {
    await resolveUser(client, at())
    emu.swallow('photos.GetUserPhotos')
    const one = await rejection(getUserProfilePhotos(client, { user_id: at() }, { timeoutMs: 300 }))
    expect(one).toBeInstanceOf(TimeoutError)
    expect(one).toMatchObject({ method: 'getUserProfilePhotos', request: 'photos.getUserPhotos' })
    const pages = iterUserProfilePhotos(client, at(), { timeoutMs: 300 })
    const iterated = await rejection(pages.next())
    expect(iterated).toBeInstanceOf(TimeoutError)
    expect(iterated).toMatchObject({ method: 'iterUserProfilePhotos' })
    // Both requests reached the emulator (a deadline can pass before a request has, on a busy machine).
    expect(await swallowed(emu, 'photos.GetUserPhotos', 2)).toBe(2)
    // Given up on, the two requests are no longer held by GramJS (nor sent again at its next reconnect).
    expect(await heldRequests(client)).not.toContain('photos.GetUserPhotos')
    emu.stopSwallowing('photos.GetUserPhotos')
    const answered = await getUserProfilePhotos(client, { user_id: at() }, { timeoutMs: 10_000 })
    expect(answered.total_count).toBe(target.photos.length)
  })

  it('getUserProfileAudios rejects with the signal reason once aborted', async () => {
    await resolveUser(client, at())
    emu.swallow('users.GetSavedMusic')
    const controller = new AbortController()
    const call = getUserProfileAudios(client, { user_id: at() }, { signal: controller.signal })
    expect(await swallowed(emu, 'users.GetSavedMusic', 1)).toBe(1)
    const reason = new Error('stopped by the caller')
    controller.abort(reason)
    expect(await rejection(call)).toBe(reason)
    expect(await heldRequests(client)).not.toContain('users.GetSavedMusic')
  })

  it('downloadFile times out on a part never answered, then downloads the file whole', async () => {
    const page = await getUserProfilePhotos(client, { user_id: at(), limit: 1 })
    const size = page.photos[0]?.at(-1)
    if (size === undefined) throw new Error('no photo size')
    // Once, so that the connection to the file's DC is made (and its deadline is the answer's alone).
    expect((await downloadFile(client, size.file_id, { timeoutMs: 10_000 })).length).toBe(size.file_size)
    emu.swallow('upload.GetFile', { requests: 1 })
    const e = await rejection(downloadFile(client, size.file_id, { timeoutMs: 300 }))
    expect(e).toBeInstanceOf(TimeoutError)
    expect(e).toMatchObject({ method: 'downloadFile', request: 'upload.getFile' })
    expect(await swallowed(emu, 'upload.GetFile', 1)).toBe(1)
    expect(await heldRequests(client)).not.toContain('upload.GetFile')
    const bytes = await downloadFile(client, size.file_id, { timeoutMs: 10_000 })
    expect(bytes.length).toBe(size.file_size)
  })
})
