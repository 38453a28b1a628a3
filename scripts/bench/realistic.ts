/**
 * The `realistic` scenario: a bulk job against the emulator's `telegram` limits profile, where the wall is the daily
 * `contacts.resolveUsername` quota rather than bytes. 2 000 users are asked for (a) by username only and (b) as the
 * members of one chat (`@emulator_lounge`, 2 000 members, the test account an admin). Each contender gets a fresh
 * emulator (its own quota) on a {@link SimulatedClock}: a wait of a day is skipped on the calendar, while the runs'
 * own time passes for real, so "calendar time until the job is done" is what a user would live through.
 *
 * Contenders, all in this process (the figures here are counts and calendar time, not memory):
 * - tg-profile as the command line runs it by default: a run archives what it can, leaves the rest waiting and names
 *   the time to run again; the next run starts at that time, until one completes;
 * - tg-profile with `wait`: one run that sits the waits out (waits over an hour are skipped on the calendar, shorter
 *   sleeps, such as RPC deadlines, are real);
 * - the naive GramJS loop and the mtcute peer, each sleeping through a long flood wait and trying the same user again.
 *
 * The profile's byte budget (`FLOOD_PREMIUM_WAIT`) is switched off here: its waits are short and real, and would
 * measure sleeping, not the quota; the e2e tests cover it.
 */
import { join } from 'node:path'
import type { TelegramClient } from 'telegram'
import { archiveProfiles } from '../../src/archive/archive.js'
import { systemClock, type Clock } from '../../src/archive/clock.js'
import type { ArchiveEvent, ArchiveSources } from '../../src/archive/types.js'
import { shutdownClient } from '../../src/client/connect.js'
import { EntityCache } from '../../src/client/entity-cache.js'
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js'
import { TELEGRAM_LIMITS } from '../../src/emulator/limits.js'
import type { RsaKeyPair } from '../../src/emulator/protocol/crypto.js'
import { gramjsContender } from './gramjs-client.js'
import { runNaive, type NaiveUser } from './naive.js'
import { runPeer, startPeer, type PeerUser } from './mtcute-peer.js'
import { SimulatedClock } from './sim-clock.js'
import { sumCounts } from './table.js'
import { benchUsers } from './world-users.js'

/** Users asked for in each case. */
export const REALISTIC_USERS = 2000
/** The chat of case (b). */
const CHAT = '@emulator_lounge'
/** World size: enough users with a username for case (a). */
const WORLD_USERS = 2400
/** Photos per user: the job is about reaching users, not bytes. */
const PHOTOS_PER_USER = 2
/** Waits at least this long are skipped on the calendar in `wait` mode; shorter sleeps are real. */
const SKIP_SLEEPS_FROM_MS = 3_600_000
/** A job that has not completed after this many runs, or this much calendar time, is reported as not done. */
const MAX_RUNS = 60
const MAX_CALENDAR_MS = 60 * 86_400_000

/** Which users a case asks for. */
export type RealisticCase = 'usernames' | 'chat'

/** One contender's figures in one case. */
export interface RealisticRow {
  readonly contender: string
  readonly runs: number
  /** Simulated calendar time from the first run's start to the job's end, milliseconds. */
  readonly calendarMs: number
  /** Real time of the runs, milliseconds. */
  readonly wallMs: number
  readonly usersArchived: number
  readonly usersFailed: number
  readonly complete: boolean
  /** `contacts.resolveUsername` requests sent, and how many of them the quota refused. */
  readonly resolves: number
  readonly resolvesRefused: number
  readonly rpcs: number
  readonly calls: Readonly<Record<string, number>>
  readonly files: number
}

export interface RealisticResult {
  readonly case: RealisticCase
  readonly users: number
  readonly quotaPerDay: number
  readonly rows: readonly RealisticRow[]
}

export interface RealisticOptions {
  readonly seed: number
  readonly latencyMs: number
  readonly rsaKey: RsaKeyPair
  readonly work: string
  readonly log: (line: string) => void
}

type Figures = Pick<RealisticRow, 'runs' | 'usersArchived' | 'usersFailed' | 'complete' | 'files'>

/** A fresh emulator on its own calendar for one contender. */
async function withCalendar(
  options: RealisticOptions,
  body: (emu: RunningEmulator, clock: SimulatedClock, asked: AskedUsers) => Promise<Figures>,
  contender: string,
  which: RealisticCase,
): Promise<RealisticRow> {
  const clock = new SimulatedClock()
  const emuOptions: EmulatorOptions = {
    seed: options.seed,
    users: WORLD_USERS,
    latency: { fixedMs: options.latencyMs },
    limits: { profile: 'telegram', downloadBudget: false },
    clock,
    maxPhotosPerUser: PHOTOS_PER_USER,
    rsaKey: options.rsaKey,
  }
  const emu = await startEmulator(emuOptions)
  try {
    emu.world.prepareMedia()
    const asked: AskedUsers = { which, usernames: benchUsers(emu.world).reachable.slice(0, REALISTIC_USERS).map((u) => u.username) }
    options.log(`realistic ${which}: ${contender}`)
    const start = clock.now()
    const t0 = Date.now()
    let figures: Figures
    try {
      figures = await body(emu, clock, asked)
    } catch (e) {
      console.log(`${contender}: ${e instanceof Error ? e.message : String(e)}`)
      figures = { runs: 1, usersArchived: 0, usersFailed: 0, complete: false, files: 0 }
    }
    const wallMs = Date.now() - t0
    const calendarMs = clock.now() - start
    const stats = emu.stats()
    const calls = stats.callsPerMethod
    return {
      contender,
      ...figures,
      calendarMs,
      wallMs,
      resolves: calls['contacts.ResolveUsername'] ?? 0,
      resolvesRefused: stats.quotaRefusals['contacts.ResolveUsername'] ?? 0,
      rpcs: sumCounts(calls),
      calls,
    }
  } finally {
    await emu.close()
  }
}

interface AskedUsers {
  readonly which: RealisticCase
  readonly usernames: readonly string[]
}

async function gramjsClient(emu: RunningEmulator, archiver: boolean): Promise<{ client: TelegramClient; cache: EntityCache }> {
  const cache = EntityCache.memory()
  return { client: await gramjsContender(emu.connection, archiver, cache), cache }
}

/** tg-profile's archiver, run again at the time each run names until one completes (or once, with `wait`). */
async function tgProfile(emu: RunningEmulator, calendar: SimulatedClock, asked: AskedUsers, out: string, wait: boolean): Promise<Figures> {
  const { client, cache } = await gramjsClient(emu, true)
  emu.resetStats()
  const clock: Clock = {
    now: () => calendar.now(),
    sleep: (ms, signal) => (wait && ms >= SKIP_SLEEPS_FROM_MS ? calendar.sleep(ms) : systemClock.sleep(ms, signal)),
  }
  const archived = new Set<number>()
  const failed = new Set<string>()
  const onEvent = (e: ArchiveEvent): void => {
    if (e.type === 'user-done') archived.add(e.user_id)
    if (e.type === 'user-failed') failed.add(e.user)
  }
  const users = asked.which === 'usernames' ? asked.usernames : []
  const sources: ArchiveSources = asked.which === 'chat' ? { chats: [CHAT] } : {}
  let files = 0
  try {
    for (let runs = 1; ; runs++) {
      const summary = await archiveProfiles(client, users, { out, cache, clock, sources, wait, onEvent })
      files += summary.files.downloaded
      if (summary.complete || summary.waiting === undefined || runs === MAX_RUNS) {
        return { runs, usersArchived: archived.size, usersFailed: failed.size, complete: summary.complete, files }
      }
      calendar.skipTo(Date.parse(summary.waiting.retry_at))
    }
  } finally {
    await cache.close()
    await shutdownClient(client)
  }
}

/** The sleep of a contender that sits a flood wait out: on the calendar, and never past {@link MAX_CALENDAR_MS}. */
function calendarSleep(calendar: SimulatedClock): (ms: number) => Promise<void> {
  return (ms) => {
    if (calendar.skipped() + ms > MAX_CALENDAR_MS) return Promise.reject(new Error(`still waiting after ${MAX_CALENDAR_MS / 86_400_000} days: stopped`))
    return calendar.sleep(ms)
  }
}

async function naive(emu: RunningEmulator, calendar: SimulatedClock, asked: AskedUsers, out: string): Promise<Figures> {
  const { client, cache } = await gramjsClient(emu, false)
  emu.resetStats()
  try {
    const users: AsyncIterable<NaiveUser> | readonly string[] =
      asked.which === 'usernames' ? asked.usernames : client.iterParticipants(CHAT)
    const r = await runNaive(client, users, { out, deadline: Number.POSITIVE_INFINITY, sleep: calendarSleep(calendar) })
    return { runs: 1, usersArchived: r.usersDone, usersFailed: r.usersFailed, complete: r.usersFailed === 0, files: r.files }
  } finally {
    await cache.close()
    await shutdownClient(client)
  }
}

async function peer(emu: RunningEmulator, calendar: SimulatedClock, asked: AskedUsers, out: string): Promise<Figures> {
  const tg = await startPeer(emu.connection)
  emu.resetStats()
  return calendar.withMonotonicTime(() => peerRun(tg, calendar, asked, out))
}

async function peerRun(tg: Awaited<ReturnType<typeof startPeer>>, calendar: SimulatedClock, asked: AskedUsers, out: string): Promise<Figures> {
  try {
    let users: readonly PeerUser[] = asked.usernames
    if (asked.which === 'chat') {
      const members: PeerUser[] = []
      for await (const member of tg.iterChatMembers(CHAT)) members.push(member.user)
      users = members
    }
    const r = await runPeer(tg, users, { out, deadline: Number.POSITIVE_INFINITY, sleep: calendarSleep(calendar) })
    for (const line of r.failures ?? []) console.log(`mtcute failed: ${line}`)
    return { runs: 1, usersArchived: r.usersDone, usersFailed: r.usersFailed, complete: r.usersFailed === 0, files: r.files }
  } finally {
    await tg.destroy()
  }
}

/** The contenders, in the order they run. */
export const REALISTIC_CONTENDERS = ['tg-profile (runs again when told)', 'tg-profile --wait', 'naive GramJS', 'mtcute (peer)'] as const
export type RealisticContender = (typeof REALISTIC_CONTENDERS)[number]

/** What each contender runs, once its emulator and calendar are up; the counters are reset after its login. */
const BODIES: Readonly<Record<RealisticContender, (emu: RunningEmulator, clock: SimulatedClock, asked: AskedUsers, out: string) => Promise<Figures>>> = {
  'tg-profile (runs again when told)': (emu, clock, asked, out) => tgProfile(emu, clock, asked, out, false),
  'tg-profile --wait': (emu, clock, asked, out) => tgProfile(emu, clock, asked, out, true),
  'naive GramJS': naive,
  'mtcute (peer)': peer,
}

/** One contender in one case, on a fresh emulator and calendar. */
export function realisticRow(options: RealisticOptions, which: RealisticCase, contender: RealisticContender): Promise<RealisticRow> {
  const out = join(options.work, `realistic-${which}-${REALISTIC_CONTENDERS.indexOf(contender)}`)
  const body = BODIES[contender]
  return withCalendar(options, (emu, clock, asked) => body(emu, clock, asked, out), contender, which)
}

/** Runs both cases for every contender. */
export async function benchRealistic(options: RealisticOptions): Promise<RealisticResult[]> {
  const results: RealisticResult[] = []
  for (const which of ['usernames', 'chat'] as const) {
    const rows: RealisticRow[] = []
    for (const contender of REALISTIC_CONTENDERS) rows.push(await realisticRow(options, which, contender))
    results.push({ case: which, users: REALISTIC_USERS, quotaPerDay: TELEGRAM_LIMITS.resolveUsername?.requests ?? 0, rows })
  }
  return results
}
