/**
 * `tg-profile start` (`npm start`) as a real child process in an empty working directory with a clean environment:
 * it starts its own embedded emulator, archives the demo users, and a second run downloads nothing. The truth comes
 * from the same seeded world recomputed in-process (`createWorld`), without any TCP.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js'
import { createWorld } from '../../../src/emulator/world.js'
import type { WorldFile } from '../../../src/emulator/world-file.js'
import { runMain } from './spawn.js'

// The demo world `start` promises: seed 1, 30 ordinary users (README "Install").
const SEED = 1
const USERS = 30

interface Expected {
  bytes: number
  sha256: string
}

/** Every file the demo must archive: the largest size of each photo and video avatar of each active demo user. */
function expectedFiles(world: WorldFile, only?: ReadonlySet<string>): Map<string, Expected> {
  const files = new Map<string, Expected>()
  for (const user of world.users) {
    if (user.account === true || user.deactivated || user.usernames.length === 0) continue
    if (only !== undefined && !user.usernames.some((u) => only.has(u))) continue
    for (const photo of user.photos) {
      const sizes = photo.sizes.filter((s) => s.stripped !== true)
      const largest = sizes.reduce((a, b) => (b.w * b.h > a.w * a.h ? b : a))
      files.set(`${user.id}/${photo.id}_${largest.type}.jpg`, { bytes: largest.bytes, sha256: largest.sha256 })
      if (photo.videoSizes.length > 0) {
        const video = photo.videoSizes.reduce((a, b) => (b.w * b.h > a.w * a.h ? b : a))
        files.set(`${user.id}/${photo.id}_${video.type}.mp4`, { bytes: video.bytes, sha256: video.sha256 })
      }
    }
  }
  return files
}

interface Summary {
  ok: true
  result: {
    complete: boolean
    users: { done: number; failed: number }
    files: { downloaded: number; unchanged: number; adopted: number; bytes: number }
    rpc: Record<string, number>
    manifest: string
    gallery: string
  }
}

describe('tg-profile start without credentials', () => {
  let dir: string
  let expected: Map<string, Expected>
  let demoUsers: number

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgp-start-'))
    const world = createWorld({ seed: SEED, users: USERS }).toFile()
    expected = expectedFiles(world)
    demoUsers = world.users.filter((u) => u.account !== true && !u.deactivated && u.usernames.length > 0).length
  })

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('says it starts an embedded emulator, archives every demo user byte for byte, and exits 0', async () => {
    const r = await runMain(['start'], { cwd: dir })
    expect(r.stderr).toBe(
      'No Telegram credentials (TG_API_ID/TG_API_HASH): starting an embedded emulator (seed 1, 30 users) on 127.0.0.1.\n',
    )
    expect(r.code).toBe(0)
    const summary = JSON.parse(r.stdout) as Summary
    const out = join(dir, 'tg-profile-demo')
    expect(summary.result.manifest).toBe(join(out, 'manifest.ndjson'))
    expect(summary.result.complete).toBe(true)
    expect(summary.result.users).toEqual({ done: demoUsers, failed: 0, skipped_duplicates: 0, done_before: 0, waiting: 0 })
    expect(summary.result.files.downloaded).toBe(expected.size)

    const manifest = (await readFile(join(out, 'manifest.ndjson'), 'utf8'))
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { type: string; path: string; bytes: number; sha256: string })
    const records = manifest.filter((m) => m.type === 'file')
    // One user record per demo user names every user, those without any photo too; the gallery is built.
    expect(manifest.filter((m) => m.type === 'user')).toHaveLength(demoUsers)
    expect(summary.result.gallery).toBe(join(out, 'index.html'))
    expect((await readFile(summary.result.gallery, 'utf8')).match(/class="tile"/g)).toHaveLength(demoUsers)
    expect(records.map((m) => m.path).sort()).toEqual([...expected.keys()].sort())
    for (const record of records) {
      const want = expected.get(record.path)!
      expect({ path: record.path, bytes: record.bytes, sha256: record.sha256 }).toEqual({ path: record.path, ...want })
      const onDisk = createHash('sha256').update(await readFile(join(out, record.path))).digest('hex')
      expect({ path: record.path, sha256: onDisk }).toEqual({ path: record.path, sha256: want.sha256 })
    }
  })

  it('downloads nothing on a second run and leaves every file untouched', async () => {
    const out = join(dir, 'tg-profile-demo')
    const before = new Map<string, number>()
    for (const path of expected.keys()) before.set(path, (await stat(join(out, path))).mtimeMs)
    const manifestBefore = await readFile(join(out, 'manifest.ndjson'), 'utf8')

    const r = await runMain(['start'], { cwd: dir })
    expect(r.code).toBe(0)
    const summary = JSON.parse(r.stdout) as Summary
    expect(summary.result.files).toMatchObject({ downloaded: 0, adopted: 0, bytes: 0, unchanged: expected.size })
    expect(summary.result.rpc['upload.GetFile']).toBeUndefined()
    // The usernames were resolved once and kept beside the archive: only the listings are sent again.
    expect(summary.result.rpc['contacts.ResolveUsername']).toBeUndefined()
    for (const [path, mtime] of before) expect({ path, mtime: (await stat(join(out, path))).mtimeMs }).toEqual({ path, mtime })
    expect(await readFile(join(out, 'manifest.ndjson'), 'utf8')).toBe(manifestBefore)
  })

  it('asks for users (exit 2, one line plus the usage hint) when credentials are configured but none are given', async () => {
    const r = await runMain(['start'], {
      cwd: dir,
      env: { TG_API_ID: '12345', TG_API_HASH: '0123456789abcdef0123456789abcdef' },
    })
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      'tg-profile: start needs users to archive when running against Telegram: tg-profile start @user1 @user2 ...\n' +
        'Run "tg-profile start --help" for usage.\n',
    )
  })
})

describe('tg-profile start with Telegram credentials', () => {
  it('answers 401 Unauthorized (exit 1) before any network call when there is no session', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tgp-start-tg-'))
    try {
      const r = await runMain(['start', '@durov'], {
        cwd: dir,
        env: { TG_API_ID: '12345', TG_API_HASH: '0123456789abcdef0123456789abcdef' },
      })
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
        code: 1,
        stdout: '{"ok":false,"error_code":401,"description":"Unauthorized"}\n',
        stderr: 'Error 401: Unauthorized\nnot logged in: run "tg-profile login" (or set TG_SESSION)\n',
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('tg-profile start with TG_EMULATOR', () => {
  let emu: RunningEmulator
  let dir: string

  beforeAll(async () => {
    emu = await startEmulator({ seed: 2, users: 12 })
    dir = await mkdtemp(join(tmpdir(), 'tgp-start-emu-'))
    await emu.writeConnectionFile(join(dir, 'emulator.json'))
  })

  afterAll(async () => {
    await emu.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('archives the users given as arguments from that emulator, byte for byte, into --out', async () => {
    const truth = emu.world.toFile()
    const picked = truth.users.filter((u) => u.account !== true && !u.deactivated && u.usernames.length > 0 && u.photos.length > 0)
    const names = picked.slice(0, 3).map((u) => u.usernames[0]!)
    const expected = expectedFiles(truth, new Set(names))
    const env = { TG_EMULATOR: join(dir, 'emulator.json'), TG_SESSION_FILE: join(dir, 'session') }

    const r = await runMain(['start', ...names.map((n) => `@${n}`), '--out', 'arch'], { cwd: dir, env })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const summary = JSON.parse(r.stdout) as Summary
    expect(summary.result.users).toEqual({ done: 3, failed: 0, skipped_duplicates: 0, done_before: 0, waiting: 0 })
    expect(summary.result.files.downloaded).toBe(expected.size)
    expect(emu.stats().callsPerMethod['contacts.ResolveUsername']).toBe(3)
    for (const [path, want] of expected) {
      const onDisk = createHash('sha256').update(await readFile(join(dir, 'arch', path))).digest('hex')
      expect({ path, sha256: onDisk }).toEqual({ path, sha256: want.sha256 })
    }
  })

  it('prints one envelope whose ok is the only one: the summary says complete', async () => {
    const truth = emu.world.toFile()
    const user = truth.users.find((u) => u.account !== true && !u.deactivated && u.usernames.length > 0)!
    const env = { TG_EMULATOR: join(dir, 'emulator.json'), TG_SESSION_FILE: join(dir, 'session') }
    const r = await runMain(['start', `@${user.usernames[0]!}`, '--out', 'envelope'], { cwd: dir, env })
    expect(r.code).toBe(0)
    const printed = JSON.parse(r.stdout) as { ok: boolean; result: Record<string, unknown> }
    expect(printed.ok).toBe(true)
    expect(Object.keys(printed.result)).not.toContain('ok')
    expect(printed.result.complete).toBe(true)
  })

  it('asks for users (exit 2) when none are given', async () => {
    const r = await runMain(['start'], { cwd: dir, env: { TG_EMULATOR: join(dir, 'emulator.json') } })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'tg-profile: start needs users to archive when running against an emulator file: tg-profile start @user1 ...\n' +
        'Run "tg-profile start --help" for usage.\n',
    )
  })
})
