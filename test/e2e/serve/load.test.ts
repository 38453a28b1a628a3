/**
 * Many clients at once: 1 000 requests over 50 keep-alive connections all get the answer they asked for, each one
 * call to Telegram, while the endpoint works on no more requests at once than its bound (what bounds its memory:
 * the rest wait as parsed requests in a queue of bounded length).
 */
import { Agent, request } from 'node:http'
import type { TelegramClient } from 'telegram'
import { resolveUser } from '../../../src/methods/index.js'
import { startServeHarness } from './helpers.js'
import type { ServeHarness } from './helpers.js'

const REQUESTS = 1000
const CONNECTIONS = 50
const MAX_IN_FLIGHT = 16

let s: ServeHarness
let peakInvokes = 0

/** Counts the calls the client is working on at once (the endpoint's only way to Telegram). */
function countConcurrentInvokes(client: TelegramClient): void {
  const invoke = client.invoke.bind(client)
  let running = 0
  client.invoke = (async (...args: Parameters<typeof invoke>) => {
    running++
    peakInvokes = Math.max(peakInvokes, running)
    try {
      return await invoke(...args)
    } finally {
      running--
    }
  }) as typeof client.invoke
}

beforeAll(async () => {
  // A file_id carries the second its reference was issued: on a frozen clock equal requests give equal bytes.
  const frozen = Date.now()
  s = await startServeHarness({ clock: { now: () => frozen } }, { maxInFlight: MAX_IN_FLIGHT, queueTimeoutMs: 120_000 })
  for (const u of users()) await resolveUser(s.h.client, `@${u.usernames[0]}`)
  countConcurrentInvokes(s.h.client)
})

afterAll(async () => {
  await s?.close()
})

function users(): ServeHarness['user'][] {
  return s.h.truth.users.filter((u) => u.account !== true && !u.deactivated && u.usernames.length > 0 && u.photos.length > 0).slice(0, 10)
}

/** The paths of the load: pages of ten users' photos and audios, each asked for many times. */
function paths(): string[] {
  const kinds = users().flatMap((u) => [0, 1, 2].flatMap((offset) => [
    `/getUserProfilePhotos?user_id=${u.id}&offset=${offset}&limit=2`,
    `/getUserProfileAudios?user_id=${u.id}&offset=${offset}&limit=1`,
  ]))
  return Array.from({ length: REQUESTS }, (_, i) => `/bot${s.token}${kinds[i % kinds.length]}`)
}

function get(agent: Agent, path: string): Promise<{ status: number; body: string; socket: object }> {
  const { hostname, port } = new URL(s.server.url)
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: hostname, port, path }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), socket: req.socket as object }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

function rpcCalls(): number {
  const calls = s.h.emu.stats().callsPerMethod
  return (calls['photos.GetUserPhotos'] ?? 0) + (calls['users.GetSavedMusic'] ?? 0)
}

describe('tg-profile serve under load', () => {
  it(`answers ${REQUESTS} requests from ${CONNECTIONS} connections, each as it would alone`, async () => {
    const all = paths()
    const distinct = [...new Set(all)]
    const alone = new Map<string, string>()
    for (const path of distinct) alone.set(path, await (await fetch(`${s.server.url}${path}`)).text())
    expect([...alone.values()].every((body) => body.startsWith('{"ok":true,'))).toBe(true)

    const before = rpcCalls()
    peakInvokes = 0
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS })
    try {
      const answers = await Promise.all(all.map((path) => get(agent, path)))
      const wrong = answers.filter((a, i) => a.status !== 200 || a.body !== alone.get(all[i]!))
      expect(wrong.length).toBe(0)
      expect(new Set(answers.map((a) => a.socket)).size).toBe(CONNECTIONS)
    } finally {
      agent.destroy()
    }
    expect(rpcCalls() - before).toBe(REQUESTS)
    expect(peakInvokes).toBeLessThanOrEqual(MAX_IN_FLIGHT)
    expect(peakInvokes).toBeGreaterThan(1)
  })
})
