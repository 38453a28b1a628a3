/**
 * `tg-profile archive [users…] [--from FILE | -] [--from-chat CHAT]… [--contacts] --out DIR [--sizes largest|all]
 * [--no-videos] [--audios] [--concurrency N] [--max-flood-wait S] [--wait]`: the bulk archiver. A progress display on
 * stderr when stdout is a terminal, else one NDJSON event per line on stdout; a summary at the end. Exit 0 when every
 * user was archived, 3 when users are left waiting for a flood wait (resumable), 1 when users or sources failed.
 */
import { createReadStream } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { archiveProfiles } from '../archive/archive.js'
import type { ArchiveEvent, ArchiveSummary } from '../archive/types.js'
import type { Connected } from '../client/connect.js'
import { redact } from '../client/redact.js'
import { parseChatArgument } from '../methods/normalize.js'
import { intOption, listOption, stringOption, UsageError } from './args.js'
import { ArchiveProgress, formatBytes } from './progress.js'
import { InterruptedError } from './io.js'
import { galleryNote, refreshGallery } from './gallery.js'
import { EXIT_FAILURE, EXIT_INCOMPLETE, EXIT_OK } from './run.js'
import type { CommandContext } from './run.js'

/** Lines of a user list: one reference per line, blank lines and `#` comments skipped. */
export async function* readUserList(input: NodeJS.ReadableStream): AsyncGenerator<string, void, undefined> {
  const lines = createInterface({ input, crlfDelay: Infinity })
  for await (const raw of lines) {
    const line = raw.replace(/#.*$/, '').trim()
    if (line !== '') yield line
  }
}

async function* allUsers(positionals: readonly string[], from: string | undefined, cwd: string): AsyncGenerator<string> {
  yield* positionals
  if (from === undefined) return
  yield* readUserList(from === '-' ? process.stdin : createReadStream(resolve(cwd, from), { encoding: 'utf8' }))
}

/** Lines of the list file, counted ahead of the run for the progress display's total (0 for stdin). */
async function countUsers(from: string | undefined, cwd: string): Promise<number> {
  if (from === undefined || from === '-') return 0
  let n = 0
  for await (const _ of readUserList(createReadStream(resolve(cwd, from), { encoding: 'utf8' }))) n++
  return n
}

/** `2026-01-16 12:00 UTC`. */
function utc(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

function outcome(s: ArchiveSummary): string {
  if (s.complete) return 'complete'
  if (s.waiting !== undefined) return 'incomplete, resumable'
  return 'finished with failures'
}

/** What the summary says of the users left waiting: for what, until when, and when to run again. */
function waitingLines(s: ArchiveSummary): string[] {
  if (s.waiting === undefined) return []
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`
  const lines = Object.entries(s.waiting.methods).map(([m, w]) => {
    const what = [w.users > 0 ? count(w.users, 'user') : '', w.sources > 0 ? count(w.sources, 'source') : ''].filter((x) => x !== '')
    return `waiting: ${what.join(' and ')} for ${m} until ${utc(w.until)}`
  })
  lines.push(`run the same command again after ${s.waiting.retry_at.slice(0, 16).replace('T', ' ')} UTC to go on with them (they come first), or add --wait`)
  return lines
}

function summaryText(s: ArchiveSummary, failedSources: readonly string[]): string {
  const lines = [
    `archive ${s.out}: ${outcome(s)}`,
    `users: ${s.users.done} archived, ${s.users.failed} failed, ${s.users.waiting} waiting, ${s.users.skipped_duplicates} duplicates skipped` +
      (s.users.done_before > 0 ? `, ${s.users.done_before} archived by an earlier run of this job` : ''),
    `files: ${s.files.downloaded} downloaded (${formatBytes(s.files.bytes)}), ${s.files.adopted} adopted, ` +
      `${s.files.unchanged} unchanged, ${s.files.gone} newly gone`,
    `requests: ${Object.entries(s.rpc).map(([m, n]) => `${m} ${n}`).join(', ') || 'none'}; retries ${s.retries}`,
  ]
  const floods = Object.entries(s.flood_waits)
  if (floods.length > 0) lines.push(`flood waits: ${floods.map(([m, n]) => `${m} ${n}`).join(', ')}`)
  if (s.swept_partials > 0) lines.push(`removed ${s.swept_partials} partial file(s) of an interrupted run`)
  for (const f of failedSources) lines.push(`source failed: ${f}`)
  lines.push(...waitingLines(s))
  return `${lines.join('\n')}\n`
}

/** The exit status of a run: interrupted, incomplete (users waiting), failed, or ok. */
function exitCode(ctx: CommandContext, summary: ArchiveSummary): number {
  // Interrupted: the archive is consistent and resumable; the exit status says the run was stopped by the signal.
  if (ctx.signal.aborted && ctx.signal.reason instanceof InterruptedError) return ctx.signal.reason.exitCode
  if (summary.complete) return EXIT_OK
  return summary.waiting !== undefined ? EXIT_INCOMPLETE : EXIT_FAILURE
}

/** The `archive` command. */
export async function archiveCommand(
  ctx: CommandContext,
  withClient: <T>(ctx: CommandContext, body: (c: Connected) => Promise<T>) => Promise<T>,
): Promise<number> {
  const { options, positionals } = ctx.cli
  const outOption = stringOption(options, 'out')
  if (outOption === undefined) throw new UsageError('--out DIR is required', 'archive')
  const from = stringOption(options, 'from')
  const chats = listOption(options, 'from-chat')
  const contacts = options.contacts === true
  if (positionals.length === 0 && from === undefined && chats.length === 0 && !contacts) {
    throw new UsageError('name the users to archive, or give --from FILE (or --from - for stdin), --from-chat CHAT or --contacts', 'archive')
  }
  // Malformed chats are refused before anything connects.
  for (const chat of chats) {
    try {
      parseChatArgument(chat)
    } catch {
      throw new UsageError(`--from-chat ${JSON.stringify(chat)}: not a chat (give @username, a t.me link or a chat id)`, 'archive')
    }
  }
  const sizes = stringOption(options, 'sizes') ?? 'largest'
  if (sizes !== 'largest' && sizes !== 'all') throw new UsageError('--sizes must be "largest" or "all"', 'archive')
  const concurrency = intOption(options, 'concurrency', 1, 64)
  const maxFloodWait = intOption(options, 'max-flood-wait', 0, 86_400)
  const out = resolve(ctx.io.cwd, outOption)

  const total = positionals.length + (await countUsers(from, ctx.io.cwd))
  const progress = ctx.json ? undefined : new ArchiveProgress({ out: ctx.io.stderr, total })
  // A countdown moves while nothing else happens; the timer never keeps the process alive.
  const ticker = progress !== undefined ? setInterval(() => progress.tick(), 1000).unref() : undefined
  const failedSources: string[] = []
  const onEvent = (event: ArchiveEvent): void => {
    if (event.type === 'source-failed') failedSources.push(`${event.source}: ${event.error.description}`)
    if (progress !== undefined) progress.on(event)
    else ctx.io.stdout.write(`${JSON.stringify(event)}\n`)
  }
  let summary: ArchiveSummary
  try {
    summary = await withClient(ctx, ({ client, cache }) =>
      archiveProfiles(client, allUsers(positionals, from, ctx.io.cwd), {
        out,
        cache,
        sizes,
        videos: options['no-videos'] !== true,
        audios: options.audios === true,
        ...(concurrency !== undefined ? { concurrency } : {}),
        ...(maxFloodWait !== undefined ? { maxFloodWait } : {}),
        wait: options.wait === true,
        sources: { chats, contacts },
        onEvent,
        signal: ctx.signal,
        ...(ctx.timeoutMs !== undefined ? { rpcTimeoutMs: ctx.timeoutMs } : {}),
      }),
    )
  } finally {
    clearInterval(ticker)
    progress?.end()
  }
  // The gallery shows what the manifest holds, a stopped run's files too.
  const gallery = await refreshGallery(ctx, out)
  if (progress !== undefined) ctx.io.stdout.write(redact(summaryText(summary, failedSources)) + galleryNote(ctx, gallery))
  return exitCode(ctx, summary)
}
