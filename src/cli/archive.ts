/**
 * `tg-profile archive [users…] [--from FILE | -] --out DIR [--sizes largest|all] [--no-videos] [--audios]
 * [--concurrency N] [--max-flood-wait S]`: the bulk archiver. A progress bar on stderr when stdout is a terminal,
 * else one NDJSON event per line on stdout; a summary at the end. Exit 0 when every user was archived, 1 otherwise.
 */
import { createReadStream } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { archiveProfiles } from '../archive/archive.js'
import type { ArchiveEvent, ArchiveSummary } from '../archive/types.js'
import type { Connected } from '../client/connect.js'
import { redact } from '../client/redact.js'
import { intOption, stringOption, UsageError } from './args.js'
import { InterruptedError } from './io.js'
import { galleryNote, refreshGallery } from './gallery.js'
import { EXIT_FAILURE, EXIT_OK } from './run.js'
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

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`
  return `${(n / 1024 ** 3).toFixed(2)} GiB`
}

/** A one-line progress bar on a terminal: users, files, bytes, rate. */
class ProgressLine {
  private users = 0
  private failed = 0
  private files = 0
  private bytes = 0
  private readonly started = Date.now()
  private last = 0
  private note = ''

  constructor(private readonly out: { write(chunk: string): unknown }) {}

  on(event: ArchiveEvent): void {
    if (event.type === 'user-done') this.users++
    else if (event.type === 'user-failed') {
      this.failed++
      this.note = `${event.user}: ${event.error.description}`
    } else if (event.type === 'file-saved') {
      this.files++
      this.bytes += event.bytes
    } else if (event.type === 'flood-wait') this.note = `flood wait ${event.seconds}s on ${event.method}`
    const now = Date.now()
    if (event.type === 'summary' || now - this.last >= 100) {
      this.last = now
      this.draw()
    }
  }

  private draw(): void {
    const seconds = Math.max(0.001, (Date.now() - this.started) / 1000)
    const line =
      `users ${this.users} done, ${this.failed} failed | files ${this.files} | ${formatBytes(this.bytes)} ` +
      `| ${formatBytes(this.bytes / seconds)}/s${this.note !== '' ? ` | ${this.note}` : ''}`
    this.out.write(`\r\u001b[2K${redact(line.slice(0, 160))}`)
  }

  end(): void {
    this.out.write('\n')
  }
}

function summaryText(s: ArchiveSummary): string {
  const lines = [
    `archive ${s.out}: ${s.complete ? 'complete' : s.stopped !== undefined ? 'stopped (resumable)' : 'finished with failures'}`,
    `users: ${s.users.done} archived, ${s.users.failed} failed, ${s.users.skipped_duplicates} duplicates skipped`,
    `files: ${s.files.downloaded} downloaded (${formatBytes(s.files.bytes)}), ${s.files.adopted} adopted, ` +
      `${s.files.unchanged} unchanged, ${s.files.gone} newly gone`,
    `requests: ${Object.entries(s.rpc).map(([m, n]) => `${m} ${n}`).join(', ') || 'none'}; retries ${s.retries}`,
  ]
  const floods = Object.entries(s.flood_waits)
  if (floods.length > 0) lines.push(`flood waits: ${floods.map(([m, n]) => `${m} ${n}`).join(', ')}`)
  if (s.swept_partials > 0) lines.push(`removed ${s.swept_partials} partial file(s) of an interrupted run`)
  return `${lines.join('\n')}\n`
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
  if (positionals.length === 0 && from === undefined) {
    throw new UsageError('name the users to archive, or give --from FILE (or --from - for stdin)', 'archive')
  }
  const sizes = stringOption(options, 'sizes') ?? 'largest'
  if (sizes !== 'largest' && sizes !== 'all') throw new UsageError('--sizes must be "largest" or "all"', 'archive')
  const concurrency = intOption(options, 'concurrency', 1, 64)
  const maxFloodWait = intOption(options, 'max-flood-wait', 0, 86_400)
  const out = resolve(ctx.io.cwd, outOption)

  const progress = ctx.json ? undefined : new ProgressLine(ctx.io.stderr)
  const onEvent = (event: ArchiveEvent): void => {
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
        onEvent,
        signal: ctx.signal,
        ...(ctx.timeoutMs !== undefined ? { rpcTimeoutMs: ctx.timeoutMs } : {}),
      }),
    )
  } finally {
    progress?.end()
  }
  // The gallery shows what the manifest holds, a stopped run's files too.
  const gallery = await refreshGallery(ctx, out)
  if (progress !== undefined) ctx.io.stdout.write(summaryText(summary) + galleryNote(ctx, gallery))
  if (summary.stopped !== undefined) {
    ctx.io.stderr.write(
      redact(`Error ${summary.stopped.error_code}: ${summary.stopped.description}\nThe archive is consistent; run the same command again later to resume.\n`),
    )
  }
  // Interrupted: the archive is consistent and resumable; the exit status says the run was stopped by the signal.
  if (ctx.signal.aborted && ctx.signal.reason instanceof InterruptedError) return ctx.signal.reason.exitCode
  return summary.complete ? EXIT_OK : EXIT_FAILURE
}
