/**
 * `tg-profile photos|audios <user> --json` as real child processes against an emulator running in the test process:
 * stdout is compared byte for byte with the Bot API envelope built here from the world's ground truth
 * (`world.toFile()`, access hashes and file references of the emulator's world) and `@mtcute/file-id` directly —
 * independent of the library's mappers. Then one test per error row of the issue-2 table the emulator can produce.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tdFileId, toFileId, toUniqueFileId } from '@mtcute/file-id'
import Long from 'long'
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js'
import type { WorldFile, WorldPhotoSize, WorldUser } from '../../../src/emulator/world-file.js'
import { runMain, type CliRun } from './spawn.js'

const { FileType } = tdFileId

// A fixed emulator clock: file references (which embed their issue time) are then known in advance, and a flood
// bucket never refills during the test.
const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0)
const NOW_SEC = Math.floor(NOW_MS / 1000)

const long = (v: bigint | string): Long => Long.fromString(BigInt.asIntN(64, BigInt(v)).toString(), false)

/** Bot API rule: drop stripped/path/video-like types, smallest first by bytes, then by pixels. */
function botApiSizes(sizes: readonly WorldPhotoSize[]): WorldPhotoSize[] {
  return sizes
    .filter((s) => s.stripped !== true && !['i', 'j', 't', 'p', 'u', 'v'].includes(s.type))
    .sort((a, b) => a.bytes - b.bytes || a.w * a.h - b.w * b.h)
}

describe('tg-profile photos/audios --json against a running emulator', () => {
  let emu: RunningEmulator
  let truth: WorldFile
  let dir: string
  let env: Record<string, string>

  beforeAll(async () => {
    emu = await startEmulator({ seed: 3, users: 30, clock: { now: () => NOW_MS } })
    truth = emu.world.toFile()
    dir = await mkdtemp(join(tmpdir(), 'tgp-envelope-'))
    const connFile = join(dir, 'emulator.json')
    await emu.writeConnectionFile(connFile)
    env = { TG_EMULATOR: connFile, TG_SESSION_FILE: join(dir, 'session') }
  })

  afterAll(async () => {
    await emu.close()
    await rm(dir, { recursive: true, force: true })
  })

  const cli = (args: string[], extra: Record<string, string> = {}): Promise<CliRun> =>
    runMain(args, { cwd: dir, env: { ...env, ...extra } })

  const find = (pick: (u: WorldUser) => boolean, what: string): WorldUser => {
    const user = truth.users.find((u) => u.account !== true && !u.deactivated && u.usernames.length > 0 && pick(u))
    if (user === undefined) throw new Error(`the seed-3 world has no ${what}`)
    return user
  }

  /** The exact bytes the Bot API prints for getUserProfilePhotos of `user`, photos [offset, offset+limit). */
  function expectedPhotos(user: WorldUser, offset: number, limit: number): string {
    const photos = user.photos.slice(offset, offset + limit).map((photo) => {
      const accessHash = emu.world.fileAccessHash(BigInt(photo.id))
      const fileReference = emu.world.fileReference(BigInt(photo.id), NOW_SEC)
      return botApiSizes(photo.sizes).map((size) => {
        const source = { _: 'thumbnail' as const, fileType: FileType.Photo, thumbnailType: size.type }
        return {
          file_id: toFileId({
            dcId: photo.dcId,
            type: FileType.Photo,
            fileReference,
            location: { _: 'photo', id: long(photo.id), accessHash: long(accessHash), source },
          }),
          file_unique_id: toUniqueFileId(FileType.Photo, { _: 'photo', id: long(photo.id), source }),
          file_size: size.bytes,
          width: size.w,
          height: size.h,
        }
      })
    })
    return `${JSON.stringify({ ok: true, result: { total_count: user.photos.length, photos } })}\n`
  }

  it('prints getUserProfilePhotos of a known user byte for byte as the Bot API would, exit 0, nothing on stderr', async () => {
    const user = find((u) => u.photos.length >= 3 && u.photos.length <= 100, 'user with 3..100 photos')
    const r = await cli(['photos', `@${user.usernames[0]}`, '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(expectedPhotos(user, 0, 100))
  })

  it('pages with --offset and --limit, total_count staying the user total', async () => {
    const user = find((u) => u.photos.length > 101, 'user with 101+ photos')
    const r = await cli(['photos', user.usernames[0]!, '--offset', '99', '--limit', '2'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(expectedPhotos(user, 99, 2))
  })

  it('accepts a t.me link and a user with no photos answers total_count 0', async () => {
    const user = find((u) => u.photos.length === 0, 'user without photos')
    const r = await cli(['photos', `https://t.me/${user.usernames[0]}`])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('{"ok":true,"result":{"total_count":0,"photos":[]}}\n')
  })

  it('prints getUserProfileAudios byte for byte for a user with audios', async () => {
    const user = find((u) => u.audios.length >= 2, 'user with 2+ audios')
    const audios = user.audios.map((a) => {
      const id = long(a.id)
      // telegram-bot-api's JsonAudio order: duration, file_name, mime_type, title, performer, then the file fields.
      return {
        duration: a.duration,
        file_name: a.fileName,
        mime_type: a.mimeType,
        title: a.title,
        performer: a.performer,
        file_id: toFileId({
          dcId: a.dcId,
          type: FileType.Audio,
          fileReference: emu.world.fileReference(BigInt(a.id), NOW_SEC),
          location: { _: 'common', id, accessHash: long(emu.world.fileAccessHash(BigInt(a.id))) },
        }),
        file_unique_id: toUniqueFileId(FileType.Audio, { _: 'common', id }),
        file_size: a.bytes,
      }
    })
    const r = await cli(['audios', user.usernames[0]!, '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`${JSON.stringify({ ok: true, result: { total_count: user.audios.length, audios } })}\n`)
  })

  /** One error row: exact envelope on stdout, exactly `stderr` on stderr, exit 1. */
  async function expectError(args: string[], envelope: string, stderr: string, extra?: Record<string, string>): Promise<void> {
    const r = await cli(args, extra)
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 1, stdout: `${envelope}\n`, stderr })
  }

  it('answers an unknown username with 400 "user not found"', async () => {
    await expectError(
      ['photos', '@nobody_here_zz'],
      '{"ok":false,"error_code":400,"description":"Bad Request: user not found"}',
      'Error 400: Bad Request: user not found\n',
    )
  })

  it('answers an invalid user argument with 400 "invalid user_id specified"', async () => {
    await expectError(
      ['photos', 'not a user!'],
      '{"ok":false,"error_code":400,"description":"Bad Request: invalid user_id specified"}',
      'Error 400: Bad Request: invalid user_id specified\n',
    )
  })

  it.each([
    [['--limit', '0'], 'limit must be an integer between 1 and 100'],
    [['--limit', '101'], 'limit must be an integer between 1 and 100'],
    [['--offset', '-1'], 'offset must be a non-negative integer'],
    [['--offset=-1'], 'offset must be a non-negative integer'],
    [['--max-id', '-5'], 'max_id must be a non-negative integer'],
  ])('rejects photos %j with 400 naming the parameter', async (flags, description) => {
    const user = find((u) => u.photos.length > 0, 'user with photos')
    await expectError(
      ['photos', user.usernames[0]!, ...flags],
      `{"ok":false,"error_code":400,"description":"Bad Request: ${description}"}`,
      `Error 400: Bad Request: ${description}\n`,
    )
  })

  it.each([
    [['@nobody_here_zz'], 'user not found'],
    [['-'], 'invalid user_id specified'],
    [['@nobody_here_zz', '--limit', '0'], 'limit must be an integer between 1 and 100'],
    [['@nobody_here_zz', '--offset', '-1'], 'offset must be a non-negative integer'],
  ])('answers audios %j with the same Bot API 400 rows', async (args, description) => {
    const resolves = emu.stats().callsPerMethod['contacts.ResolveUsername'] ?? 0
    await expectError(
      ['audios', ...args],
      `{"ok":false,"error_code":400,"description":"Bad Request: ${description}"}`,
      `Error 400: Bad Request: ${description}\n`,
    )
    // Bad parameters are rejected before the username is even resolved.
    const resolvedNow = (emu.stats().callsPerMethod['contacts.ResolveUsername'] ?? 0) - resolves
    expect(resolvedNow).toBe(description === 'user not found' ? 1 : 0)
  })

  it('answers a numeric id this account never saw (a deactivated user has no username) with 400 and the hint', async () => {
    const gone = truth.users.find((u) => u.deactivated)!
    await expectError(
      ['photos', String(gone.id)],
      '{"ok":false,"error_code":400,"description":"Bad Request: user not found"}',
      'Error 400: Bad Request: user not found\n' +
        'This account has never seen that user, so it has no access hash for the id. Resolve the user once by ' +
        '@username (or fetch something that contains them); the id is then remembered in the entity cache beside the session.\n',
    )
  })

  it.each([
    [['photos', '@durov', '--limit', '0'], 'limit must be an integer between 1 and 100'],
    [['photos', 'not a user!'], 'invalid user_id specified'],
    [['audios', '@durov', '--offset', '-1'], 'offset must be a non-negative integer'],
  ])('reports bad arguments %j before reading the configuration (no credentials set)', async (args, description) => {
    await expectError(
      args,
      `{"ok":false,"error_code":400,"description":"Bad Request: ${description}"}`,
      `Error 400: Bad Request: ${description}\n`,
      { TG_EMULATOR: '', TG_API_ID: '', TG_API_HASH: '' },
    )
  })

  it('answers 401 Unauthorized with real-Telegram credentials but no session, before any network call', async () => {
    await expectError(
      ['photos', 'durov'],
      '{"ok":false,"error_code":401,"description":"Unauthorized"}',
      'Error 401: Unauthorized\nnot logged in: run "tg-profile login" (or set TG_SESSION)\n',
      { TG_EMULATOR: '', TG_API_ID: '12345', TG_API_HASH: '0123456789abcdef0123456789abcdef' },
    )
  })
})

describe('tg-profile photos --json under a flood limit', () => {
  let emu: RunningEmulator
  let dir: string
  let env: Record<string, string>

  beforeAll(async () => {
    // No burst and one token per 10 s on a frozen clock: every photos.getUserPhotos gets FLOOD_WAIT_10.
    emu = await startEmulator({
      seed: 3,
      users: 30,
      clock: { now: () => NOW_MS },
      floodRules: { 'photos.GetUserPhotos': { capacity: 0, refillPerSecond: 0.1 } },
    })
    dir = await mkdtemp(join(tmpdir(), 'tgp-flood-'))
    const connFile = join(dir, 'emulator.json')
    await emu.writeConnectionFile(connFile)
    env = { TG_EMULATOR: connFile, TG_SESSION_FILE: join(dir, 'session') }
  })

  afterAll(async () => {
    await emu.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('prints the 429 envelope with retry_after and exits 1 instead of sleeping', async () => {
    const user = emu.world.users.find((u) => u.photoCount > 0 && u.usernames.length > 0 && !u.deactivated)!
    const r = await runMain(['photos', user.usernames[0]!, '--json'], { cwd: dir, env })
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: 1,
      stdout: '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 10","parameters":{"retry_after":10}}\n',
      stderr: 'Error 429: Too Many Requests: retry after 10\n',
    })
    expect(emu.stats().callsPerMethod['photos.GetUserPhotos']).toBe(1)
  })
})
