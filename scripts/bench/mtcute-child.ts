/**
 * The peer contender (`mtcute-peer.ts`) in its own child process, measured by `harness.ts` the way the GramJS
 * contenders are.
 */
import { serveJob } from './harness.js'
import { peerFilesSaved, runPeer, startPeer } from './mtcute-peer.js'

serveJob(async (job) => {
  if (job.contender !== 'mtcute') throw new Error(`mtcute child: asked to run ${job.contender}`)
  const tg = await startPeer(job.connection)
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
  return { run: (deadline) => runPeer(tg, job.users, { out: job.out, deadline, sleep }), close: () => tg.destroy(), filesSaved: peerFilesSaved }
}).catch((e: unknown) => {
  console.error(`mtcute child: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
  process.exit(1)
})
