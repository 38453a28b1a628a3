/**
 * The sources stage: the users of a run that need no resolve. A chat's members and the account's contacts come
 * with their access hashes, which enter the run's entity cache; each such user is handed on as its numeric id, which
 * the entity cache then resolves without a request. A source that cannot be read is recorded (`source-failed`) and
 * the run goes on with the others; one that needs a method under a long flood wait is left waiting
 * (`waiting.ndjson`), like a user, and read first by the next run (or the next pass of a `wait` run).
 */
import { getContacts } from '../methods/get-contacts.js'
import { iterChatMembers } from '../methods/iter-chat-members.js'
import { resolveChat } from '../methods/resolve-chat.js'
import type { Api } from 'telegram'
import { requestName } from '../client/invoke.js'
import { RunStopped, errorJson, unixNow, type RunContext } from './context.js'
import { methodWaitingIn } from './flood-gate.js'
import type { ArchiveSources, WaitingSource } from './types.js'
import type { RunState } from './user.js'

/** The name of the contacts source in events and records. */
export const CONTACTS_SOURCE = 'contacts'

/** Whether a member is worth archiving: not the account itself, not a deleted account (which has no photos). */
function archivable(user: Api.User, selfId: bigint | undefined): boolean {
  return user.deleted !== true && (selfId === undefined || user.id.toString() !== selfId.toString())
}

/**
 * A source that could not be read: left waiting when a method it needs waits long, else failed (recorded).
 *
 * @throws RunStopped when the run stopped
 */
async function sourceStopped(ctx: RunContext, run: RunState, source: string, kind: WaitingSource['kind'], error: unknown): Promise<void> {
  // An interrupted run did not fail to read the source: it stopped reading it.
  if (error instanceof RunStopped || ctx.stopped()) throw new RunStopped()
  const waiting = methodWaitingIn(error)
  if (waiting !== undefined) {
    const entry: WaitingSource = { source, kind, method: requestName({ className: waiting.method }), until: Math.ceil(waiting.until / 1000) }
    await ctx.waiting.add(entry)
    run.deferredSources.push(entry)
    ctx.emit({ type: 'source-waiting', source, method: entry.method, until: entry.until })
    return
  }
  run.sourcesFailed++
  const json = errorJson(error)
  await ctx.manifest.append({ type: 'source-failed', source, error: json, at: unixNow(ctx.clock) })
  await ctx.waiting.sourceDone(source)
  ctx.emit({ type: 'source-failed', source, error: json })
}

async function* chatMembers(ctx: RunContext, run: RunState, ref: string): AsyncGenerator<string> {
  let users = 0
  try {
    const chat = await resolveChat(ctx.gated, ref, { cache: ctx.cache })
    let announced = false
    const members = iterChatMembers(ctx.gated, chat, {
      cache: ctx.cache,
      onCount: (count) => {
        announced = true
        ctx.emit({ type: 'source-start', source: ref, title: chat.title, members: count })
      },
    })
    for await (const user of members) {
      if (!announced) ctx.emit({ type: 'source-start', source: ref, title: chat.title })
      announced = true
      if (!archivable(user, ctx.cache.selfId)) continue
      users++
      yield user.id.toString()
    }
  } catch (error) {
    await sourceStopped(ctx, run, ref, 'chat', error)
    return
  }
  await ctx.waiting.sourceDone(ref)
  ctx.emit({ type: 'source-done', source: ref, users })
}

async function* contacts(ctx: RunContext, run: RunState): AsyncGenerator<string> {
  let users: Api.User[]
  try {
    users = await getContacts(ctx.gated, { cache: ctx.cache })
  } catch (error) {
    await sourceStopped(ctx, run, CONTACTS_SOURCE, 'contacts', error)
    return
  }
  await ctx.waiting.sourceDone(CONTACTS_SOURCE)
  const kept = users.filter((u) => archivable(u, ctx.cache.selfId))
  ctx.emit({ type: 'source-start', source: CONTACTS_SOURCE, members: kept.length })
  for (const user of kept) yield user.id.toString()
  ctx.emit({ type: 'source-done', source: CONTACTS_SOURCE, users: kept.length })
}

/**
 * The user references of `sources`, in order: each chat's members (paged as they are taken), then the contacts.
 * A source that cannot be read is counted in `run.sourcesFailed`, or left in `run.deferredSources`.
 */
export async function* sourceUsers(ctx: RunContext, run: RunState, sources: ArchiveSources): AsyncGenerator<string> {
  for (const chat of sources.chats ?? []) yield* chatMembers(ctx, run, chat)
  if (sources.contacts === true) yield* contacts(ctx, run)
}

/** The sources of a run: those left waiting last time first, then the ones given (each once). */
export function runSources(left: readonly WaitingSource[], given: ArchiveSources | undefined): ArchiveSources {
  const chats = left.filter((s) => s.kind === 'chat').map((s) => s.source)
  for (const chat of given?.chats ?? []) if (!chats.includes(chat)) chats.push(chat)
  const contacts = given?.contacts === true || left.some((s) => s.kind === 'contacts')
  return { chats, contacts }
}
