/**
 * `npm run bench -- [--users N] [--latency MS] [--scenario default|rerun|memory|flood|serve|gallery|realistic|all] [--json FILE]
 *   [--seed N] [--gallery-users N]`
 *
 * Archive throughput of tg-profile against a naive GramJS loop, against the archiver an mtcute user writes (the peer,
 * `scripts/bench/mtcute-child.ts`) and against the physical lower bound, on a loopback emulator with an injected
 * round-trip latency. Each scenario starts its own emulator (in this process); each contender runs in its own child
 * process (`scripts/bench/child.ts`, `mtcute-child.ts`), so its peak RSS and CPU time are its own.
 * The `gallery` scenario needs no emulator: it builds the HTML gallery of a synthetic manifest (`scripts/bench/gallery.ts`).
 * The `realistic` scenario runs on the emulator's `telegram` limits profile with a simulated calendar
 * (`scripts/bench/realistic.ts`): resolves spent and calendar time until a 2 000-user job is done.
 */
import { fork } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js'
import type { FloodRule } from '../src/emulator/faults.js'
import { measureLoopbackBandwidth } from './bench/bandwidth.js'
import type { ChildJob, ChildResult } from './bench/harness.js'
import { keyMtcuteCanFind } from './bench/mtcute-key.js'
import { peerFilePath } from './bench/mtcute-layout.js'
import { checkFiles, expectedFiles, formatCheck, type FileCheck } from './bench/verify.js'
import { photoFileName, relativePath } from '../src/archive/layout.js'
import { lowerBound, type LowerBound } from './bench/lower-bound.js'
import { diffCounts, formatBytes, formatCalls, formatMs, formatRatio, formatTable, sumCounts } from './bench/table.js'
import { benchUsers, type BenchUser } from './bench/world-users.js'
import { benchServe } from './bench/serve.js'
import { benchGallery } from './bench/gallery.js'
import { benchRealistic, type RealisticResult } from './bench/realistic.js'

/** The archiver's default concurrency: users at once and downloads in flight (`ArchiveOptions.concurrency`). */
const ARCHIVER_IN_FLIGHT = 8
/** Requests per path and concurrency in the serve scenario. */
const SERVE_REQUESTS = 400
const SCENARIOS = ['default', 'rerun', 'flood', 'memory', 'serve', 'gallery', 'realistic'] as const
type Scenario = (typeof SCENARIOS)[number]

interface Args {
  users: number
  latency: number
  scenarios: Scenario[]
  json: string | undefined
  seed: number
  naiveBudgetMs: number
  memoryUsers: number
  memoryBudgetMs: number
  floodBudgetMs: number
  galleryUsers: number
}

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      users: { type: 'string', default: '500' },
      latency: { type: 'string', default: '30' },
      scenario: { type: 'string', default: 'default+rerun' },
      json: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'naive-budget': { type: 'string', default: '60' },
      'memory-users': { type: 'string', default: '10000' },
      'memory-budget': { type: 'string', default: '120' },
      'flood-budget': { type: 'string', default: '60' },
      'gallery-users': { type: 'string', default: '10000' },
    },
    strict: true,
  })
  const int = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v)
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${v}`)
    return n
  }
  const s = values.scenario
  const scenarios: Scenario[] =
    s === 'all' ? [...SCENARIOS] : s === 'default+rerun' ? ['default', 'rerun'] : [s as Scenario]
  for (const x of scenarios) if (!SCENARIOS.includes(x)) throw new Error(`unknown --scenario ${s}`)
  return {
    users: int('users', values.users, 1),
    latency: int('latency', values.latency, 0),
    scenarios,
    json: values.json,
    seed: int('seed', values.seed, 0),
    naiveBudgetMs: int('naive-budget', values['naive-budget'], 1) * 1000,
    memoryUsers: int('memory-users', values['memory-users'], 1),
    memoryBudgetMs: int('memory-budget', values['memory-budget'], 1) * 1000,
    floodBudgetMs: int('flood-budget', values['flood-budget'], 1) * 1000,
    galleryUsers: int('gallery-users', values['gallery-users'], 1),
  }
}

/** A contender's run as the report sees it: the child's own figures plus the emulator's counter diff. */
interface Measured {
  readonly result: ChildResult
  readonly calls: Record<string, number>
  readonly rpcs: number
  readonly bytesServed: number
  readonly getFileAnswers: number
  readonly rpcErrors: Record<string, number>
  readonly floodWaitsIssued: Record<string, number>
  readonly requestsDuringFloodWait: Record<string, number>
}

/** How long past its budget a contender may take to stop before it is killed. */
const WATCHDOG_GRACE_MS = 120_000

const CHILD = fileURLToPath(new URL('./bench/child.js', import.meta.url))
const MTCUTE_CHILD = fileURLToPath(new URL('./bench/mtcute-child.js', import.meta.url))

async function runChild(emu: RunningEmulator, job: Omit<ChildJob, 'type' | 'connection'>): Promise<Measured> {
  // BENCH_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles the contenders (NODE_OPTIONS refuses --cpu-prof).
  const execArgv = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter((a) => a !== '')
  const script = job.contender === 'mtcute' ? MTCUTE_CHILD : CHILD
  const child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [...process.execArgv, ...execArgv] })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const messages: unknown[] = []
  let wake: (() => void) | undefined
  child.on('message', (m) => {
    messages.push(m)
    wake?.()
  })
  const next = async (type: string): Promise<unknown> => {
    for (;;) {
      const m = messages.shift() as { type?: string } | undefined
      if (m !== undefined) {
        if (m.type !== type) throw new Error(`bench child sent ${m.type}, expected ${type}`)
        return m
      }
      const stop = new Promise<void>((resolve) => (wake = resolve))
      const code = await Promise.race([stop.then(() => undefined), exited])
      if (code !== undefined && messages.length === 0) throw new Error(`bench child exited (${code}) before ${type}`)
    }
  }
  child.send({ type: 'job', connection: emu.connection, ...job } satisfies ChildJob)
  await next('ready')
  const before = emu.stats()
  child.send({ type: 'go' })
  // A contender with a budget must stop soon after it: past budget + 2 minutes it is killed and reported as such.
  let watchdog: NodeJS.Timeout | undefined
  const result = (await Promise.race([
    next('result'),
    new Promise<ChildResult>((resolve) => {
      const budgetMs = job.budgetMs
      if (budgetMs === undefined) return
      const limitMs = budgetMs + WATCHDOG_GRACE_MS
      watchdog = setTimeout(() => {
        child.kill('SIGKILL')
        // The child's own figures are lost; the emulator's counters (the point of the flood scenario) are not.
        resolve({
          type: 'result',
          contender: job.contender,
          usersDone: 0,
          usersFailed: 0,
          truncated: true,
          files: 0,
          bytes: 0,
          wallMs: limitMs,
          cpuMs: 0,
          maxRssBytes: 0,
          rssSamples: [],
          error: `did not stop within ${WATCHDOG_GRACE_MS / 1000} s after its ${budgetMs / 1000} s budget: killed`,
        })
      }, limitMs)
    }),
  ]).finally(() => clearTimeout(watchdog))) as ChildResult
  const after = emu.stats()
  await exited
  const calls = diffCounts(before.callsPerMethod, after.callsPerMethod)
  return {
    result,
    calls,
    rpcs: sumCounts(calls),
    bytesServed: sumCounts(diffCounts(before.bytesServedPerDc, after.bytesServedPerDc)),
    getFileAnswers: sumCounts(diffCounts(before.downloadsPerFile, after.downloadsPerFile)),
    rpcErrors: diffCounts(before.rpcErrors, after.rpcErrors),
    floodWaitsIssued: diffCounts(before.floodWaitsIssued, after.floodWaitsIssued),
    requestsDuringFloodWait: diffCounts(before.requestsDuringFloodWait, after.requestsDuringFloodWait),
  }
}

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`)
}

function lb(users: readonly BenchUser[], latencyMs: number, bandwidth: number): LowerBound {
  return lowerBound({ users, latencyMs, inFlight: ARCHIVER_IN_FLIGHT, bandwidthBytesPerSecond: bandwidth })
}

function contenderRow(name: string, m: Measured, wallNote = ''): string[] {
  const r = m.result
  if (r.error !== undefined) console.log(`${name}: ${r.error}`)
  if (r.peakHeapUsedBytes !== undefined) {
    console.log(`${name}: sampled peaks: V8 heap used ${formatBytes(r.peakHeapUsedBytes)}, Buffers ${formatBytes(r.peakArrayBuffersBytes ?? 0)}`)
  }
  return [
    name,
    formatMs(r.wallMs) + wallNote,
    String(m.rpcs),
    String(r.files),
    formatBytes(m.bytesServed),
    formatBytes(r.maxRssBytes),
    formatMs(r.cpuMs),
    `${r.usersDone}${r.usersFailed > 0 ? ` (+${r.usersFailed} failed)` : ''}`,
  ]
}

const HEADER = ['contender', 'wall', 'RPCs', 'files', 'downloaded', 'peak RSS', 'CPU', 'users']

/** One key for every scenario's emulator, one that mtcute (the peer) can find. */
let rsaKey: ReturnType<typeof keyMtcuteCanFind> | undefined

async function withEmulator<T>(
  options: Parameters<typeof startEmulator>[0],
  body: (emu: RunningEmulator) => Promise<T>,
): Promise<T> {
  rsaKey ??= keyMtcuteCanFind()
  const emu = await startEmulator({ ...options, rsaKey })
  try {
    emu.world.prepareMedia()
    return await body(emu)
  } finally {
    await emu.close()
  }
}

const DAY_MS = 86_400_000

function printRealistic(r: RealisticResult): void {
  const asked = r.case === 'usernames' ? `${r.users} usernames` : `the members of one ${r.users}-member chat`
  const fewestDays = r.case === 'usernames' ? Math.ceil(r.users / r.quotaPerDay) : 1
  console.log(`\n## realistic: ${asked} on the telegram limits profile (${r.quotaPerDay} resolves a day); fewest days the quota allows: ${fewestDays}`)
  const rows = r.rows.map((x) => [
    x.contender,
    String(x.runs),
    `${(x.calendarMs / 3_600_000).toFixed(1)} h (day ${Math.floor(x.calendarMs / DAY_MS) + 1})`,
    formatMs(x.wallMs),
    `${x.usersArchived}${x.usersFailed > 0 ? ` (+${x.usersFailed} failed)` : ''}${x.complete ? '' : ', not done'}`,
    `${x.resolves}${x.resolvesRefused > 0 ? ` (${x.resolvesRefused} refused)` : ''}`,
    String(x.rpcs),
    String(x.files),
  ])
  console.log(formatTable([['contender', 'runs', 'calendar', 'wall', 'users archived', 'resolves', 'RPCs', 'files'], ...rows]))
  for (const x of r.rows) console.log(`RPCs by method, ${x.contender}: ${formatCalls(x.calls)}`)
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2))
  const work = await mkdtemp(join(tmpdir(), 'tg-profile-bench-'))
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    args: { ...args, scenarios: args.scenarios.join(',') },
    archiverInFlight: ARCHIVER_IN_FLIGHT,
  }
  const latency = { fixedMs: args.latency }
  try {
    const noBandwidth = args.scenarios.every((x) => x === 'gallery' || x === 'realistic')
    if (!noBandwidth) log('measuring loopback bandwidth (256 MiB through one local TCP socket pair)')
    const bandwidth = noBandwidth ? 0 : await measureLoopbackBandwidth()
    report.loopbackBytesPerSecond = bandwidth
    if (!noBandwidth) console.log(`loopback bandwidth: ${formatBytes(bandwidth)}/s; round-trip latency ${args.latency} ms per RPC; archiver in flight: ${ARCHIVER_IN_FLIGHT} (its default concurrency)`)
    const archiveOut = join(work, 'archive')
    const cachePath = join(work, 'session.entities.json')
    let archived = false

    for (const scenario of args.scenarios) {
      if (scenario === 'gallery') {
        console.log(`\n## gallery: buildGallery over a synthetic manifest of ${args.galleryUsers} users (seed ${args.seed}), then again with nothing changed`)
        const g = await benchGallery(join(work, 'gallery'), args.galleryUsers, args.seed)
        await rm(join(work, 'gallery'), { recursive: true, force: true })
        const row = (name: string, b: typeof g.first): string[] => [name, formatMs(b.wallMs), formatBytes(b.maxRssBytes), String(b.files.written), String(b.files.unchanged), formatBytes(b.files.bytes)]
        console.log(formatTable([['build', 'wall', 'peak RSS', 'files written', 'unchanged', 'bytes written'], row('first', g.first), row('again', g.again)]))
        console.log(`manifest: ${g.manifestRecords} records, ${formatBytes(g.manifestBytes)}; ${g.first.users} users, ${g.first.photos} photos; second build writes ${g.again.files.written} files (target 0)`)
        report.gallery = g
      } else if (scenario === 'realistic') {
        rsaKey ??= keyMtcuteCanFind()
        const results = await benchRealistic({ seed: args.seed, latencyMs: args.latency, rsaKey, work, log })
        for (const r of results) printRealistic(r)
        report.realistic = results
      } else if (scenario === 'default') {
        await withEmulator({ seed: args.seed, users: args.users, latency }, async (emu) => {
          const { reachable, skippedWithoutUsername } = benchUsers(emu.world)
          const usernames = reachable.map((u) => u.username)
          const bound = lb(reachable, args.latency, bandwidth)
          console.log(`\n## default: ${args.users} users (seed ${args.seed}); ${reachable.length} given by username, ${skippedWithoutUsername} skipped (no username: a fresh account cannot reach them)`)
          log(`naive: sequential GramJS loop (budget ${args.naiveBudgetMs / 1000} s)`)
          const naive = await runChild(emu, { contender: 'naive', users: usernames, out: join(work, 'naive'), budgetMs: args.naiveBudgetMs, sampleMs: 1000 })
          await rm(join(work, 'naive'), { recursive: true, force: true })
          log(`tg-profile: archiveProfiles with defaults`)
          const tg = await runChild(emu, { contender: 'archive', users: usernames, out: archiveOut, cachePath, sampleMs: 1000 })
          archived = tg.result.error === undefined
          log('mtcute: the archiver an mtcute user writes, 8 users and 8 downloads at once')
          const peerOut = join(work, 'mtcute')
          const peer = await runChild(emu, { contender: 'mtcute', users: usernames, out: peerOut, sampleMs: 1000 })
          log('checking the bytes of tg-profile and mtcute against the world')
          const checks: Record<'tgProfile' | 'mtcute', FileCheck> = {
            tgProfile: await checkFiles(archiveOut, expectedFiles(emu.world, reachable, (u, id, type, video) => relativePath(u.userId, photoFileName(id, type, video)))),
            mtcute: await checkFiles(peerOut, expectedFiles(emu.world, reachable, (u, id, _type, video) => peerFilePath(u.username, id, video))),
          }
          await rm(peerOut, { recursive: true, force: true })
          const naiveSubset = lb(reachable.slice(0, naive.result.usersDone), args.latency, bandwidth)
          // The naive loop is sequential and latency-bound: its time scales with the RPCs the work needs.
          const naiveFullMs = naive.result.truncated
            ? (naive.result.wallMs * bound.rpcs.total) / Math.max(1, naiveSubset.rpcs.total)
            : naive.result.wallMs
          const rows = [
            HEADER,
            contenderRow('naive GramJS', naive, naive.result.truncated ? ` (${naive.result.usersDone} users; ≈${formatMs(naiveFullMs)} for all)` : ''),
            contenderRow('tg-profile', tg),
            contenderRow('mtcute (peer)', peer),
            ['lower bound', formatMs(bound.wallMs), String(bound.rpcs.total), String(bound.files), formatBytes(bound.bytes), '—', '—', String(bound.users)],
          ]
          console.log(formatTable(rows))
          console.log(`RPCs by method: naive ${formatCalls(naive.calls)}`)
          console.log(`                tg-profile ${formatCalls(tg.calls)}`)
          console.log(`                mtcute ${formatCalls(peer.calls)}`)
          console.log(`                lower bound contacts.ResolveUsername=${bound.rpcs.resolve} photos.GetUserPhotos=${bound.rpcs.list} upload.GetFile=${bound.rpcs.getFile}`)
          console.log(`lower bound: ${bound.rpcs.total} RPCs × ${args.latency} ms ÷ ${ARCHIVER_IN_FLIGHT} in flight = ${formatMs(bound.latencyMs)} + ${formatBytes(bound.bytes)} ÷ ${formatBytes(bandwidth)}/s = ${formatMs(bound.transferMs)}`)
          console.log(`naive / tg-profile: ${formatRatio(naiveFullMs, tg.result.wallMs)}${naive.result.truncated ? ` (naive extrapolated from ${naive.result.usersDone} users by minimal RPCs: ${naiveSubset.rpcs.total} of ${bound.rpcs.total})` : ''}`)
          console.log(`tg-profile / lower bound: ${formatRatio(tg.result.wallMs, bound.wallMs)}`)
          console.log(`mtcute / tg-profile: wall ${formatRatio(peer.result.wallMs, tg.result.wallMs)}, RPCs ${formatRatio(peer.rpcs, tg.rpcs)}, CPU ${formatRatio(peer.result.cpuMs, tg.result.cpuMs)}, peak RSS ${formatRatio(peer.result.maxRssBytes, tg.result.maxRssBytes)}`)
          console.log(`files equal to the world's sha256 (largest size + video avatars): tg-profile ${formatCheck(checks.tgProfile)}; mtcute ${formatCheck(checks.mtcute)}`)
          for (const line of peer.result.failures ?? []) console.log(`mtcute failed: ${line}`)
          const minimal = { 'contacts.ResolveUsername': bound.rpcs.resolve, 'photos.GetUserPhotos': bound.rpcs.list, 'upload.GetFile': bound.rpcs.getFile }
          const authorizations = (tg.calls['auth.ExportAuthorization'] ?? 0) + (tg.calls['auth.ImportAuthorization'] ?? 0)
          console.log(`wasted RPCs (made − minimal): tg-profile ${tg.rpcs - bound.rpcs.total} (${formatCalls(diffCounts(minimal, tg.calls)) || 'none'}${authorizations > 0 ? `; the auth.* ones copy this fresh login to the other DCs, once: the keys are kept beside the session and later runs make none` : ''}); naive ${naive.rpcs - naiveSubset.rpcs.total} over its ${naive.result.usersDone} users (its downloadMedia takes the largest of sizes + video sizes: one file per photo, 128 KiB parts)`)
          if (tg.result.error !== undefined) console.log(`tg-profile run failed: ${tg.result.error}`)
          console.log(`wasted RPCs (made − minimal): mtcute ${peer.rpcs - bound.rpcs.total} (${formatCalls(diffCounts(minimal, peer.calls)) || 'none'}; its downloads take 128 KiB parts, the part size it picks for any file under 250 MiB)`)
          if (peer.result.error !== undefined) console.log(`mtcute run failed: ${peer.result.error}`)
          report.default = { users: reachable.length, skippedWithoutUsername, lowerBound: bound, naive, naiveSubsetLowerBound: naiveSubset, naiveExtrapolatedMs: naiveFullMs, tgProfile: tg, mtcute: peer, byteChecks: checks }
        })
      } else if (scenario === 'rerun') {
        await withEmulator({ seed: args.seed, users: args.users, latency }, async (emu) => {
          const { reachable } = benchUsers(emu.world)
          const usernames = reachable.map((u) => u.username)
          console.log(`\n## rerun: the archiver again on an unchanged archive of ${reachable.length} users`)
          if (!archived) {
            log('rerun: first run (not reported)')
            await runChild(emu, { contender: 'archive', users: usernames, out: archiveOut, cachePath, sampleMs: 1000 })
            archived = true
          }
          const again = await runChild(emu, { contender: 'archive', users: usernames, out: archiveOut, cachePath, sampleMs: 1000 })
          const minimalLists = reachable.reduce((n, u) => n + Math.max(1, Math.ceil(u.photoCount / 100)), 0)
          console.log(formatTable([HEADER, contenderRow('tg-profile re-run', again)]))
          console.log(`RPCs by method: ${formatCalls(again.calls)}`)
          const onlyListing = Object.keys(again.calls).every((m) => m === 'photos.GetUserPhotos')
          console.log(`downloads: ${again.result.files} (target 0); getFile answers: ${again.getFileAnswers}; only listing calls: ${onlyListing ? 'yes' : 'no'}; listing calls ${again.calls['photos.GetUserPhotos'] ?? 0} (minimal ${minimalLists})`)
          report.rerun = { rerun: again, minimalListingCalls: minimalLists, onlyListingCalls: onlyListing }
        })
      } else if (scenario === 'flood') {
        const floodRules: Record<string, FloodRule> = {
          'photos.GetUserPhotos': { capacity: 20, refillPerSecond: 5 },
          'upload.GetFile': { capacity: 60, refillPerSecond: 30 },
        }
        await withEmulator({ seed: args.seed, users: args.users, latency, floodRules }, async (emu) => {
          const { reachable } = benchUsers(emu.world)
          console.log(`\n## flood: ${reachable.length} users with flood limits ${JSON.stringify(floodRules)} (stopped after ${args.floodBudgetMs / 1000} s)`)
          const out = join(work, 'flood')
          const m = await runChild(emu, { contender: 'archive', users: reachable.map((u) => u.username), out, cachePath: join(work, 'flood.entities.json'), budgetMs: args.floodBudgetMs, sampleMs: 1000 })
          await rm(out, { recursive: true, force: true })
          console.log(formatTable([HEADER, contenderRow('tg-profile', m)]))
          console.log(`archiver events: ${formatCalls(m.result.events ?? {})}; summary flood waits: ${formatCalls(m.result.summary?.flood_waits ?? {}) || 'none'}`)
          console.log(`flood waits issued: ${formatCalls(m.floodWaitsIssued) || 'none'}; requests during a running flood wait: ${sumCounts(m.requestsDuringFloodWait)} (target 0) ${formatCalls(m.requestsDuringFloodWait)}`)
          report.flood = { floodRules, tgProfile: m }
        })
      } else if (scenario === 'serve') {
        await withEmulator({ seed: args.seed, users: 60, latency }, async (emu) => {
          console.log(`\n## serve: getUserProfilePhotos (limit 10) through tg-profile serve vs the library, ${SERVE_REQUESTS} requests each`)
          const r = await benchServe(emu, { requests: SERVE_REQUESTS, concurrency: [1, 16] })
          const rows = r.rows.map((x) => [x.path, String(x.concurrency), String(x.requests), formatMs(x.wallMs), x.requestsPerSecond.toFixed(1), `${x.p50Ms.toFixed(1)} ms`, `${x.p99Ms.toFixed(1)} ms`])
          console.log(formatTable([['path', 'concurrency', 'requests', 'wall', 'req/s', 'p50', 'p99'], ...rows]))
          console.log(`process RSS (emulator + client + endpoint): ${formatBytes(r.rssBytes.before)} before the runs, ${formatBytes(r.rssBytes.after)} after`)
          report.serve = r
        })
      } else {
        await withEmulator({ seed: args.seed, users: args.memoryUsers, latency }, async (emu) => {
          const { reachable, skippedWithoutUsername } = benchUsers(emu.world)
          const bound = lb(reachable, args.latency, bandwidth)
          console.log(`\n## memory: ${args.memoryUsers} users (${reachable.length} by username, ${skippedWithoutUsername} skipped); the whole run is ${bound.files} files, ${formatBytes(bound.bytes)}, so it is stopped after ${args.memoryBudgetMs / 1000} s`)
          const out = join(work, 'memory')
          const m = await runChild(emu, { contender: 'archive', users: reachable.map((u) => u.username), out, cachePath: join(work, 'memory.entities.json'), budgetMs: args.memoryBudgetMs, sampleMs: 500 })
          await rm(out, { recursive: true, force: true })
          const s = m.result.rssSamples
          const at = (q: number): string => formatBytes(s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))] ?? 0)
          console.log(formatTable([HEADER, contenderRow('tg-profile', m)]))
          console.log(`peak RSS ${formatBytes(m.result.maxRssBytes)} (target ≤ 150 MB); RSS at 0/25/50/75/100% of the run: ${[0, 0.25, 0.5, 0.75, 1].map(at).join(' / ')}`)
          report.memory = { users: reachable.length, tgProfile: m }
        })
      }
    }
    if (args.json !== undefined) await writeFile(args.json, `${JSON.stringify(report, null, 2)}\n`)
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`)
  process.exitCode = 1
})
