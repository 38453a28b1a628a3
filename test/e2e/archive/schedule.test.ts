import { jest } from '@jest/globals'
import type { Api } from 'telegram'
import { EntityCache } from '../../../src/client/entity-cache.js'
import type { ProfileClient } from '../../../src/client/invoke.js'
import { archiveProfiles } from '../../../src/archive/archive.js'
import { Manifest } from '../../../src/archive/manifest.js'
import type { ManifestRecord } from '../../../src/archive/types.js'
import type { WorldFile } from '../../../src/emulator/index.js'
import { checkArchive, expectedFiles, smallUsers, startHarness, type Harness } from './helpers.js'

const MIB = 1024 * 1024

/** `upload.getFile` calls a complete archive of `users` takes (largest photo and video sizes, 1 MiB parts). */
function expectedParts(truth: WorldFile, users: readonly string[]): number {
  const names = new Set(users.map((u) => u.slice(1).toLowerCase()))
  let parts = 0
  for (const u of truth.users) {
    if (!u.usernames.some((n) => names.has(n.toLowerCase()))) continue
    for (const p of u.photos) {
      const files = [p.sizes.filter((s) => s.stripped !== true).at(-1), p.videoSizes.at(-1)]
      for (const f of files) if (f !== undefined) parts += Math.max(1, Math.ceil(f.bytes / MIB))
    }
  }
  return parts
}

/**
 * A client whose `upload.getFile` answers are held until the test lets them through one by one, counting the
 * requests sent and in flight (every other request passes straight through).
 */
function lockstepClient(inner: ProfileClient): { client: ProfileClient; held: (() => void)[]; counts: { sent: number; inFlight: number } } {
  const held: (() => void)[] = []
  const counts = { sent: 0, inFlight: 0 }
  const client: ProfileClient = {
    get session() {
      return inner.session
    },
    getSender: (dcId) => inner.getSender!(dcId),
    invoke: async (request: Api.AnyRequest, dcId?: number) => {
      if (request.className !== 'upload.GetFile') return inner.invoke(request, dcId)
      counts.sent++
      counts.inFlight++
      const answer = await inner.invoke(request, dcId)
      await new Promise<void>((resolve) => held.push(resolve))
      counts.inFlight--
      return answer
    },
  }
  return { client, held, counts }
}

/** Resolves once `ready()` holds or `done` settled; the pause between looks only keeps the loop from spinning. */
async function until(ready: () => boolean, done: { settled: boolean }): Promise<void> {
  // A guard against a hang, not a measure: far longer than any look needs.
  for (let looks = 0; !ready() && !done.settled && looks < 20_000; looks++) await new Promise((r) => setTimeout(r, 1))
}

describe('archiveProfiles scheduling', () => {
  let h: Harness
  afterEach(async () => {
    await h?.close()
  })

  it('keeps `concurrency` downloads in flight until no part is left to ask for, with a large user listed last', async () => {
    h = await startHarness({ users: 40, seed: 7 })
    const large = h.truth.users
      .filter((u) => u.account !== true && !u.deactivated && u.usernames.length > 0 && u.photos.length >= 30)
      .sort((a, b) => a.photos.length - b.photos.length)[0]
    expect(large).toBeDefined()
    const users = [...smallUsers(h.truth, 6, 5), `@${large!.usernames[0]}`]
    const total = expectedParts(h.truth, users)
    expect(total).toBeGreaterThanOrEqual(30)

    const concurrency = 4
    const { client, held, counts } = lockstepClient(h.client)
    const done = { settled: false }
    const run = archiveProfiles(client, users, { out: h.out, cache: EntityCache.memory(), concurrency, leanMemory: false })
    void run.finally(() => (done.settled = true))
    // In flight each time an answer is let through, while parts were still to be asked for.
    const inFlight: number[] = []
    for (;;) {
      // The pool is full again (or every part asked for), and every answer in flight has arrived.
      await until(() => (counts.inFlight === concurrency || counts.sent === total) && held.length === counts.inFlight, done)
      if (done.settled || held.length === 0) break
      if (counts.sent < total) inFlight.push(counts.inFlight)
      held.shift()!()
    }
    const summary = await run

    expect(summary.complete).toBe(true)
    expect(counts).toEqual({ sent: total, inFlight: 0 })
    expect(summary.files.downloaded).toBe(expectedFiles(h.truth, users).size)
    expect(await checkArchive(h.out, h.truth)).toHaveLength(summary.files.downloaded)
    // Every part but the last `concurrency` was asked for while `concurrency` others were in flight.
    expect(inFlight).toHaveLength(total - concurrency)
    expect(inFlight.every((n) => n === concurrency)).toBe(true)
  })

  it('goes on downloading while the files already downloaded wait to be committed', async () => {
    h = await startHarness({ users: 40, seed: 7 })
    const large = h.truth.users.find((u) => u.account !== true && !u.deactivated && u.usernames.length > 0 && u.photos.length >= 30)
    expect(large).toBeDefined()
    const users = [`@${large!.usernames[0]}`]
    const concurrency = 2
    // Every file record is held before it reaches the manifest: each downloaded file stays in its commit.
    const held: (() => void)[] = []
    const append = Manifest.prototype.append
    const spy = jest.spyOn(Manifest.prototype, 'append').mockImplementation(function (this: Manifest, record: ManifestRecord) {
      if (record.type !== 'file') return append.call(this, record)
      return new Promise<void>((resolve) => held.push(resolve)).then(() => append.call(this, record))
    })
    try {
      const done = { settled: false }
      const run = archiveProfiles(h.client, users, { out: h.out, cache: EntityCache.memory(), concurrency, leanMemory: false })
      void run.finally(() => (done.settled = true))
      // Four times `concurrency` files committing at once, and downloads did not wait for them.
      await until(() => held.length >= 4 * concurrency, done)
      expect(held).toHaveLength(4 * concurrency)
      while (!done.settled) {
        held.splice(0).forEach((release) => release())
        await until(() => held.length > 0, done)
      }
      const summary = await run
      expect(summary.complete).toBe(true)
      expect(summary.files.downloaded).toBe(expectedFiles(h.truth, users).size)
    } finally {
      spy.mockRestore()
    }
  })
})
