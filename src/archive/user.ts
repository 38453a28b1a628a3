/**
 * One user through the run: resolved and listed (the listing stage), then planned against the manifest, its gone and
 * back marks written, its files saved through the run's shared queue, and reported done or failed.
 */
import { join } from 'node:path'
import { BotApiError } from '../errors/index.js'
import type { ParsedUser } from '../methods/normalize.js'
import { resolveParsedUser } from '../methods/resolve-user.js'
import { requestName } from '../client/invoke.js'
import { errorJson, RunStopped, unixNow, type RunContext } from './context.js'
import { methodWaitingIn, type MethodWaiting } from './flood-gate.js'
import { listUser, type Listing, type ListedUser, type Remote } from './list.js'
import { parseFileKey, planUser, type UserPlan } from './plan.js'
import { saveFile, sizeOf } from './save.js'
import type { ArchiveSummary, FileKind, UserCounts, WaitingSource } from './types.js'

/** A tally being counted. */
type Tally<T> = { -readonly [K in keyof T]: T[K] }

/** The run's tallies and what it has seen, shared by every user. */
export interface RunState {
  readonly files: Tally<ArchiveSummary['files']>
  /** The users' tallies (the waiting ones are counted from the waiting list at the end). */
  readonly users: Tally<Omit<ArchiveSummary['users'], 'waiting'>>
  /** Ids of the users resolved so far: a user given twice under different references is archived once. */
  readonly seenIds: Set<string>
  /** Called once the run is done with a user (with `leanMemory`: forgets it in GramJS's own caches). */
  readonly forget: (userId: number) => void
  /** References of the users left waiting this pass, in order (taken again by a `wait` run's next pass). */
  readonly deferred: string[]
  /** Sources left waiting this pass (read again by a `wait` run's next pass). */
  readonly deferredSources: WaitingSource[]
  /** Sources that could not be read. */
  sourcesFailed: number
}

/** A user whose listing is done, waiting to be planned. */
export interface ListedProfile {
  readonly ref: string
  readonly user: ListedUser
  readonly listing: Listing
}

/** Appends a `user-failed` record and tells about it. */
export async function reportFailure(ctx: RunContext, run: RunState, ref: string, userId: number | undefined, error: unknown): Promise<void> {
  const json = errorJson(error)
  const id = userId !== undefined ? { user_id: userId } : {}
  run.users.failed++
  await ctx.manifest.append({ type: 'user-failed', user: ref, ...id, error: json, at: unixNow(ctx.clock) })
  await ctx.waiting.done(ref)
  ctx.emit({ type: 'user-failed', user: ref, ...id, error: json })
}

/** Leaves a user for later: a method it needs waits longer than the run sits out. Recorded before it is told. */
async function leaveWaiting(ctx: RunContext, run: RunState, ref: string, userId: number | undefined, waiting: MethodWaiting): Promise<void> {
  // Taken again later (a `wait` run's next pass, or the next run): not a duplicate then.
  if (userId !== undefined) run.seenIds.delete(userId.toString())
  const entry = { user: ref, ...(userId !== undefined ? { user_id: userId } : {}), method: requestName({ className: waiting.method }), until: Math.ceil(waiting.until / 1000) }
  await ctx.waiting.add(entry)
  run.deferred.push(ref)
  ctx.emit({ type: 'user-waiting', ...entry })
}

/**
 * A failure of one user is reported and ends that user only; a user that needs a method under a long flood wait is
 * left for later; a stopped run ends every user ({@link RunStopped}).
 */
async function failUser(ctx: RunContext, run: RunState, ref: string, userId: number | undefined, error: unknown): Promise<void> {
  if (error instanceof RunStopped || ctx.stopped()) throw new RunStopped()
  const waiting = methodWaitingIn(error)
  if (waiting !== undefined) await leaveWaiting(ctx, run, ref, userId, waiting)
  else await reportFailure(ctx, run, ref, userId, error)
}

/**
 * The listing stage of one user: resolves it through the entity cache and lists its profile. `undefined` for a
 * duplicate of a user already seen, or a failure (reported).
 *
 * @throws RunStopped when the run stopped
 */
export async function resolveAndList(ctx: RunContext, run: RunState, ref: string, parsed: ParsedUser): Promise<ListedProfile | undefined> {
  ctx.emit({ type: 'user-start', user: ref })
  let userId: number | undefined
  try {
    const resolved = await resolveParsedUser(ctx.gated, parsed, { cache: ctx.cache, method: 'archive' })
    if (resolved.userId === undefined) throw new BotApiError(400, 'Bad Request: user not found', { method: 'archive' })
    const idText = resolved.userId.toString()
    userId = Number(resolved.userId)
    if (run.seenIds.has(idText)) {
      run.users.skipped_duplicates++
      run.forget(userId)
      await ctx.waiting.done(ref)
      return undefined
    }
    if (ctx.waiting.archivedByEarlierRun(userId)) {
      run.seenIds.add(idText)
      run.users.done_before++
      run.forget(userId)
      // A reference left waiting for a user the job archived under another reference waits no more.
      await ctx.waiting.done(ref)
      ctx.emit({ type: 'user-done-before', user: ref, user_id: userId })
      return undefined
    }
    run.seenIds.add(idText)
    const user = { idText, uid: userId, inputUser: resolved.inputUser }
    return { ref, user, listing: await listUser(ctx, user) }
  } catch (error) {
    if (userId !== undefined) run.forget(userId)
    await failUser(ctx, run, ref, userId, error)
    return undefined
  }
}

function idField(kind: FileKind, id: string): { photo_id: string } | { document_id: string } {
  return kind === 'audio' ? { document_id: id } : { photo_id: id }
}

/** Writes the plan's gone and back marks; returns the files to fetch (the planned ones and those not on disk). */
async function applyPlan(ctx: RunContext, uid: number, plan: UserPlan<Remote['source']>, counts: Tally<UserCounts>): Promise<Remote[]> {
  const fetch: Remote[] = [...plan.fetch]
  for (const { file, entry } of plan.verify) {
    if ((await sizeOf(join(ctx.out, entry.path))) === entry.bytes) counts.unchanged++
    else fetch.push(file)
  }
  const now = unixNow(ctx.clock)
  const marks = [...plan.gone.map((g) => ({ ...g, type: 'gone' as const })), ...plan.back.map((b) => ({ ...b, type: 'back' as const }))]
  for (const { key, entry, type } of marks) {
    const { kind, id, letter } = parseFileKey(key)
    const size = letter !== undefined ? { size: letter } : {}
    await ctx.manifest.append({ type, user_id: uid, kind, ...idField(kind, id), ...size, path: entry.path, noticed_at: now })
    if (type === 'gone') counts.gone++
  }
  return fetch
}

/**
 * Saves every file through the run's queues (shared by the users in progress, in turn: the files, not the users,
 * keep the downloads busy); the first failure fails the user once all of them settled.
 */
async function saveAll(ctx: RunContext, files: readonly Remote[], counts: Tally<UserCounts>): Promise<void> {
  const results = await Promise.allSettled(files.map(async (file) => {
    const saved = await saveFile(ctx, file)
    if (saved.outcome === 'skipped') return
    counts[saved.outcome]++
    if (saved.outcome === 'downloaded') counts.bytes += saved.bytes
  }))
  for (const r of results) if (r.status === 'rejected') throw r.reason
}

/** Appends a `user` record when the manifest has none for the user yet or its username changed. */
async function recordSeen(ctx: RunContext, uid: number): Promise<void> {
  const username = ctx.cache.get(BigInt(uid))?.usernames[0]
  const seen = ctx.manifest.user(uid).seen
  if (seen !== undefined && seen.username === username) return
  await ctx.manifest.append({ type: 'user', user_id: uid, ...(username !== undefined ? { username } : {}), seen_at: unixNow(ctx.clock) })
}

function addCounts(run: RunState, counts: UserCounts): void {
  run.files.downloaded += counts.downloaded
  run.files.adopted += counts.adopted
  run.files.unchanged += counts.unchanged
  run.files.gone += counts.gone
  run.files.bytes += counts.bytes
  run.users.done++
}

/**
 * The rest of one listed user: plan, marks, files, `user-done` (or `user-failed`). The user's manifest entries are
 * released when it ends, done or not (`seenIds` keeps the run from planning it again), so the index holds the users
 * in progress, not every user archived.
 *
 * @throws RunStopped when the run stopped
 */
export async function archiveListed(ctx: RunContext, run: RunState, profile: ListedProfile): Promise<void> {
  const { ref, user, listing } = profile
  try {
    const plan = planUser(listing.files, ctx.manifest.user(user.uid), listing.present)
    const counts: Tally<UserCounts> = { listed: listing.files.length, downloaded: 0, adopted: 0, unchanged: 0, gone: 0, bytes: 0 }
    await saveAll(ctx, await applyPlan(ctx, user.uid, plan, counts), counts)
    await recordSeen(ctx, user.uid)
    addCounts(run, counts)
    ctx.waiting.archived(user.uid)
    await ctx.waiting.done(ref)
    ctx.emit({ type: 'user-done', user: ref, user_id: user.uid, counts })
  } catch (error) {
    await failUser(ctx, run, ref, user.uid, error)
  } finally {
    ctx.manifest.release(user.uid)
    run.forget(user.uid)
  }
}
