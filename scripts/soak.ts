/**
 * `npm run soak -- [--users N] [--kills N] [--seed N] [--stall S] [--kill-max S] [--json FILE]`
 *
 * Every fault at once: an in-process emulator with latency, dropped connections, internal errors, expiring file
 * references and flood limits; the compiled `tg-profile archive --sizes all` as a child process over every user with
 * a username, SIGKILLed `--kills` times at seeded random moments, then run to completion. A run that makes no
 * progress (no manifest growth, no file bytes served) for `--stall` seconds is killed and reported as a stall rather
 * than waited on. Checks the archive against the world's ground truth. Exits 1 when a check fails.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { isPartialName, MANIFEST_FILE, photoFileName, relativePath } from '../src/archive/layout.js'
import type { ManifestRecord } from '../src/archive/types.js'
import { parseFloodRule, parseLatency } from '../src/cli/emulator.js'
import { SeededRandom } from '../src/emulator/faults.js'
import { startEmulator, type RunningEmulator, type WorldFile } from '../src/emulator/index.js'

const HELP = `npm run soak -- [options]
  --users N      users in the emulated world (every one with a username is archived)   default 48
  --kills N      SIGKILLs at random moments before the run to completion                 default 10
  --kill-max S   a kill comes 0.5..S seconds after its run starts                         default 20
  --seed N       world and kill-moment seed                                               default 1
  --stall S      a run without progress for S seconds is killed and counted as a stall   default 60
  --json FILE    also write the report as JSON
  --help         this text
Faults: --latency 10+5 --drop-rate 0.01 --internal-error-rate 0.01 --fileref-ttl 20
        --flood photos.GetUserPhotos=10/5 --flood upload.GetFile=40/40`

const FAULTS = {
  latency: parseLatency('10+5'),
  dropRate: 0.01,
  internalErrorRate: 0.01,
  fileReferenceTtlSeconds: 20,
  floodRules: Object.fromEntries(['photos.GetUserPhotos=10/5', 'upload.GetFile=40/40'].map(parseFloodRule)),
}

const main = fileURLToPath(new URL('../src/cli/main.js', import.meta.url))

interface Args {
  users: number
  kills: number
  killMaxMs: number
  seed: number
  stallMs: number
  json: string | undefined
}

function parse(argv: string[]): Args | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      users: { type: 'string', default: '48' },
      kills: { type: 'string', default: '10' },
      'kill-max': { type: 'string', default: '20' },
      seed: { type: 'string', default: '1' },
      stall: { type: 'string', default: '60' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  })
  if (values.help === true) return undefined
  const int = (name: string, v: string, min: number): number => {
    const n = Number(v)
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${v}`)
    return n
  }
  return {
    users: int('users', values.users, 1),
    kills: int('kills', values.kills, 0),
    killMaxMs: int('kill-max', values['kill-max'], 1) * 1000,
    seed: int('seed', values.seed, 0),
    stallMs: int('stall', values.stall, 1) * 1000,
    json: values.json,
  }
}

interface Run {
  /** How the run ended: killed on purpose, killed for a stall, or exited by itself. */
  end: 'killed' | 'stalled' | 'exited'
  code: number | null
  /** photos.getUserPhotos calls the emulator answered during the run. */
  listings: number
  events: number
  floodWaits: number
  retries: Record<string, number>
  summaryOk: boolean | undefined
  stderr: string
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then((s) => s.size, () => 0)
}

function bytesServed(emu: RunningEmulator): number {
  return Object.values(emu.stats().bytesServedPerDc).reduce((a, b) => a + b, 0)
}

function listingsOf(emu: RunningEmulator): number {
  return emu.stats().callsPerMethod['photos.GetUserPhotos'] ?? 0
}

/** One `tg-profile archive` child, SIGKILLed after `killAfterMs` (if given) or once it stalls. */
function runArchive(emu: RunningEmulator, args: string[], out: string, stallMs: number, killAfterMs?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, 'archive', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    const listedBefore = listingsOf(emu)
    const run: Run = { end: 'exited', code: null, listings: 0, events: 0, floodWaits: 0, retries: {}, summaryOk: undefined, stderr: '' }
    child.stderr.setEncoding('utf8').on('data', (c: string) => (run.stderr += c))
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      if (line === '') return
      const e = JSON.parse(line) as { type: string; reason?: string; summary?: { complete: boolean } }
      run.events++
      if (e.type === 'flood-wait') run.floodWaits++
      if (e.type === 'retry') run.retries[e.reason ?? '?'] = (run.retries[e.reason ?? '?'] ?? 0) + 1
      if (e.type === 'summary') run.summaryOk = e.summary?.complete
    })
    const kill = killAfterMs === undefined ? undefined : setTimeout(() => {
      run.end = 'killed'
      child.kill('SIGKILL')
    }, killAfterMs)
    // Progress: the manifest grows or the emulator serves file bytes (what the archiver writes next).
    let last = { manifest: -1, served: -1, at: Date.now() }
    const watch = setInterval(() => {
      void sizeOf(join(out, MANIFEST_FILE)).then((manifest) => {
        const served = bytesServed(emu)
        if (manifest !== last.manifest || served !== last.served) last = { manifest, served, at: Date.now() }
        else if (Date.now() - last.at >= stallMs && run.end === 'exited') {
          run.end = 'stalled'
          child.kill('SIGKILL')
        }
      })
    }, 1000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(kill)
      clearInterval(watch)
      run.code = code
      run.listings = listingsOf(emu) - listedBefore
      // A kill that lands after the run finished by itself is no kill.
      if (run.end === 'killed' && code !== null) run.end = 'exited'
      resolve(run)
    })
  })
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Every file a complete `--sizes all` archive (videos included) of `users` holds, with its ground truth. */
function expectedFiles(truth: WorldFile, usernames: ReadonlySet<string>): Map<string, string> {
  const expected = new Map<string, string>()
  for (const u of truth.users) {
    if (!usernames.has(u.usernames[0] ?? '')) continue
    for (const p of u.photos) {
      for (const s of p.sizes) if (s.stripped !== true) expected.set(relativePath(u.id, photoFileName(p.id, s.type, false)), s.sha256)
      for (const v of p.videoSizes) expected.set(relativePath(u.id, photoFileName(p.id, v.type, true)), v.sha256)
    }
  }
  return expected
}

/** Checks the archive: every expected file is recorded, on disk, and hashes to the ground truth. */
async function checkArchive(out: string, expected: Map<string, string>): Promise<{ checked: number; bad: string[]; partial: number }> {
  const text = await readFile(join(out, MANIFEST_FILE), 'utf8')
  const recorded = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line === '') continue
    const r = JSON.parse(line) as ManifestRecord
    if (r.type === 'file') recorded.set(r.path, r.sha256)
  }
  const bad: string[] = []
  let checked = 0
  for (const [path, sha] of expected) {
    const onDisk = await sha256File(join(out, path)).catch(() => 'missing')
    if (onDisk !== sha || recorded.get(path) !== sha) bad.push(`${path}: disk ${onDisk}, manifest ${recorded.get(path) ?? 'none'}`)
    else checked++
  }
  const entries = await readdir(out, { recursive: true })
  const partial = entries.filter((e) => isPartialName(e.split('/').pop() ?? '')).length
  return { checked, bad, partial }
}

async function soak(args: Args): Promise<boolean> {
  const started = Date.now()
  const emu = await startEmulator({ seed: args.seed, users: args.users, ...FAULTS })
  const work = await mkdtemp(join(tmpdir(), 'tgp-soak-'))
  try {
    const truth = emu.world.toFile()
    const users = truth.users.filter((u) => u.account !== true && !u.deactivated && u.usernames.length > 0)
    const minimum = users.reduce((n, u) => n + Math.max(1, Math.ceil(u.photos.length / 100)), 0)
    const expected = expectedFiles(truth, new Set(users.map((u) => u.usernames[0] as string)))
    const conn = join(work, 'emulator.json')
    await emu.writeConnectionFile(conn)
    const list = join(work, 'users.txt')
    await writeFile(list, `${users.map((u) => `@${u.usernames[0]}`).join('\n')}\n`)
    const out = join(work, 'out')
    const archiveArgs = ['--emulator', conn, '--from', list, '--out', out, '--sizes', 'all']
    console.log(`soak: ${users.length} users, ${expected.size} files, ${args.kills} kills, seed ${args.seed}`)

    const random = new SeededRandom(args.seed ^ 0x50a6)
    const runs: Run[] = []
    let kills = 0
    // Runs to completion after the kills; a stalled run is run again, a bounded number of times.
    for (let attempts = 0; attempts < args.kills + 5; attempts++) {
      const killAfter = kills < args.kills ? 500 + Math.floor(random.next() * (args.killMaxMs - 500)) : undefined
      const run = await runArchive(emu, archiveArgs, out, args.stallMs, killAfter)
      runs.push(run)
      if (run.end === 'killed') kills++
      console.log(`run ${runs.length}: ${run.end}${killAfter !== undefined ? ` (kill at ${killAfter} ms)` : ''}, exit ${run.code}, ${run.events} events, ${run.listings} listings`)
      if (run.end === 'exited' && kills >= args.kills) break
    }
    const last = runs.at(-1)
    const { checked, bad, partial } = await checkArchive(out, expected)
    const stats = emu.stats()
    const ttl = FAULTS.fileReferenceTtlSeconds
    const wallMs = Date.now() - started
    const listings = listingsOf(emu)
    // Each run lists every page at most once, and each page is re-listed at most once per reference lifetime.
    const listingBound = minimum * (runs.length + Math.ceil(wallMs / 1000 / ttl))
    const retries: Record<string, number> = {}
    for (const r of runs) for (const [k, v] of Object.entries(r.retries)) retries[k] = (retries[k] ?? 0) + v
    const report = {
      date: new Date().toISOString(),
      users: users.length,
      seed: args.seed,
      kills_requested: args.kills,
      kills_survived: last?.end === 'exited' && last.code === 0 && last.summaryOk === true ? kills : 0,
      runs: runs.length,
      stalls: runs.filter((r) => r.end === 'stalled').length,
      files_expected: expected.size,
      files_checked: checked,
      files_bad: bad.length,
      partial_files: partial,
      listings,
      listings_last_run: last?.listings ?? 0,
      listings_per_run: runs.map((r) => r.listings),
      listings_minimum: minimum,
      listings_bound: listingBound,
      flood_waits_issued: stats.floodWaitsIssued,
      flood_wait_events: runs.reduce((n, r) => n + r.floodWaits, 0),
      requests_during_flood_wait: stats.requestsDuringFloodWait,
      retries,
      file_reference_expired: stats.rpcErrors['FILE_REFERENCE_EXPIRED'] ?? 0,
      wall_s: Math.round(wallMs / 1000),
    }
    console.log(JSON.stringify(report, null, 2))
    for (const b of bad.slice(0, 10)) console.log(`bad: ${b}`)
    if (last?.stderr) console.log(`last run's stderr: ${last.stderr.slice(0, 2000)}`)
    if (args.json !== undefined) await writeFile(args.json, `${JSON.stringify(report, null, 2)}\n`)
    return (
      report.kills_survived === args.kills &&
      report.stalls === 0 &&
      bad.length === 0 &&
      checked === expected.size &&
      partial === 0 &&
      listings <= listingBound
    )
  } finally {
    await emu.close()
    await rm(work, { recursive: true, force: true })
  }
}

async function mainEntry(): Promise<void> {
  const args = parse(process.argv.slice(2))
  if (args === undefined) {
    console.log(HELP)
    return
  }
  const ok = await soak(args)
  console.log(ok ? 'soak: every check passed' : 'soak: FAILED')
  if (!ok) process.exitCode = 1
}

mainEntry().catch((e: unknown) => {
  console.error(`soak: ${e instanceof Error ? e.message : String(e)}`)
  process.exitCode = 1
})
