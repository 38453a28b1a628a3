/**
 * One contender of the benchmark, run in its own child process (forked with IPC by `scripts/bench.ts`) so that its
 * peak RSS and CPU time are its own and the emulator's are not counted.
 *
 * Protocol: the parent sends `{ type: 'job' }`; the child connects and logs in, answers `{ type: 'ready' }`
 * (the parent snapshots the emulator's counters), waits for `{ type: 'go' }`, runs, answers `{ type: 'result' }`
 * and exits.
 */
// First, like the tg-profile command line (src/cli/main.ts): V8 settings that must precede the loading of the rest.
import '../../src/cli/preload.js'
import { appendFileSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Api } from 'telegram'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import bigInt from 'big-integer'
import { archiveProfiles } from '../../src/archive/archive.js'
import type { ArchiveEvent, ArchiveSummary } from '../../src/archive/types.js'
import { shutdownClient } from '../../src/client/connect.js'
import { MultiDcSession, attachDcKeys } from '../../src/client/dc-keys.js'
import { createEmulatorClient, loginToEmulator, type EmulatorTelegramClient } from '../../src/client/emulator.js'
import { EntityCache, attachEntityCache } from '../../src/client/entity-cache.js'
import type { EmulatorConnection } from '../../src/spec/emulator-connection.js'

/** What a child is asked to do. */
export interface ChildJob {
  readonly type: 'job'
  readonly contender: 'naive' | 'archive'
  readonly connection: EmulatorConnection
  /** Usernames, in order. */
  readonly users: readonly string[]
  /** Folder the files are written to. */
  readonly out: string
  /** Persistent entity cache file (archive only): a re-run resolves nothing again. */
  readonly cachePath?: string
  /** Stop starting new users after this many milliseconds (naive: checked between users; archive: abort signal). */
  readonly budgetMs?: number
  /** RSS sampling period, milliseconds. */
  readonly sampleMs: number
}

/** What a child reports. */
export interface ChildResult {
  readonly type: 'result'
  readonly contender: 'naive' | 'archive'
  /** Users fully processed (all of them unless the budget ran out). */
  readonly usersDone: number
  readonly usersFailed: number
  /** true when the budget stopped the run early. */
  readonly truncated: boolean
  readonly files: number
  readonly bytes: number
  readonly wallMs: number
  /** User + system CPU of the measured run, milliseconds. */
  readonly cpuMs: number
  /** Peak resident set of the child process, bytes (`process.resourceUsage().maxRSS`). */
  readonly maxRssBytes: number
  /** RSS samples taken during the run, bytes, in order. */
  readonly rssSamples: readonly number[]
  /** The largest sampled V8 heap in use and ArrayBuffer (Buffer) memory, bytes: what the RSS is made of. */
  readonly peakHeapUsedBytes?: number
  readonly peakArrayBuffersBytes?: number
  readonly summary?: ArchiveSummary
  /** Archiver progress events by type (archive only). */
  readonly events?: Readonly<Record<string, number>>
  readonly error?: string
}

type FromParent = ChildJob | { readonly type: 'go' }

/** Files saved so far by the archive contender (read by the memory log). */
let filesSaved = 0

function nextMessage(): Promise<FromParent> {
  return new Promise((resolve) => process.once('message', (m) => resolve(m as FromParent)))
}

function send(message: unknown): Promise<void> {
  return new Promise((resolve, reject) => process.send?.(message, undefined, {}, (e) => (e ? reject(e) : resolve())))
}

/** What a user writes with GramJS alone: resolve, list 100 at a time, `downloadMedia` each photo, sequentially. */
async function runNaive(
  client: EmulatorTelegramClient,
  job: ChildJob,
  deadline: number,
): Promise<Pick<ChildResult, 'usersDone' | 'usersFailed' | 'truncated' | 'files' | 'bytes'>> {
  let usersDone = 0
  let usersFailed = 0
  let files = 0
  let bytes = 0
  let truncated = false
  for (const username of job.users) {
    if (performance.now() > deadline) {
      truncated = true
      break
    }
    try {
      const entity = await client.getEntity(username)
      const dir = join(job.out, username)
      await mkdir(dir, { recursive: true })
      for (let offset = 0; ; ) {
        const page = await client.invoke(
          new Api.photos.GetUserPhotos({ userId: entity, offset, maxId: bigInt(0), limit: 100 }),
        )
        for (const photo of page.photos) {
          if (!(photo instanceof Api.Photo)) continue
          const data = await client.downloadMedia(new Api.MessageMediaPhoto({ photo }))
          if (!Buffer.isBuffer(data)) throw new Error(`downloadMedia gave no bytes for photo ${photo.id.toString()}`)
          await writeFile(join(dir, `${photo.id.toString()}.jpg`), data)
          files++
          bytes += data.length
        }
        offset += page.photos.length
        const total = page instanceof Api.photos.PhotosSlice ? page.count : page.photos.length
        if (page.photos.length === 0 || offset >= total) break
      }
      usersDone++
    } catch {
      usersFailed++
    }
  }
  return { usersDone, usersFailed, truncated, files, bytes }
}

async function runArchive(
  client: EmulatorTelegramClient,
  job: ChildJob,
  cache: EntityCache,
): Promise<Pick<ChildResult, 'usersDone' | 'usersFailed' | 'truncated' | 'files' | 'bytes' | 'summary' | 'events'>> {
  const controller = new AbortController()
  const timer = job.budgetMs !== undefined ? setTimeout(() => controller.abort(), job.budgetMs) : undefined
  const events: Record<string, number> = {}
  const trace = process.env.BENCH_TRACE !== undefined && process.env.BENCH_TRACE !== ''
  const onEvent = (event: ArchiveEvent): void => {
    events[event.type] = (events[event.type] ?? 0) + 1
    if (event.type === 'file-saved') filesSaved++
    if (trace && event.type !== 'file-saved' && event.type !== 'user-start') {
      process.stderr.write(`[bench child] ${JSON.stringify(event)}\n`)
    }
  }
  try {
    const summary = await archiveProfiles(client, job.users, { out: job.out, cache, signal: controller.signal, onEvent })
    return {
      usersDone: summary.users.done,
      usersFailed: summary.users.failed,
      truncated: controller.signal.aborted,
      files: summary.files.downloaded,
      bytes: summary.files.bytes,
      summary,
      events,
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer)
  }
}

async function main(): Promise<void> {
  const job = await nextMessage()
  if (job.type !== 'job') throw new Error('bench child: expected a job first')
  await mkdir(job.out, { recursive: true })
  // The archiver runs as the command line does: a session that can hold the other DCs' keys (in memory here),
  // watched by attachDcKeys; the naive loop with GramJS's own session.
  const archive = job.contender === 'archive'
  const client = createEmulatorClient(job.connection, {
    baseLogger: new Logger(LogLevel.NONE),
    connectionRetries: 3,
    ...(archive ? { session: new MultiDcSession('') } : {}),
  })
  if (archive) attachDcKeys(client)
  const cache = job.cachePath !== undefined ? await EntityCache.open(job.cachePath) : EntityCache.memory()
  attachEntityCache(client, cache)
  await loginToEmulator(client, job.connection)
  const go = nextMessage()
  await send({ type: 'ready' })
  await go
  const samples: number[] = []
  let peakHeapUsedBytes = 0
  let peakArrayBuffersBytes = 0
  // BENCH_MEMORY_LOG=FILE appends one line per sample: seconds, files saved, rss, heapUsed, heapTotal, external,
  // arrayBuffers, and on Linux the kernel's peak RSS so far (VmHWM) (bytes, tab-separated), to see what grows with
  // the files archived and when the peak was reached.
  const memoryLog = process.env.BENCH_MEMORY_LOG
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const sampler = setInterval(() => {
    const m = process.memoryUsage()
    samples.push(m.rss)
    if (memoryLog !== undefined && memoryLog !== '') {
      const seconds = ((performance.now() - t0) / 1000).toFixed(1)
      appendFileSync(memoryLog, `${seconds}\t${filesSaved}\t${m.rss}\t${m.heapUsed}\t${m.heapTotal}\t${m.external}\t${m.arrayBuffers}\t${kernelPeakRss()}\n`)
    }
    peakHeapUsedBytes = Math.max(peakHeapUsedBytes, m.heapUsed)
    peakArrayBuffersBytes = Math.max(peakArrayBuffersBytes, m.arrayBuffers)
  }, job.sampleMs)
  let outcome: Omit<ChildResult, 'type' | 'contender' | 'wallMs' | 'cpuMs' | 'maxRssBytes' | 'rssSamples'>
  try {
    outcome =
      job.contender === 'naive'
        ? await runNaive(client, job, t0 + (job.budgetMs ?? Number.POSITIVE_INFINITY))
        : await runArchive(client, job, cache)
  } catch (e) {
    outcome = { usersDone: 0, usersFailed: 0, truncated: false, files: 0, bytes: 0, error: String(e) }
  }
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  clearInterval(sampler)
  samples.push(process.memoryUsage.rss())
  const result: ChildResult = {
    type: 'result',
    contender: job.contender,
    ...outcome,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    rssSamples: samples,
    peakHeapUsedBytes,
    peakArrayBuffersBytes,
  }
  await send(result)
  await cache.close()
  await shutdownClient(client)
  process.exit(0)
}

/** The kernel's peak RSS of this process so far (VmHWM, bytes), or 0 where /proc is not there. */
function kernelPeakRss(): number {
  try {
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'latin1'))?.[1]
    return kib === undefined ? 0 : Number(kib) * 1024
  } catch {
    return 0
  }
}

main().catch((e: unknown) => {
  console.error(`bench child: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
  process.exit(1)
})
