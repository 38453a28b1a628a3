/**
 * The serve scenario: `getUserProfilePhotos` through `tg-profile serve` (HTTP, keep-alive, one connection per
 * concurrent caller) against the library called directly, on the same logged-in client, at the emulator's latency.
 * Both run in this process beside the emulator, so both pay for its CPU alike; the difference is the endpoint.
 */
import { Agent, request } from 'node:http'
import { Logger, LogLevel } from 'telegram/extensions/Logger.js'
import { shutdownClient } from '../../src/client/connect.js'
import { createEmulatorClient, loginToEmulator } from '../../src/client/emulator.js'
import { EntityCache, attachEntityCache } from '../../src/client/entity-cache.js'
import type { RunningEmulator } from '../../src/emulator/index.js'
import { getUserProfilePhotos, resolveUser } from '../../src/methods/index.js'
import { startServer } from '../../src/serve/index.js'
import { createServeToken } from '../../src/serve/token.js'
import { benchUsers } from './world-users.js'

/** One way of calling, at one concurrency. */
export interface ServeBenchRow {
  readonly path: 'library' | 'serve'
  readonly concurrency: number
  readonly requests: number
  readonly wallMs: number
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
}

export interface ServeBenchResult {
  readonly rows: readonly ServeBenchRow[]
  /** Process RSS (emulator, client and endpoint together) before and at the end of the HTTP runs. */
  readonly rssBytes: { readonly before: number; readonly after: number }
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}

/** Runs `requests` calls of `one` with `concurrency` callers and measures each call's latency. */
async function drive(path: ServeBenchRow['path'], concurrency: number, requests: number, one: (i: number) => Promise<void>): Promise<ServeBenchRow> {
  const latencies: number[] = []
  let next = 0
  const t0 = performance.now()
  const caller = async (): Promise<void> => {
    for (let i = next++; i < requests; i = next++) {
      const start = performance.now()
      await one(i)
      latencies.push(performance.now() - start)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, caller))
  const wallMs = performance.now() - t0
  latencies.sort((a, b) => a - b)
  return { path, concurrency, requests, wallMs, requestsPerSecond: (requests * 1000) / wallMs, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) }
}

function httpGet(agent: Agent, url: URL): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: url.hostname, port: url.port, path: `${url.pathname}${url.search}` }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        if (res.statusCode === 200 && body.startsWith('{"ok":true')) resolve()
        else reject(new Error(`serve answered ${res.statusCode}: ${body.slice(0, 200)}`))
      })
    })
    req.on('error', reject)
    req.end()
  })
}

/** The scenario on `emu`: each concurrency in turn, the library first, then serve. */
export async function benchServe(emu: RunningEmulator, options: { requests: number; concurrency: readonly number[] }): Promise<ServeBenchResult> {
  const client = createEmulatorClient(emu.connection, { baseLogger: new Logger(LogLevel.NONE), connectionRetries: 3 })
  attachEntityCache(client, EntityCache.memory())
  await loginToEmulator(client, emu.connection)
  try {
    const users = benchUsers(emu.world).reachable.slice(0, 20)
    const ids: string[] = []
    for (const u of users) ids.push(String((await resolveUser(client, `@${u.username}`)).userId))
    const me = await client.getMe()
    const token = createServeToken(me.id.toString())
    const server = await startServer({ client, token, port: 0, maxInFlight: Math.max(...options.concurrency) })
    const rows: ServeBenchRow[] = []
    const before = process.memoryUsage().rss
    try {
      for (const c of options.concurrency) {
        rows.push(await drive('library', c, options.requests, async (i) => void (await getUserProfilePhotos(client, { user_id: ids[i % ids.length]!, limit: 10 }))))
        const agent = new Agent({ keepAlive: true, maxSockets: c })
        try {
          rows.push(await drive('serve', c, options.requests, (i) => httpGet(agent, new URL(`${server.url}/bot${token}/getUserProfilePhotos?user_id=${ids[i % ids.length]!}&limit=10`))))
        } finally {
          agent.destroy()
        }
      }
    } finally {
      await server.close()
    }
    return { rows, rssBytes: { before, after: process.memoryUsage().rss } }
  } finally {
    await shutdownClient(client)
  }
}
