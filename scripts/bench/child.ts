/**
 * The GramJS contenders of the benchmark (the naive loop and tg-profile's archiver), each run in its own child
 * process (forked with IPC by `scripts/bench.ts`) so that its peak RSS and CPU time are its own and the emulator's
 * are not counted. The protocol and the measurements are `harness.ts`'s.
 */
// First, like the tg-profile command line (src/cli/main.ts): V8 settings that must precede the loading of the rest.
import '../../src/cli/preload.js'
import { archiveProfiles } from '../../src/archive/archive.js'
import type { ArchiveEvent } from '../../src/archive/types.js'
import { shutdownClient } from '../../src/client/connect.js'
import type { EmulatorTelegramClient } from '../../src/client/emulator.js'
import { EntityCache } from '../../src/client/entity-cache.js'
import { gramjsContender } from './gramjs-client.js'
import { serveJob, type ChildJob, type ChildResult } from './harness.js'
import { runNaive } from './naive.js'

/** Files saved so far by the archive contender (read by the memory log). */
let filesSaved = 0

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

serveJob(async (job) => {
  const archive = job.contender === 'archive'
  if (!archive && job.contender !== 'naive') throw new Error(`bench child: ${job.contender} is not a GramJS contender`)
  const cache = job.cachePath !== undefined ? await EntityCache.open(job.cachePath) : EntityCache.memory()
  const client = await gramjsContender(job.connection, archive, cache)
  return {
    run: (deadline) => (archive ? runArchive(client, job, cache) : runNaive(client, job.users, { out: job.out, deadline, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) })),
    close: async () => {
      await cache.close()
      await shutdownClient(client)
    },
    filesSaved: () => filesSaved,
  }
}).catch((e: unknown) => {
  console.error(`bench child: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
  process.exit(1)
})
