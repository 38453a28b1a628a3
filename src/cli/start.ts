/**
 * `tg-profile start` (`npm start`): the README's main job in one command.
 *
 * - No Telegram credentials (no `TG_API_ID`/`TG_API_HASH`) and no emulator configured: starts an embedded emulator
 *   in-process (seeded, so every run sees the same world), says so on stderr, logs in as its test account, archives
 *   its demo users into `./tg-profile-demo/` (or `--out DIR`) and prints the summary. A re-run is incremental.
 * - `--emulator FILE` / `TG_EMULATOR`: the same job against that emulator (users from the arguments, else its test
 *   account's own profile is not enough to show anything, so users are required).
 * - Credentials: the same job against Telegram over the users given as arguments.
 */
import { readFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { archiveProfiles } from '../archive/archive.js'
import { MANIFEST_FILE } from '../archive/layout.js'
import type { ArchiveEvent, ArchiveSummary, FileRecord } from '../archive/types.js'
import { connect } from '../client/connect.js'
import type { ConnectOptions } from '../client/connect.js'
import { loadConfig } from '../client/config.js'
import type { TgProfileConfig } from '../client/config.js'
import { EntityCache } from '../client/entity-cache.js'
import { startEmulator } from '../emulator/index.js'
import type { RunningEmulator } from '../emulator/index.js'
import { stringOption, UsageError } from './args.js'
import { openLine, refreshGallery } from './gallery.js'
import type { GallerySummary } from '../gallery/index.js'
import { InterruptedError } from './io.js'
import { EXIT_FAILURE, EXIT_OK, connectOptionsOf } from './run.js'
import type { CommandContext } from './run.js'

/** The demo world: seed and number of ordinary users of the embedded emulator. */
export const DEMO_SEED = 1
export const DEMO_USERS = 30
/** Default archive folder of `start`, relative to the working directory. */
export const DEMO_OUT = 'tg-profile-demo'
/** The demo's entity cache, inside the archive folder. */
export const DEMO_ENTITY_CACHE = '.demo-entities.json'

/** Usernames the demo archives: every active, non-account user of the world that has a username. */
export function demoUsernames(world: RunningEmulator['world']): string[] {
  return world.users
    .filter((u) => u.account === undefined && !u.deactivated && u.usernames.length > 0)
    .map((u) => u.usernames[0] as string)
}

/** No Telegram credentials and no emulator configured: `start` and `serve` run on an embedded emulator. */
export function wantsEmbeddedEmulator(config: TgProfileConfig): boolean {
  return config.emulatorFile === undefined && (config.apiId === undefined || config.apiHash === undefined)
}

/** `tg-profile start [users...] [--out DIR]`. */
export async function startCommand(ctx: CommandContext): Promise<number> {
  const { io } = ctx
  const emulatorOption = stringOption(ctx.cli.options, 'emulator')
  const config = loadConfig({ env: io.env, cwd: io.cwd, emulatorFile: emulatorOption })
  const out = resolve(io.cwd, stringOption(ctx.cli.options, 'out') ?? DEMO_OUT)
  const given = ctx.cli.positionals
  const base: ConnectOptions = connectOptionsOf(ctx)

  if (!wantsEmbeddedEmulator(config)) {
    if (given.length === 0) {
      throw new UsageError(
        config.emulatorFile === undefined
          ? 'start needs users to archive when running against Telegram: tg-profile start @user1 @user2 ...'
          : 'start needs users to archive when running against an emulator file: tg-profile start @user1 ...',
        'start',
      )
    }
    return runJob(ctx, base, given, out)
  }

  if (given.length > 0) {
    throw new UsageError('without Telegram credentials start archives the demo users; it takes no users', 'start')
  }
  io.stderr.write(
    `No Telegram credentials (TG_API_ID/TG_API_HASH): starting an embedded emulator (seed ${DEMO_SEED}, ${DEMO_USERS} users) on 127.0.0.1.\n`,
  )
  const emu = await startEmulator({ seed: DEMO_SEED, users: DEMO_USERS })
  try {
    // The embedded emulator's session lives in memory, but its seeded world gives the same access hashes every run:
    // the usernames resolved once are kept in the archive folder, so a re-run resolves nothing again.
    const cache = await EntityCache.open(join(out, DEMO_ENTITY_CACHE))
    try {
      return await runJob(ctx, { ...base, emulatorConnection: emu.connection }, demoUsernames(emu.world), out, cache)
    } finally {
      await cache.close()
    }
  } finally {
    await emu.close()
  }
}

async function runJob(
  ctx: CommandContext,
  options: ConnectOptions,
  users: readonly string[],
  out: string,
  cache?: EntityCache,
): Promise<number> {
  const c = await connect(options)
  let summary: ArchiveSummary
  try {
    summary = await archiveProfiles(c.client, users, {
      out,
      concurrency: 4,
      signal: ctx.signal,
      ...(ctx.timeoutMs !== undefined ? { rpcTimeoutMs: ctx.timeoutMs } : {}),
      ...(cache !== undefined ? { cache } : {}),
      ...(ctx.io.stderr.isTTY === true ? { onEvent: progressLine(ctx, users.length) } : {}),
    })
  } finally {
    await c.close()
  }
  await printSummary(ctx, summary, users.length, await refreshGallery(ctx, out))
  if (ctx.signal.aborted && ctx.signal.reason instanceof InterruptedError) return ctx.signal.reason.exitCode
  return summary.complete ? EXIT_OK : EXIT_FAILURE
}

/** On a terminal: one self-overwriting progress line on stderr (users done, files, bytes), cleared at the end. */
function progressLine(ctx: CommandContext, total: number): (event: ArchiveEvent) => void {
  let users = 0
  let files = 0
  let bytes = 0
  return (event) => {
    if (event.type === 'user-done' || event.type === 'user-done-before' || event.type === 'user-failed') users++
    else if (event.type === 'file-saved') {
      files++
      bytes += event.bytes
    } else if (event.type !== 'summary') return
    const line = `users ${users}/${total}, files ${files}, ${(bytes / 1048576).toFixed(1)} MiB`
    ctx.io.stderr.write(event.type === 'summary' ? '\r\u001b[K' : `\r\u001b[K${line}`)
  }
}

async function printSummary(ctx: CommandContext, s: ArchiveSummary, asked: number, gallery: GallerySummary | undefined): Promise<void> {
  const manifest = join(s.out, MANIFEST_FILE)
  if (ctx.json) {
    const index = gallery !== undefined ? { gallery: gallery.index } : {}
    ctx.io.stdout.write(`${JSON.stringify({ ok: true, result: { ...s, manifest, ...index } })}\n`)
    return
  }
  const files = await fileRecords(manifest)
  const perUser = new Map<number, { files: number; bytes: number }>()
  for (const f of files) {
    const t = perUser.get(f.user_id) ?? { files: 0, bytes: 0 }
    t.files++
    t.bytes += f.bytes
    perUser.set(f.user_id, t)
  }
  const lines = [
    `Archived ${s.users.done} of ${asked} users into ${displayPath(ctx.io.cwd, s.out)}: ` +
      `${s.files.downloaded} files downloaded (${s.files.bytes} bytes), ${s.files.unchanged} unchanged, ` +
      `${s.files.adopted} adopted, ${s.files.gone} gone, ${s.users.failed} users failed.`,
  ]
  const shown = [...perUser.entries()].slice(0, 5)
  for (const [userId, t] of shown) lines.push(`  ${userId}/  ${t.files} file${t.files === 1 ? '' : 's'}, ${t.bytes} bytes`)
  if (perUser.size > shown.length) lines.push(`  … and ${perUser.size - shown.length} more user folders`)
  lines.push(`Manifest: ${displayPath(ctx.io.cwd, manifest)} (one JSON record per line)`)
  if (s.waiting !== undefined) lines.push(`${s.waiting.users} users wait for a flood wait until ${s.waiting.retry_at} (re-run then to go on)`)
  if (gallery !== undefined) lines.push(`Gallery of ${gallery.users} users: ${openLine(ctx.io.cwd, gallery)}`)
  ctx.io.stdout.write(`${lines.join('\n')}\n`)
}

async function fileRecords(manifest: string): Promise<FileRecord[]> {
  let text: string
  try {
    text = await readFile(manifest, 'utf8')
  } catch {
    return []
  }
  const records: FileRecord[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    try {
      const r = JSON.parse(line) as { type?: string }
      if (r.type === 'file') records.push(r as FileRecord)
    } catch {
      // a torn last line of a killed run: the archiver cuts it on its next run
    }
  }
  return records
}

function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path)
  return rel === '' || rel.startsWith('..') ? path : `./${rel}`
}
