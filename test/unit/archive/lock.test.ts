import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { acquireArchiveLock, ArchiveLockedError } from '../../../src/archive/lock.js'
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
    expect(JSON.parse(await readFile(join(out, LOCK_FILE), 'utf8'))).toEqual({ pid: process.pid, host: hostname() })
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
    const lock = await acquireArchiveLock(out)
    await lock.release()
    expect(await readdir(out)).toEqual([])
  })

  it('creates the archive folder', async () => {
    const nested = join(out, 'a', 'b')
    const lock = await acquireArchiveLock(nested)
    expect(await readdir(nested)).toEqual([LOCK_FILE])
    await lock.release()
  })
})
