/**
 * The archiver on the emulator's `telegram` limits profile: a chat's members archived without a single
 * `contacts.resolveUsername`, a username job over the daily resolve quota that archives what it can, leaves the rest
 * waiting and completes a (simulated) day later, `FLOOD_PREMIUM_WAIT` sat out byte for byte, and sources that cannot
 * be read reported by name while the rest of the run goes on.
 */
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { archiveProfiles } from '../../../src/archive/archive.js'
import { systemClock, type Clock } from '../../../src/archive/clock.js'
import type { ArchiveEvent, FileRecord, SourceFailedRecord } from '../../../src/archive/types.js'
import { EntityCache } from '../../../src/client/entity-cache.js'
import { CHANNEL_ID_OFFSET } from '../../../src/methods/normalize.js'
import { MovableClock } from '../../helpers/movable-clock.js'
import { checkArchive, readManifest, smallUsers, startHarness, type Harness } from './helpers.js'

const DAY = 86_400

/** The archiver's clock reads the emulator's movable clock; its sleeps are real (none is long in these runs). */
function archiverClock(clock: MovableClock): Clock {
  return { now: () => clock.now(), sleep: systemClock.sleep }
}

/** The ids of the users a chat's member list gives the archiver: every ordinary member but deleted accounts. */
function memberIds(h: Harness, username: string): number[] {
  const chat = h.emu.world.chatByUsername(username)
  if (chat === undefined) throw new Error(`no chat @${username}`)
  return h.emu.world.members(chat).filter((u) => u.account === undefined && !u.deactivated).map((u) => Number(u.id))
}

describe('archive sources on the telegram limits profile', () => {
  let h: Harness | undefined
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  it('archives every member of a 500-member chat with 0 contacts.resolveUsername', async () => {
    h = await startHarness({ users: 520, seed: 21, limits: 'telegram', maxPhotosPerUser: 1 })
    const expected = memberIds(h, 'emulator_five_hundred')
    expect(expected.length).toBeGreaterThan(480)
    h.emu.resetStats()
    const events: ArchiveEvent[] = []
    const run = await archiveProfiles(h.client, [], {
      out: h.out,
      cache: EntityCache.memory(),
      sources: { chats: ['@emulator_five_hundred'] },
      videos: false,
      onEvent: (e) => events.push(e),
    })
    const stats = h.emu.stats()
    expect(run.complete).toBe(true)
    expect(run.users).toEqual({ done: expected.length, failed: 0, skipped_duplicates: 0, done_before: 0, waiting: 0 })
    expect(stats.callsPerMethod['contacts.ResolveUsername']).toBeUndefined()
    // 500 members at 200 a page, found among the account's dialogs
    expect(stats.callsPerMethod['channels.GetParticipants']).toBe(3)
    expect(stats.callsPerMethod['messages.GetDialogs']).toBe(1)
    expect(events.find((e) => e.type === 'source-start')).toEqual({ type: 'source-start', source: '@emulator_five_hundred', title: 'Five hundred', members: 500 })
    const done = events.filter((e): e is Extract<ArchiveEvent, { type: 'user-done' }> => e.type === 'user-done').map((e) => e.user_id)
    expect(done.sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b))
    const files = await checkArchive(h.out, h.truth)
    expect(files.length).toBe(run.files.downloaded)
    expect(files.length).toBeGreaterThan(300)
  })

  it('archives a username job over the daily quota as far as it goes, leaves the rest waiting, completes a day later', async () => {
    const clock = new MovableClock()
    h = await startHarness({ users: 40, seed: 22, clock, limits: { profile: 'telegram', resolveUsername: { requests: 5 } } })
    const world = h.emu.world
    const me = world.userById(BigInt(world.accounts[0]!.userId))!
    const contactIds = new Set(world.contactsOf(me).map((c) => Number(world.users[c.userIndex]!.id)))
    expect(contactIds.size).toBeGreaterThan(0)
    // users known by username only: not among the contacts, which come with their access hashes
    const usernames = smallUsers(h.truth, 40, 6).filter((name) => !contactIds.has(h!.truth.users.find((u) => u.usernames.includes(name.slice(1)))!.id)).slice(0, 8)
    expect(usernames).toHaveLength(8)
    const cache = EntityCache.memory()
    const events: ArchiveEvent[] = []
    const options = { out: h.out, cache, videos: false, concurrency: 2, clock: archiverClock(clock), sources: { contacts: true }, onEvent: (e: ArchiveEvent) => events.push(e) }
    h.emu.resetStats()
    const first = await archiveProfiles(h.client, usernames, options)
    const sent = h.emu.stats().callsPerMethod['contacts.ResolveUsername'] ?? 0
    const refused = h.emu.stats().quotaRefusals['contacts.ResolveUsername'] ?? 0
    // five resolves pass; once one is told to wait a day, no more is sent (at most the other one in flight then)
    expect(sent - refused).toBe(5)
    expect(refused).toBeGreaterThanOrEqual(1)
    expect(refused).toBeLessThanOrEqual(2)
    expect(first.complete).toBe(false)
    expect(first.users).toEqual({ done: 5 + contactIds.size, failed: 0, skipped_duplicates: 0, done_before: 0, waiting: 3 })
    const left = events.filter((e): e is Extract<ArchiveEvent, { type: 'user-waiting' }> => e.type === 'user-waiting').map((e) => e.user)
    expect(left).toHaveLength(3)
    expect(usernames).toEqual(expect.arrayContaining(left))
    const until = (first.waiting?.methods['contacts.resolveUsername']?.until ?? 0)
    // the day counts from the first resolve of the window, moments before the refusal
    expect(until - Math.ceil(clock.now() / 1000)).toBeGreaterThan(DAY - 60)
    expect(first.waiting).toEqual({ users: 3, sources: 0, methods: { 'contacts.resolveUsername': { users: 3, sources: 0, until } }, retry_at: new Date(until * 1000).toISOString() })
    const lines = (await readFile(join(h.out, 'waiting.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { user?: string; archived?: number[] })
    expect(lines.filter((l) => l.user !== undefined).map((w) => w.user).sort()).toStrictEqual([...left].sort())
    expect(lines.filter((l) => l.user === undefined).map((l) => l.archived?.length)).toStrictEqual([5 + contactIds.size])

    // the same run again before the day is over: nothing is sent for the waiting users, and the users the job
    // archived already are not listed again
    const archivedFirst = 5 + contactIds.size
    h.emu.resetStats()
    const early = await archiveProfiles(h.client, usernames, options)
    expect(h.emu.stats().callsPerMethod['contacts.ResolveUsername']).toBeUndefined()
    expect(h.emu.stats().callsPerMethod['photos.GetUserPhotos']).toBeUndefined()
    expect(h.emu.stats().callsPerMethod['upload.GetFile']).toBeUndefined()
    expect(early.users).toEqual({ done: 0, failed: 0, skipped_duplicates: 0, done_before: archivedFirst, waiting: 3 })

    clock.advance(DAY)
    h.emu.resetStats()
    const second = await archiveProfiles(h.client, usernames, options)
    expect(second.complete).toBe(true)
    expect(second.users).toEqual({ done: 3, failed: 0, skipped_duplicates: 0, done_before: archivedFirst, waiting: 0 })
    expect(h.emu.stats().callsPerMethod['contacts.ResolveUsername']).toBe(3)
    expect(h.emu.stats().callsPerMethod['photos.GetUserPhotos']).toBe(3)
    await expect(stat(join(h.out, 'waiting.ndjson'))).rejects.toMatchObject({ code: 'ENOENT' })

    // the job is over: the next run is a full incremental pass over every user again
    h.emu.resetStats()
    const after = await archiveProfiles(h.client, usernames, options)
    expect(after.users).toEqual({ done: archivedFirst + 3, failed: 0, skipped_duplicates: 0, done_before: 0, waiting: 0 })
    expect(h.emu.stats().callsPerMethod['photos.GetUserPhotos']).toBeGreaterThanOrEqual(archivedFirst + 3)
    expect(h.emu.stats().callsPerMethod['upload.GetFile']).toBeUndefined()
    // no file downloaded twice over the three runs
    const records = (await readManifest(h.out)).filter((r): r is FileRecord => r.type === 'file')
    expect(new Set(records.map((r) => r.path)).size).toBe(records.length)
    expect(first.files.downloaded + early.files.downloaded + second.files.downloaded).toBe(records.length)
    const archived = new Set((await checkArchive(h.out, h.truth)).map((r) => r.user_id))
    for (const name of usernames) {
      const user = h.truth.users.find((u) => u.usernames.includes(name.slice(1)))!
      if (user.photos.length > 0) expect(archived.has(user.id)).toBe(true)
    }
  })

  it('leaves a public chat waiting past the resolve quota, and reads it first a day later with no source given', async () => {
    const clock = new MovableClock()
    h = await startHarness({ users: 300, seed: 26, clock, limits: { profile: 'telegram', resolveUsername: { requests: 1 } }, maxPhotosPerUser: 1 })
    const square = h.emu.world.chatByUsername('emulator_open_square')!
    const members = h.emu.world.members(square).filter((u) => !u.deactivated).map((u) => Number(u.id))
    const events: ArchiveEvent[] = []
    const options = { out: h.out, cache: EntityCache.memory(), videos: false, clock: archiverClock(clock), onEvent: (e: ArchiveEvent) => events.push(e) }
    // the day's one resolve goes to a user
    const spent = await archiveProfiles(h.client, smallUsers(h.truth, 1, 4), options)
    expect(spent.complete).toBe(true)

    h.emu.resetStats()
    const first = await archiveProfiles(h.client, [], { ...options, sources: { chats: ['@emulator_open_square'] } })
    expect(h.emu.stats().quotaRefusals['contacts.ResolveUsername']).toBe(1)
    expect(first.complete).toBe(false)
    expect(first.sources_failed).toBe(0)
    const until = first.waiting?.methods['contacts.resolveUsername']?.until ?? 0
    expect(until - Math.ceil(clock.now() / 1000)).toBeGreaterThan(DAY - 60)
    expect(first.waiting).toEqual({ users: 0, sources: 1, methods: { 'contacts.resolveUsername': { users: 0, sources: 1, until } }, retry_at: new Date(until * 1000).toISOString() })
    expect(events.filter((e) => e.type === 'source-waiting')).toEqual([{ type: 'source-waiting', source: '@emulator_open_square', method: 'contacts.resolveUsername', until }])
    expect((await readManifest(h.out)).filter((r) => r.type === 'source-failed')).toEqual([])
    const waiting = (await readFile(join(h.out, 'waiting.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as unknown)
    expect(waiting).toEqual([{ source: '@emulator_open_square', kind: 'chat', method: 'contacts.resolveUsername', until }])

    // an hour later, with no source given: the chat still waits, and nothing is asked of Telegram for it
    clock.advance(3600)
    h.emu.resetStats()
    const early = await archiveProfiles(h.client, [], options)
    expect(h.emu.stats().callsPerMethod['contacts.ResolveUsername']).toBeUndefined()
    expect(early.waiting?.sources).toBe(1)

    clock.advance(DAY)
    h.emu.resetStats()
    events.length = 0
    const second = await archiveProfiles(h.client, [], options)
    expect(second.complete).toBe(true)
    expect(h.emu.stats().callsPerMethod['contacts.ResolveUsername']).toBe(1)
    expect(second.users.done).toBe(members.length)
    expect(events.find((e) => e.type === 'source-done')).toEqual({ type: 'source-done', source: '@emulator_open_square', users: members.length })
    await expect(stat(join(h.out, 'waiting.ndjson'))).rejects.toMatchObject({ code: 'ENOENT' })
    await checkArchive(h.out, h.truth)
  })

  it('with wait, sits out the quota for a waiting chat and finishes in one run', async () => {
    const clock = new MovableClock()
    h = await startHarness({ users: 300, seed: 27, clock, limits: { profile: 'telegram', resolveUsername: { requests: 1 } }, maxPhotosPerUser: 1 })
    const square = h.emu.world.chatByUsername('emulator_open_square')!
    const members = h.emu.world.members(square).filter((u) => !u.deactivated).length
    // long waits pass on the movable clock; short sleeps (RPC deadlines, backoff) stay real
    const jumping: Clock = {
      now: () => clock.now(),
      sleep: (ms, signal) => (ms >= 3_600_000 ? Promise.resolve(clock.advanceMs(ms)) : systemClock.sleep(ms, signal)),
    }
    const cache = EntityCache.memory()
    await archiveProfiles(h.client, smallUsers(h.truth, 1, 4), { out: h.out, cache, videos: false, clock: jumping })
    const started = clock.now()
    h.emu.resetStats()
    const events: ArchiveEvent[] = []
    const run = await archiveProfiles(h.client, [], { out: h.out, cache, videos: false, clock: jumping, wait: true, sources: { chats: ['@emulator_open_square'] }, onEvent: (e) => events.push(e) })
    expect(run.complete).toBe(true)
    expect(run.users.done).toBe(members)
    expect(events.filter((e) => e.type === 'source-waiting')).toHaveLength(1)
    // once the rest is done, the wait the run sits out is told, with its end (the countdown on a terminal)
    const sitting = events.filter((e): e is Extract<ArchiveEvent, { type: 'flood-wait' }> => e.type === 'flood-wait')
    expect(sitting).toHaveLength(1)
    expect(sitting[0]!.method.toLowerCase()).toBe('contacts.resolveusername')
    expect(sitting[0]!.seconds).toBeGreaterThan(DAY - 120)
    expect(h.emu.stats().quotaRefusals['contacts.ResolveUsername']).toBe(1)
    expect(h.emu.stats().callsPerMethod['contacts.ResolveUsername']).toBe(2)
    expect(clock.now() - started).toBeGreaterThan((DAY - 60) * 1000)
    await expect(stat(join(h.out, 'waiting.ndjson'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('records no failed source when the run is stopped while a chat is read', async () => {
    // the first page of members is never answered: the run is stopped while it waits for it
    h = await startHarness({ users: 60, seed: 21, swallow: { 'channels.GetParticipants': { requests: 1 } } })
    const controller = new AbortController()
    const running = archiveProfiles(h.client, [], { out: h.out, cache: EntityCache.memory(), videos: false, sources: { chats: ['@emulator_five_hundred'] }, signal: controller.signal, rpcTimeoutMs: 120_000 })
    for (let i = 0; (h.emu.stats().requestsSwallowed['channels.GetParticipants'] ?? 0) === 0; i++) {
      if (i > 6000) throw new Error('the members were never asked for')
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    controller.abort()
    const run = await running
    expect(run.complete).toBe(false)
    expect(run.sources_failed).toBe(0)
    expect((await readManifest(h.out)).filter((r) => r.type === 'source-failed')).toEqual([])
  })

  it('lets a waiting reference go when the job archived its user under another reference', async () => {
    h = await startHarness({ users: 20, seed: 28 })
    const [name] = smallUsers(h.truth, 1, 4)
    const id = h.truth.users.find((u) => u.usernames.includes(name!.slice(1)))!.id
    const cache = EntityCache.memory()
    await archiveProfiles(h.client, [String(id)], { out: h.out, cache, videos: false })
    await archiveProfiles(h.client, [name!], { out: h.out, cache, videos: false })
    // what a job leaves when a username waited while its user was archived by id
    await writeFile(join(h.out, 'waiting.ndjson'), `${JSON.stringify({ user: name, method: 'contacts.resolveUsername', until: 1 })}\n${JSON.stringify({ archived: [id] })}\n`)
    h.emu.resetStats()
    const run = await archiveProfiles(h.client, [], { out: h.out, cache, videos: false })
    expect(run.users).toEqual({ done: 0, failed: 0, skipped_duplicates: 0, done_before: 1, waiting: 0 })
    expect(run.complete).toBe(true)
    // nothing but the run's one look at the download advice
    expect(h.emu.stats().callsPerMethod).toEqual({ 'help.GetAppConfig': 1 })
    await expect(stat(join(h.out, 'waiting.ndjson'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('sits out FLOOD_PREMIUM_WAIT and archives every file byte for byte', async () => {
    const BUDGET = 20_000
    h = await startHarness({ users: 20, seed: 23, limits: { profile: 'telegram', downloadBudget: { bytes: BUDGET, windowSeconds: 2 } } })
    const users = smallUsers(h.truth, 6, 8)
    const run = await archiveProfiles(h.client, users, { out: h.out, cache: EntityCache.memory(), videos: true, maxFloodWait: 10 })
    const stats = h.emu.stats()
    expect(run.complete).toBe(true)
    expect(run.files.bytes).toBeGreaterThan(3 * BUDGET)
    expect(Object.values(stats.premiumWaitsIssued).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1)
    expect(run.flood_waits['upload.GetFile']).toBeGreaterThanOrEqual(1)
    expect(run.users).toEqual({ done: users.length, failed: 0, skipped_duplicates: 0, done_before: 0, waiting: 0 })
    const files = await checkArchive(h.out, h.truth)
    expect(files.length).toBe(run.files.downloaded)
  })

  it('downloads no more files at once per DC than help.getAppConfig advises', async () => {
    h = await startHarness({ users: 30, seed: 25, limits: { profile: 'telegram', parallelFiles: { smallQueue: 2 } } })
    const users = smallUsers(h.truth, 12, 8)
    const run = await archiveProfiles(h.client, users, { out: h.out, cache: EntityCache.memory(), videos: true, concurrency: 8 })
    expect(run.complete).toBe(true)
    const peaks = Object.values(h.emu.stats().peakFilesInFlight).flatMap((perDc) => Object.values(perDc))
    expect(peaks.length).toBeGreaterThan(1)
    expect(Math.max(...peaks)).toBe(2)
    expect(h.emu.stats().callsPerMethod['help.GetAppConfig']).toBe(1)
    await checkArchive(h.out, h.truth)
  })

  it('reports each chat it cannot read by name, with a Bot API error, and archives the others', async () => {
    h = await startHarness({ users: 40, seed: 24, limits: 'telegram' })
    const world = h.emu.world
    const closed = world.chats.find((c) => c.title === 'Closed circle')!
    const friends = world.chats.find((c) => c.title === 'Tess & friends')!
    const closedId = `-${CHANNEL_ID_OFFSET + closed.id}`
    const chats = ['@emulator_news', 'https://t.me/emulator_quiet_room', closedId, '@no_such_chat_here', `-${friends.id}`]
    const events: ArchiveEvent[] = []
    const run = await archiveProfiles(h.client, [], { out: h.out, cache: EntityCache.memory(), videos: false, sources: { chats }, onEvent: (e) => events.push(e) })
    const failed = (await readManifest(h.out)).filter((r): r is SourceFailedRecord => r.type === 'source-failed')
    const admin = { ok: false, error_code: 400, description: 'Bad Request: CHAT_ADMIN_REQUIRED' }
    const notFound = { ok: false, error_code: 400, description: 'Bad Request: chat not found' }
    expect(failed.map((r) => [r.source, r.error])).toEqual([
      ['@emulator_news', admin],
      ['https://t.me/emulator_quiet_room', admin],
      [closedId, notFound],
      ['@no_such_chat_here', notFound],
    ])
    expect(events.filter((e) => e.type === 'source-failed').map((e) => (e as { source: string }).source)).toEqual(chats.slice(0, 4))
    expect(run.sources_failed).toBe(4)
    expect(run.complete).toBe(false)
    // every member but the account itself (the 2FA test account is a member too)
    const members = world.members(friends).filter((u) => Number(u.id) !== world.accounts[0]!.userId && !u.deactivated)
    expect(run.users.done).toBe(members.length)
    expect(run.users.failed).toBe(0)
    await checkArchive(h.out, h.truth)
  })
})
