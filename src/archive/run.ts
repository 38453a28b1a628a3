/**
 * The bulk archiver's runner: lock → sweep partial files → load the manifest → for each user (bounded concurrency,
 * input deduplicated): resolve through the persistent entity cache and list every photo (`list.ts`), plan against
 * the manifest (`plan.ts`), download what is missing (1 MiB parts on the file's DC) and write it atomically, then
 * append the record (`save.ts`); `user.ts` takes one user through these stages.
 *
 * The users come from the previous run's waiting list first (`waiting.ts`), then the sources that need no resolve
 * (`sources.ts`: chats' members, contacts; those left waiting last time first), then the references given.
 *
 * Every RPC goes through one {@link FloodGate} (GramJS never sleeps on a flood wait by itself: its
 * `floodSleepThreshold` is set to 0 for the run) and through a retry loop for network failures and 5xx answers. A
 * method under a flood wait longer than `maxFloodWait` holds up only the users that need it: they are left waiting
 * (recorded, taken first by the next run) while the others are archived; with `wait`, a second pass sits the waits
 * out once everything else is done.
 */
import '../gramjs/installed.js'
import { getEntityCache } from '../client/entity-cache.js'
import { reportFloodWaits } from '../client/flood-sleep.js'
import type { ProfileClient } from '../client/invoke.js'
import { forgetGramjsUser } from '../gramjs/session.js'
import { parseUserArgument, type ParsedUser } from '../methods/normalize.js'
import type { ArchiveOptions } from './options.js'
import { sweepPartialFiles } from './partial-files.js'
import { systemClock } from './clock.js'
import { RunStopped, type RunContext } from './context.js'
import { FloodGate } from './flood-gate.js'
import { BotApiError, tooManyRequests } from '../errors/index.js'
import { runSources, sourceUsers } from './sources.js'
import { WaitingList } from './waiting.js'
import { DcSlots, smallQueueLimit } from './dc-limits.js'
import type { ArchiveSources, WaitingSource, WaitingUser } from './types.js'
import { floodSeconds, GatedClient, Limit } from './gated-client.js'
import { acquireArchiveLock } from './lock.js'
import { Manifest } from './manifest.js'
import { MemoryPacer, gcFunction, keepYoungGenerationSmall } from './memory.js'
import { packetMemory } from '../gramjs/speedups/packet-memory.js'
import type { ArchiveEvent, ArchiveSummary } from './types.js'
import { Handoff } from './handoff.js'
import { archiveListed, reportFailure, resolveAndList, type ListedProfile, type RunState } from './user.js'

/** With `leanMemory`, Buffers are counted after every this many bytes written… */
const LEAN_CHECK_EVERY_BYTES = 4 * 1024 * 1024
/** …and a full collection is started when they exceed this. */
const LEAN_MAX_BUFFERS = 16 * 1024 * 1024

function userKey(parsed: ParsedUser): string {
  if (parsed.kind === 'self') return 'self'
  if (parsed.kind === 'id') return `id:${parsed.id}`
  return `username:${parsed.username.toLowerCase()}`
}

function leanPacer(lean: boolean): MemoryPacer | undefined {
  if (!lean) return undefined
  keepYoungGenerationSmall()
  // Released packet memory waiting for reuse is not garbage: only the Buffers beyond it count.
  return new MemoryPacer(LEAN_CHECK_EVERY_BYTES, LEAN_MAX_BUFFERS, gcFunction(), () => process.memoryUsage().arrayBuffers - packetMemory.freeBytes)
}

/** The gated client of a run: its flood gate serializes a method once it got a flood wait, and tells about it. */
function gatedClient(client: ProfileClient, options: ArchiveOptions, emit: (event: ArchiveEvent) => void): { gate: FloodGate; gated: GatedClient } {
  const clock = options.clock ?? systemClock
  const gate = new FloodGate({
    maxWaitSeconds: options.maxFloodWait ?? 300,
    floodSeconds,
    clock,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    onWait: (method, seconds, until, tooLong) => {
      gated.serialize(method)
      if (!tooLong) emit({ type: 'flood-wait', method, seconds, until: Math.ceil(until / 1000) })
    },
  })
  const gated = new GatedClient(client, gate, {
    clock,
    maxRetries: options.maxRetries ?? 8,
    onRetry: (event) => emit({ type: 'retry', ...event }),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    timeoutMs: options.rpcTimeoutMs ?? 30_000,
  })
  return { gate, gated }
}

function runContext(client: ProfileClient, manifest: Manifest, waiting: WaitingList, options: ArchiveOptions, concurrency: number, filesPerDc: number): RunContext {
  const emit = (event: ArchiveEvent): void => options.onEvent?.(event)
  const { gate, gated } = gatedClient(client, options, emit)
  return {
    gate,
    out: options.out,
    manifest,
    gated,
    cache: options.cache ?? getEntityCache(client),
    clock: options.clock ?? systemClock,
    selection: { sizes: options.sizes ?? 'largest', videos: options.videos ?? true, audios: options.audios ?? false },
    downloads: new Limit(concurrency),
    saving: new Limit(2 * concurrency),
    committing: new Limit(4 * concurrency),
    dcSlots: new DcSlots(filesPerDc),
    pacer: leanPacer(options.leanMemory ?? true),
    emit,
    waiting,
    stopped: () => options.signal?.aborted === true,
  }
}

/** `contacts.resolveUsername` → `contacts.ResolveUsername`: the gate's name of a method. */
function className(method: string): string {
  return method.replace(/\.([a-z])/, (_, c: string) => `.${c.toUpperCase()}`)
}

/**
 * Closes the methods the previous run was told to wait for, until then: the users that need them wait again without
 * a request (Telegram would only repeat the wait).
 */
function closeWaitedMethods(ctx: RunContext, entries: readonly (WaitingUser | WaitingSource)[]): void {
  const now = ctx.clock.now()
  for (const entry of entries) {
    const until = entry.until * 1000
    if (until <= now) continue
    const seconds = Math.ceil((until - now) / 1000)
    const error = new BotApiError(429, tooManyRequests(seconds), { method: 'archive', parameters: { retry_after: seconds } })
    ctx.gate.closeUntil(className(entry.method), until, error)
  }
}

/** The references of a run, in order: the users left waiting last time, the sources' users, the users given. */
async function* runInput(ctx: RunContext, run: RunState, waiting: readonly WaitingUser[], sources: ArchiveSources, users: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string> {
  for (const entry of waiting) yield entry.user
  yield* sourceUsers(ctx, run, sources)
  yield* users
}

/** A `wait` run's next pass: the users set aside in the last one, then the sources set aside. */
async function* deferredInput(ctx: RunContext, run: RunState): AsyncGenerator<string> {
  yield* run.deferred.splice(0)
  const sources = run.deferredSources.splice(0)
  yield* sourceUsers(ctx, run, runSources(sources, undefined))
}

/** The next user reference of the input that is worth archiving: parsed, not given before. */
async function nextUser(ctx: RunContext, run: RunState, input: Iterator<string> | AsyncIterator<string>, seenRefs: Map<string, string>): Promise<{ ref: string; parsed: ParsedUser } | undefined> {
  for (;;) {
    if (ctx.stopped()) return undefined
    const next = await input.next()
    if (next.done === true) return undefined
    const ref = next.value.trim()
    if (ref === '') continue
    let parsed: ParsedUser
    try {
      parsed = parseUserArgument(ref)
    } catch (error) {
      await reportFailure(ctx, run, ref, undefined, error)
      continue
    }
    const key = userKey(parsed)
    const first = seenRefs.get(key)
    if (first !== undefined) {
      // A user left waiting last time and given again is one user, not a duplicate of the input.
      if (!ctx.waiting.has(first)) run.users.skipped_duplicates++
      continue
    }
    seenRefs.set(key, ref)
    return { ref, parsed }
  }
}

/**
 * The listing stage: resolves and lists the users of `input` (`concurrency` at a time) ahead of the archiving
 * stage, handing each listed user over in turn. Waits while `listed` is full.
 */
async function listAhead(ctx: RunContext, run: RunState, input: Iterator<string> | AsyncIterator<string>, listed: Handoff<ListedProfile>, concurrency: number): Promise<void> {
  // Listers pull references from one shared iterator (async generators queue concurrent next() calls).
  const seenRefs = new Map<string, string>()
  const lister = async (): Promise<void> => {
    for (let next = await nextUser(ctx, run, input, seenRefs); next !== undefined; next = await nextUser(ctx, run, input, seenRefs)) {
      const profile = await resolveAndList(ctx, run, next.ref, next.parsed)
      if (profile !== undefined && !(await listed.put(profile))) run.forget(profile.user.uid)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, () => stopsQuietly(lister())))
}

/** Runs a stage until it ends or the run stops ({@link RunStopped}); any other failure is the run's. */
async function stopsQuietly(stage: Promise<void>): Promise<void> {
  try {
    await stage
  } catch (error) {
    if (!(error instanceof RunStopped)) throw error
  }
}

/**
 * Archives every user of `input`: `concurrency` users in progress (planned, their files being saved) while the next
 * ones are listed, so that a user's listing round trips overlap the downloads of the users before it instead of
 * leaving the download slots without files.
 */
async function archiveAll(ctx: RunContext, run: RunState, users: AsyncIterable<string> | Iterable<string>, concurrency: number): Promise<void> {
  const input = Symbol.asyncIterator in users ? users[Symbol.asyncIterator]() : (users as Iterable<string>)[Symbol.iterator]()
  const listed = new Handoff<ListedProfile>(concurrency)
  const archiver = async (): Promise<void> => {
    try {
      for (let profile = await listed.take(); profile !== undefined; profile = await listed.take()) await archiveListed(ctx, run, profile)
    } catch (error) {
      // The run stopped (or failed): the users listed and not started are left for the next run.
      for (const dropped of listed.close(true)) run.forget(dropped.user.uid)
      throw error
    }
  }
  const listing = stopsQuietly(listAhead(ctx, run, input, listed, concurrency)).finally(() => listed.close())
  await Promise.all([listing, ...Array.from({ length: concurrency }, () => stopsQuietly(archiver()))])
}

function summarize(ctx: RunContext, run: RunState, swept: number, started: number, aborted: boolean): ArchiveSummary {
  const waiting = ctx.waiting.summary()
  const users = { ...run.users, waiting: ctx.waiting.size }
  return {
    complete: users.failed === 0 && run.sourcesFailed === 0 && waiting === undefined && !aborted,
    out: ctx.out,
    users,
    files: run.files,
    rpc: { ...ctx.gated.rpc },
    flood_waits: ctx.gated.floodWaits(),
    retries: ctx.gated.retries,
    swept_partials: swept,
    sources_failed: run.sourcesFailed,
    ...(waiting !== undefined ? { waiting } : {}),
    duration_ms: ctx.clock.now() - started,
  }
}

/**
 * Archives `input`, then, with `wait`, the users left waiting, in further passes that sit every wait out (each
 * pass's own waits are those of users that needed a second method under a long wait).
 */
async function archivePasses(ctx: RunContext, run: RunState, input: AsyncIterable<string>, concurrency: number, wait: boolean): Promise<void> {
  await archiveAll(ctx, run, input, concurrency)
  if (!wait) return
  ctx.gate.setMaxWait(Infinity)
  while (run.deferred.length + run.deferredSources.length > 0 && !ctx.stopped()) await archiveAll(ctx, run, deferredInput(ctx, run), concurrency)
}

/**
 * Archives the profile photos (and optionally video avatars and audios) of `users` into `options.out`.
 * Resumable and incremental: a re-run downloads only what is missing, marks what disappeared, and never deletes.
 *
 * @param client a logged-in GramJS `TelegramClient` (its `floodSleepThreshold` is 0 during the run)
 * @param users user references: ids, usernames, @usernames, t.me links; duplicates are archived once
 * @returns the summary (also sent as the last `summary` event); `ok` is false when a user failed or the run stopped
 * @throws ArchiveLockedError when another live run uses `out`
 */
export async function archiveProfiles(
  client: ProfileClient,
  users: AsyncIterable<string> | Iterable<string>,
  options: ArchiveOptions,
): Promise<ArchiveSummary> {
  const started = (options.clock ?? systemClock).now()
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8))
  const lock = await acquireArchiveLock(options.out)
  const restoreFloodSleep = reportFloodWaits(client)
  let manifest: Manifest | undefined
  let waiting: WaitingList | undefined
  try {
    const swept = await sweepPartialFiles(options.out)
    manifest = await Manifest.open(options.out)
    waiting = await WaitingList.open(options.out)
    const advised = await smallQueueLimit(client, { timeoutMs: options.rpcTimeoutMs ?? 30_000, ...(options.signal !== undefined ? { signal: options.signal } : {}) })
    const ctx = runContext(client, manifest, waiting, options, concurrency, Math.min(concurrency, advised ?? concurrency))
    const leftLastTime = waiting.entries()
    const sourcesLeft = waiting.sources()
    closeWaitedMethods(ctx, [...leftLastTime, ...sourcesLeft])
    const lean = options.leanMemory ?? true
    // GramJS's own caches would keep every user met for the whole run; the entity cache keeps the access hash.
    const forget = (userId: number): void => (lean ? forgetGramjsUser(client, String(userId)) : undefined)
    const run: RunState = {
      files: { downloaded: 0, adopted: 0, unchanged: 0, gone: 0, bytes: 0 },
      users: { done: 0, failed: 0, skipped_duplicates: 0, done_before: 0 },
      seenIds: new Set(),
      forget,
      deferred: [],
      deferredSources: [],
      sourcesFailed: 0,
    }
    const input = runInput(ctx, run, leftLastTime, runSources(sourcesLeft, options.sources), users)
    await archivePasses(ctx, run, input, concurrency, options.wait === true)
    await ctx.cache.flush()
    const summary = summarize(ctx, run, swept, started, options.signal?.aborted === true)
    ctx.emit({ type: 'summary', summary })
    return summary
  } finally {
    restoreFloodSleep()
    await waiting?.close()
    await manifest?.close()
    await lock.release()
  }
}
