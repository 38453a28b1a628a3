/**
 * The child side of the benchmark's protocol, shared by every contender's process (`child.ts` for the GramJS ones,
 * `mtcute-child.ts` for the peer): it loads nothing of tg-profile, so a contender's process holds only what the
 * contender itself loads.
 *
 * Protocol: the parent sends `{ type: 'job' }`; the child connects and logs in, answers `{ type: 'ready' }`
 * (the parent snapshots the emulator's counters), waits for `{ type: 'go' }`, runs, answers `{ type: 'result' }`
 * and exits.
 */
import { appendFileSync, readFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import type { ArchiveSummary } from '../../src/archive/types.js'
import type { EmulatorConnection } from '../../src/spec/emulator-connection.js'

/** Who runs: the naive GramJS loop, tg-profile's archiver, or the archiver an mtcute user writes. */
export type Contender = 'naive' | 'archive' | 'mtcute'

/** What a child is asked to do. */
export interface ChildJob {
  readonly type: 'job'
  readonly contender: Contender
  readonly connection: EmulatorConnection
  /** Usernames, in order. */
  readonly users: readonly string[]
  /** Folder the files are written to. */
  readonly out: string
  /** Persistent entity cache file (archive only): a re-run resolves nothing again. */
  readonly cachePath?: string
  /** Stop starting new users after this many milliseconds (naive, mtcute: checked between users; archive: abort signal). */
  readonly budgetMs?: number
  /** RSS sampling period, milliseconds. */
  readonly sampleMs: number
}

/** What a child reports. */
export interface ChildResult {
  readonly type: 'result'
  readonly contender: Contender
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
  /** Why users failed, one line each, at most a few (mtcute only). */
  readonly failures?: readonly string[]
  readonly error?: string
}

/** What a contender's run reports; the harness adds the measurements. */
export type Outcome = Omit<ChildResult, 'type' | 'contender' | 'wallMs' | 'cpuMs' | 'maxRssBytes' | 'rssSamples'>

/** A contender once connected and logged in: its run, given the deadline (`performance.now()` ms), and its close. */
export interface Contestant {
  run(deadline: number): Promise<Outcome>
  close(): Promise<void>
  /** Files saved so far (for the memory log). */
  filesSaved(): number
}

type FromParent = ChildJob | { readonly type: 'go' }

function nextMessage(): Promise<FromParent> {
  return new Promise((resolve) => process.once('message', (m) => resolve(m as FromParent)))
}

function send(message: unknown): Promise<void> {
  return new Promise((resolve, reject) => process.send?.(message, undefined, {}, (e) => (e ? reject(e) : resolve())))
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

/**
 * Serves one job: receives it, lets `prepare` connect and log in (not measured), then measures the contender's run
 * (wall, CPU, RSS samples, peak RSS), reports, closes and exits.
 */
export async function serveJob(prepare: (job: ChildJob) => Promise<Contestant>): Promise<void> {
  const job = await nextMessage()
  if (job.type !== 'job') throw new Error('bench child: expected a job first')
  await mkdir(job.out, { recursive: true })
  const contestant = await prepare(job)
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
      appendFileSync(memoryLog, `${seconds}\t${contestant.filesSaved()}\t${m.rss}\t${m.heapUsed}\t${m.heapTotal}\t${m.external}\t${m.arrayBuffers}\t${kernelPeakRss()}\n`)
    }
    peakHeapUsedBytes = Math.max(peakHeapUsedBytes, m.heapUsed)
    peakArrayBuffersBytes = Math.max(peakArrayBuffersBytes, m.arrayBuffers)
  }, job.sampleMs)
  let outcome: Outcome
  try {
    outcome = await contestant.run(t0 + (job.budgetMs ?? Number.POSITIVE_INFINITY))
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
  await contestant.close()
  process.exit(0)
}
