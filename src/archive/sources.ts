/**
 * The sources stage: the users of a run that need no resolve. A chat's members and the account's contacts come
 * with their access hashes, which enter the run's entity cache; each such user is handed on as its numeric id, which
 * the entity cache then resolves without a request. A source that cannot be read is recorded (`source-failed`) and
 * the run goes on with the others.
 */
import { getContacts } from '../methods/get-contacts.js'
import { iterChatMembers } from '../methods/iter-chat-members.js'
import { resolveChat } from '../methods/resolve-chat.js'
import type { Api } from 'telegram'
import { errorJson, unixNow, type RunContext } from './context.js'
import type { ArchiveSources } from './types.js'

/** The name of the contacts source in events and records. */
export const CONTACTS_SOURCE = 'contacts'

/** Whether a member is worth archiving: not the account itself, not a deleted account (which has no photos). */
function archivable(user: Api.User, selfId: bigint | undefined): boolean {
  return user.deleted !== true && (selfId === undefined || user.id.toString() !== selfId.toString())
}

async function sourceFailed(ctx: RunContext, source: string, error: unknown): Promise<void> {
  const json = errorJson(error)
  await ctx.manifest.append({ type: 'source-failed', source, error: json, at: unixNow(ctx.clock) })
  ctx.emit({ type: 'source-failed', source, error: json })
}

async function* chatMembers(ctx: RunContext, ref: string, failed: () => void): AsyncGenerator<string> {
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
    failed()
    await sourceFailed(ctx, ref, error)
    return
  }
  ctx.emit({ type: 'source-done', source: ref, users })
}

async function* contacts(ctx: RunContext, failed: () => void): AsyncGenerator<string> {
  let users: Api.User[]
  try {
    users = await getContacts(ctx.gated, { cache: ctx.cache })
  } catch (error) {
    failed()
    await sourceFailed(ctx, CONTACTS_SOURCE, error)
    return
  }
  const kept = users.filter((u) => archivable(u, ctx.cache.selfId))
  ctx.emit({ type: 'source-start', source: CONTACTS_SOURCE, members: kept.length })
  for (const user of kept) yield user.id.toString()
  ctx.emit({ type: 'source-done', source: CONTACTS_SOURCE, users: kept.length })
}

/**
 * The user references of `sources`, in order: each chat's members (paged as they are taken), then the contacts.
 * `failed` is told of every source that could not be read.
 */
export async function* sourceUsers(ctx: RunContext, sources: ArchiveSources, failed: () => void): AsyncGenerator<string> {
  for (const chat of sources.chats ?? []) yield* chatMembers(ctx, chat, failed)
  if (sources.contacts === true) yield* contacts(ctx, failed)
}
