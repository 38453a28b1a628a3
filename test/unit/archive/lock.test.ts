import { spawnSync } from 'node:child_process'
import { readFileSync, watch } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { acquireArchiveLock } from '../../../src/archive/lock.js'
import { ArchiveLockedError } from '../../../src/errors/index.js'
import { LOCK_FILE } from '../../../src/archive/layout.js'

describe('acquireArchiveLock', () => {
  let out: string
  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'tgp-lock-'))
  })
  afterEach(async () => {
    await rm(out, { recursive: true, force: true })
  })

  it('writes the owner pid and removes the lock on release', async () => {
    const lock = await acquireArchiveLock(out)
    expect(JSON.parse(await readFile(join(out, LOCK_FILE), 'utf8'))).toEqual({ pid: process.pid, host: hostname(), token: expect.stringMatching(/^[0-9a-f]{24}$/) })
    await lock.release()
    await lock.release()
    expect(await readdir(out)).toEqual([])
  })

  it('refuses a second lock while a live process holds it', async () => {
    const lock = await acquireArchiveLock(out)
    await expect(acquireArchiveLock(out)).rejects.toThrow(ArchiveLockedError)
    await expect(acquireArchiveLock(out)).rejects.toThrow(`another archive run (pid ${process.pid}) is using this folder`)
    await lock.release()
    await (await acquireArchiveLock(out)).release()
  })

  it('takes over the lock of a process that no longer runs (a run killed with -9)', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid
    await writeFile(join(out, LOCK_FILE), JSON.stringify({ pid: dead, host: hostname() }))
    const lock = await acquireArchiveLock(out)
    expect(JSON.parse(await readFile(join(out, LOCK_FILE), 'utf8')).pid).toBe(process.pid)
    await lock.release()
  })

  it('takes over a torn lock file', async () => {
    await writeFile(join(out, LOCK_FILE), '{"pid":12')
    const old = new Date(Date.now() - 60_000)
    await utimes(join(out, LOCK_FILE), old, old)
    const lock = await acquireArchiveLock(out)
    await lock.release()
    expect(await readdir(out)).toEqual([])
  })

  it('waits for a young unreadable lock (one still being written) instead of taking it over', async () => {
    // On a file system without hard links a lock is created and then written: another run can see it empty.
    await writeFile(join(out, LOCK_FILE), '')
    setTimeout(() => void writeFile(join(out, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname() })), 300)
    await expect(acquireArchiveLock(out)).rejects.toThrow(`another archive run (pid ${process.ppid}) is using this folder`)
  })

  it('releases only its own lock, never one that replaced it', async () => {
    const lock = await acquireArchiveLock(out)
    const other = `${JSON.stringify({ pid: process.ppid, host: hostname(), token: 'f'.repeat(24) })}\n`
    await writeFile(join(out, LOCK_FILE), other)
    await lock.release()
    expect(await readFile(join(out, LOCK_FILE), 'utf8')).toBe(other)
  })

  it('is never seen without its content (a concurrent run would take an empty lock for a torn, stale one)', async () => {
    const contents: string[] = []
    const watcher = watch(out, (_event, name) => {
      if (name !== LOCK_FILE) return
      try {
        contents.push(readFileSync(join(out, LOCK_FILE), 'utf8'))
      } catch {
        // Already released.
      }
    })
    try {
      for (let i = 0; i < 100; i++) await (await acquireArchiveLock(out)).release()
      await new Promise((resolve) => setTimeout(resolve, 100))
    } finally {
      watcher.close()
    }
    expect(contents.length).toBeGreaterThan(0)
    const unreadable = contents.filter((c) => {
      try {
        return (JSON.parse(c) as { pid?: unknown }).pid !== process.pid
      } catch {
        return true
      }
    })
    expect(unreadable).toEqual([])
  })

  it('removes the lock drafts of runs killed before they linked them, and keeps live ones', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid
    const deadDraft = `${LOCK_FILE}.${dead}.0123456789ab`
    const liveDraft = `${LOCK_FILE}.${process.ppid}.0123456789ab`
    const youngDraft = `${LOCK_FILE}.${dead}.ba9876543210` // a run on another host may be using it right now
    for (const name of [deadDraft, liveDraft, youngDraft]) await writeFile(join(out, name), '{}')
    const old = new Date(Date.now() - 60_000)
    for (const name of [deadDraft, liveDraft]) await utimes(join(out, name), old, old)
    const lock = await acquireArchiveLock(out)
    expect((await readdir(out)).sort()).toEqual([LOCK_FILE, liveDraft, youngDraft].sort())
    await lock.release()
  })

  it('creates the archive folder', async () => {
    const nested = join(out, 'a', 'b')
    const lock = await acquireArchiveLock(nested)
    expect(await readdir(nested)).toEqual([LOCK_FILE])
    await lock.release()
  })
})

describe('acquireArchiveLock under contention', () => {
  it('gives the lock to exactly one of many simultaneous callers, every round', async () => {
    const out = await mkdtemp(join(tmpdir(), 'tgp-lock-race-'))
    try {
      for (let round = 0; round < 30; round++) {
        const results = await Promise.allSettled(Array.from({ length: 6 }, () => acquireArchiveLock(out)))
        const held = results.filter((r) => r.status === 'fulfilled')
        expect(held).toHaveLength(1)
        for (const r of results) {
          if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ArchiveLockedError)
        }
        await (held[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireArchiveLock>>>).value.release()
        expect(await readdir(out)).toEqual([])
      }
    } finally {
      await rm(out, { recursive: true, force: true })
    }
  })
})
