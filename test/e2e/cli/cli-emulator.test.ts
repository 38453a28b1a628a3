/**
 * The CLI commands end to end, in-process, against a real emulator over loopback TCP (no mocks).
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HANDLERS } from '../../../src/cli/commands.js'
import type { CliIo } from '../../../src/cli/io.js'
import { loginCommand } from '../../../src/cli/login.js'
import { emulatorCommand } from '../../../src/cli/emulator.js'
import { runCli } from '../../../src/cli/run.js'
import type { CommandHandler } from '../../../src/cli/run.js'
import type { LoginPrompts } from '../../../src/client/login.js'
import { createApiApp, type ApiApp } from '../../../src/emulator/app/index.js'
import { readConnectionFile, writeConnectionFile } from '../../../src/spec/emulator-connection.js'
import { connect } from '../../../src/client/connect.js'
import { readdir } from 'node:fs/promises'
import { startDcServers, type DcServers } from '../../../src/emulator/server.js'
import { createWorld, type World } from '../../../src/emulator/world.js'
import { startEmulator } from '../../../src/emulator/index.js'
import type { WorldFile } from '../../../src/emulator/world-file.js'
import { within } from '../../helpers/within.js'
import { Api } from 'telegram'
import bigInt from 'big-integer'
import { getUserProfilePhotos } from '../../../src/index.js'
import type { EmulatorStats } from '../../../src/emulator/stats.js'

/** The emulator clock of the flood tests: it stands still, so a token bucket refills only when a test says so. */
const FROZEN_MS = Date.UTC(2026, 0, 15, 12)

interface MemoryIo extends CliIo {
  out(): string
  err(): string
}

function memoryIo(env: NodeJS.ProcessEnv, cwd: string): MemoryIo {
  let out = ''
  let err = ''
  return {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env,
    cwd,
    out: () => out,
    err: () => err,
  }
}

describe('tg-profile against the emulator', () => {
  let world: World
  let app: ApiApp
  let servers: DcServers
  let dir: string
  let connFile: string

  beforeAll(async () => {
    world = createWorld({ seed: 7, users: 30 })
    app = createApiApp(world)
    servers = await startDcServers({ dcIds: world.dcIds, app })
    dir = await mkdtemp(join(tmpdir(), 'tgp-cli-'))
    connFile = join(dir, 'conn.json')
    const [first] = world.accounts
    if (first === undefined) throw new Error('the world has no test account')
    await writeConnectionFile(connFile, {
      version: 1,
      dcs: servers.dcs,
      homeDcId: world.homeDcId,
      publicKey: servers.publicKey,
      apiId: 17349,
      apiHash: '344583e45741c457fe1862106095a5eb',
      testAccount: first,
      accounts: world.accounts,
    })
  })

  afterAll(async () => {
    await servers.close()
    await rm(dir, { recursive: true, force: true })
  })

  const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    const io = memoryIo({ TG_EMULATOR: connFile }, dir)
    const code = await runCli(argv, io, HANDLERS)
    return { code, out: io.out(), err: io.err() }
  }

  const withPhotos = (min: number) => {
    const user = world.users.find((u) => u.photoCount >= min && u.usernames.length > 0 && !u.deactivated)
    if (user === undefined) throw new Error(`no user with ${min}+ photos`)
    return user
  }

  it('logs in automatically and keeps the session 0600 beside the connection file', async () => {
    const r = await run(['whoami'])
    expect(r.code).toBe(0)
    const me = world.accounts[0]!
    expect(JSON.parse(r.out)).toEqual({
      ok: true,
      result: { id: me.userId, is_bot: false, first_name: me.firstName, username: me.username },
    })
    expect((await stat(`${connFile}.session`)).mode & 0o777).toBe(0o600)
  })

  it('prints getUserProfilePhotos as the Bot API envelope, one size list per photo', async () => {
    const user = withPhotos(2)
    const r = await run(['photos', `@${user.usernames[0]}`, '--limit', '2'])
    expect(r.code).toBe(0)
    expect(r.err).toBe('')
    expect(r.out.startsWith(`{"ok":true,"result":{"total_count":${user.photoCount},"photos":[[{"file_id":"`)).toBe(true)
    expect(r.out.endsWith('}]]}}\n')).toBe(true)
    const parsed = JSON.parse(r.out) as { result: { photos: { width: number }[][] } }
    expect(parsed.result.photos).toHaveLength(2)
    expect(parsed.result.photos[0]!.map((s) => s.width)).toEqual([160, 320, 640])
  })

  it('prints every photo with --all', async () => {
    const user = withPhotos(101)
    const r = await run(['photos', user.usernames[0]!, '--all'])
    expect(r.code).toBe(0)
    const parsed = JSON.parse(r.out) as { result: { total_count: number; photos: unknown[] } }
    expect(parsed.result.total_count).toBe(user.photoCount)
    expect(parsed.result.photos).toHaveLength(user.photoCount)
  })

  it('answers an unknown username with the exact Bot API error envelope and exit 1', async () => {
    const r = await run(['photos', '@nobody_here_zz'])
    expect(r.code).toBe(1)
    expect(r.out).toBe('{"ok":false,"error_code":400,"description":"Bad Request: user not found"}\n')
    expect(r.err).toBe('Error 400: Bad Request: user not found\n')
  })

  it('downloads a printed file id byte for byte, and refuses to overwrite without --force', async () => {
    const user = withPhotos(1)
    const listed = JSON.parse((await run(['photos', user.usernames[0]!, '--limit', '1'])).out) as {
      result: { photos: { file_id: string; file_size: number }[][] }
    }
    const largest = listed.result.photos[0]!.at(-1)!
    const r = await run(['download', largest.file_id, '-o', 'avatar.jpg'])
    expect(r.code).toBe(0)
    const photo = world.photoAt(user, 0)
    const expected = world.photoSizeBytes(photo, photo.sizes.at(-1)!)
    expect((await readFile(join(dir, 'avatar.jpg'))).equals(expected)).toBe(true)
    expect(JSON.parse(r.out)).toEqual({ ok: true, result: { path: join(dir, 'avatar.jpg'), file_size: expected.length } })
    const again = await run(['download', largest.file_id, '-o', 'avatar.jpg'])
    expect(again.code).toBe(1)
    expect(again.err).toBe('tg-profile: avatar.jpg already exists (use --force to overwrite)\n')
    expect((await run(['download', largest.file_id, '-o', 'avatar.jpg', '--force'])).code).toBe(0)
  })

  it('logs in through the prompts: a wrong code and a wrong 2FA password are reported and asked again', async () => {
    const account = world.accounts.find((a) => a.password !== undefined)!
    const codes = ['00000', account.code]
    const passwords = ['wrong password', account.password!]
    const asked: string[] = []
    const prompts: LoginPrompts = {
      phone: async () => (asked.push('phone'), account.phone),
      code: async () => (asked.push('code'), codes.shift()!),
      password: async () => (asked.push('password'), passwords.shift()!),
    }
    const handler: CommandHandler = (ctx) => loginCommand(ctx, prompts)
    const io = memoryIo({ TG_EMULATOR: connFile }, dir)
    // other DCs' keys of an earlier login of this session file
    await writeFile(join(dir, 'twofa.session.dc-keys.json'), '{"version":1,"home":"1","keys":{}}\n', { mode: 0o600 })
    const code = await runCli(['login', '--session', 'twofa.session', '--print-session'], io, { login: handler })
    expect(code).toBe(0)
    expect((await readdir(dir)).includes('twofa.session.dc-keys.json')).toBe(false)
    expect(asked).toEqual(['phone', 'code', 'code', 'password', 'password'])
    expect(io.err()).toContain('Error 400: Bad Request: PHONE_CODE_INVALID\n')
    expect(io.err()).toContain('Error 400: Bad Request: PASSWORD_HASH_INVALID\n')
    expect(io.err()).not.toContain(account.password!)
    const session = (await readFile(join(dir, 'twofa.session'), 'utf8')).trim()
    expect(io.out()).toBe(`${session}\n`)
    expect((await stat(join(dir, 'twofa.session'))).mode & 0o777).toBe(0o600)
    const who = memoryIo({ TG_EMULATOR: connFile }, dir)
    expect(await runCli(['whoami', '--session', 'twofa.session'], who, HANDLERS)).toBe(0)
    expect((JSON.parse(who.out()) as { result: { id: number } }).result.id).toBe(account.userId)
  })

  it('connect() takes an in-process emulator connection and keeps its session and cache in memory', async () => {
    const emptyDir = await mkdtemp(join(tmpdir(), 'tgp-cli-mem-'))
    try {
      const c = await connect({
        emulatorConnection: await readConnectionFile(connFile),
        env: { HOME: emptyDir },
        cwd: emptyDir,
        dotenvPath: false,
      })
      try {
        expect(c.sessionFile).toBeUndefined()
        expect(c.cache.path).toBeUndefined()
        const me = await c.client.getMe()
        expect(me.id.toString()).toBe(String(world.accounts[0]!.userId))
      } finally {
        await c.close()
      }
      expect(await readdir(emptyDir)).toEqual([])
    } finally {
      await rm(emptyDir, { recursive: true, force: true })
    }
  })

  it('tg-profile emulator writes a 0600 connection file other commands can use, and stops cleanly', async () => {
    const own = await mkdtemp(join(tmpdir(), 'tgp-cli-emu-'))
    try {
      let whoami: { code: number; out: string } | undefined
      const handler: CommandHandler = (ctx) =>
        emulatorCommand(ctx, async () => {
          const io = memoryIo({ TG_EMULATOR: join(own, 'conn.json') }, own)
          whoami = { code: await runCli(['whoami'], io, HANDLERS), out: io.out() }
        })
      const io = memoryIo({}, own)
      const code = await runCli(
        ['emulator', '--seed', '3', '--users', '2', '--connection-file', 'conn.json'],
        io,
        { emulator: handler },
      )
      expect(code).toBe(0)
      expect((await stat(join(own, 'conn.json'))).mode & 0o777).toBe(0o600)
      expect(io.err()).toContain(`connection file ${join(own, 'conn.json')}`)
      expect(io.out()).toContain('"connection_file"')
      expect(whoami?.code).toBe(0)
      expect(whoami?.out).toContain('"username":"emulator_tester"')
    } finally {
      await rm(own, { recursive: true, force: true })
    }
  })

  it('tg-profile emulator applies --flood and --latency, and writes the world and stats files', async () => {
    const own = await mkdtemp(join(tmpdir(), 'tgp-cli-emu-'))
    try {
      const photos: { code: number; out: string }[] = []
      const handler: CommandHandler = (ctx) =>
        emulatorCommand(ctx, async () => {
          const env = { TG_EMULATOR: join(own, 'conn.json') }
          const truth = JSON.parse(await readFile(join(own, 'world.json'), 'utf8')) as WorldFile
          const user = truth.users.find((u) => u.usernames.length > 0 && u.photos.length > 0 && u.account !== true)
          if (user === undefined) throw new Error('no user with a username and photos')
          for (let i = 0; i < 3; i++) {
            const io = memoryIo(env, own)
            photos.push({ code: await runCli(['photos', `@${user.usernames[0]}`, '--json'], io, HANDLERS), out: io.out() })
          }
          // A clock that stands still: the bucket refills nothing between the three runs, however long they take.
        }, { clock: { now: () => FROZEN_MS } })
      const io = memoryIo({}, own)
      const code = await runCli(
        ['emulator', '--seed', '4', '--users', '10', '--connection-file', 'conn.json', '--world-file', 'world.json',
          '--stats-file', 'stats.json', '--latency', '5+2', '--flood', 'photos.GetUserPhotos=2/0.01'],
        io,
        { emulator: handler },
      )
      expect(code).toBe(0)
      expect(photos.map((p) => p.code)).toEqual([0, 0, 1])
      // burst 2 used up, one token per 100 s
      expect(photos[2]?.out).toBe('{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 100","parameters":{"retry_after":100}}\n')
      const stats = JSON.parse(await readFile(join(own, 'stats.json'), 'utf8')) as { callsPerMethod: Record<string, number>; floodWaitsIssued: Record<string, number> }
      expect(stats.callsPerMethod['photos.GetUserPhotos']).toBe(3)
      expect(stats.floodWaitsIssued['photos.GetUserPhotos']).toBe(1)
    } finally {
      await rm(own, { recursive: true, force: true })
    }
  })

  it('tg-profile emulator --swallow receives the first N requests of a method and never answers them', async () => {
    const own = await mkdtemp(join(tmpdir(), 'tgp-cli-swallow-'))
    try {
      let seen: { firstSettled: boolean; secondTotal: number } | undefined
      let expectedTotal = -1
      const handler: CommandHandler = (ctx) =>
        emulatorCommand(ctx, async () => {
          const truth = JSON.parse(await readFile(join(own, 'world.json'), 'utf8')) as WorldFile
          const user = truth.users.find((u) => u.usernames.length > 0 && u.photos.length > 0 && u.account !== true)
          if (user === undefined) throw new Error('no user with a username and photos')
          expectedTotal = user.photos.length
          const c = await connect({ emulatorConnection: await readConnectionFile(join(own, 'conn.json')), env: { HOME: own }, cwd: own, dotenvPath: false })
          try {
            const input = await c.client.getInputEntity(`@${user.usernames[0]}`)
            let firstSettled = false
            const first = c.client.invoke(new Api.photos.GetUserPhotos({ userId: input, offset: 0, maxId: bigInt(0), limit: 1 }))
            void first.then(() => (firstSettled = true), () => (firstSettled = true))
            // Sent after the first on the same connection, so received after it: answered.
            const second = await getUserProfilePhotos(c.client, { user_id: `@${user.usernames[0]}`, limit: 1 })
            seen = { firstSettled, secondTotal: second.total_count }
          } finally {
            await c.close()
          }
        }, { rsaKey: servers.rsaKey })
      const io = memoryIo({}, own)
      const code = await runCli(
        ['emulator', '--seed', '4', '--users', '10', '--connection-file', 'conn.json', '--world-file', 'world.json',
          '--stats-file', 'stats.json', '--swallow', 'photos.GetUserPhotos=1'],
        io,
        { emulator: handler },
      )
      expect(code).toBe(0)
      expect(seen).toEqual({ firstSettled: false, secondTotal: expectedTotal })
      const stats = JSON.parse(await readFile(join(own, 'stats.json'), 'utf8')) as EmulatorStats
      expect(stats.requestsSwallowed).toEqual({ 'photos.GetUserPhotos': 1 })
      expect(stats.callsPerMethod['photos.GetUserPhotos']).toBe(2)
    } finally {
      await rm(own, { recursive: true, force: true })
    }
  })

  it('logs in afresh when a restarted emulator no longer knows the stored session (transport -404)', async () => {
    const own = await mkdtemp(join(tmpdir(), 'tgp-cli-restart-'))
    const conn = join(own, 'conn.json')
    const env = { TG_EMULATOR: conn }
    try {
      const first = await startEmulator({ seed: 5, users: 2 })
      try {
        await first.writeConnectionFile(conn)
        expect(await runCli(['whoami'], memoryIo(env, own), HANDLERS)).toBe(0)
      } finally {
        await first.close()
      }
      const stored = await readFile(`${conn}.session`, 'utf8')
      const second = await startEmulator({ seed: 5, users: 2 })
      try {
        await second.writeConnectionFile(conn)
        const io = memoryIo(env, own)
        expect(await within(runCli(['whoami'], io, HANDLERS), 20_000, 'never settled')).toBe(0)
        expect(io.out()).toContain('"username":"emulator_tester"')
        expect(await readFile(`${conn}.session`, 'utf8')).not.toBe(stored)
      } finally {
        await second.close()
      }
    } finally {
      await rm(own, { recursive: true, force: true })
    }
  })

  it('tg-profile emulator --limits telegram refuses the 201st username resolve of a day', async () => {
    const own = await mkdtemp(join(tmpdir(), 'tgp-cli-emu-'))
    try {
      const answers: string[] = []
      const handler: CommandHandler = (ctx) =>
        emulatorCommand(ctx, async () => {
          const c = await connect({ emulatorConnection: await readConnectionFile(join(own, 'conn.json')), env: { HOME: own }, cwd: own, dotenvPath: false })
          try {
            c.client.floodSleepThreshold = 0
            for (let k = 0; k < 201; k++) {
              const username = k % 2 === 0 ? 'emulator_tester' : 'emulator_tester_2fa'
              answers.push(await c.client.invoke(new Api.contacts.ResolveUsername({ username })).then(() => 'ok', (e: Error) => e.message))
            }
          } finally {
            await c.close()
          }
          // the clock stands still: the first resolve leaves the window in exactly 24 hours
        }, { clock: { now: () => FROZEN_MS } })
      const code = await runCli(['emulator', '--users', '2', '--connection-file', 'conn.json', '--limits', 'telegram'], memoryIo({}, own), { emulator: handler })
      expect(code).toBe(0)
      expect(answers.filter((a) => a === 'ok')).toHaveLength(200)
      expect(answers[200]).toContain('A wait of 86400 seconds is required')
    } finally {
      await rm(own, { recursive: true, force: true })
    }
  })

  it('tg-profile emulator refuses malformed fault options before starting', async () => {
    for (const args of [['--limits', 'strict'], ['--latency', 'fast'], ['--flood', 'GetUserPhotos=1'], ['--drop-rate', '2'], ['--fileref-ttl', '0'], ['--swallow', 'GetFile'], ['--swallow', 'upload.GetFile=0']]) {
      const io = memoryIo({}, tmpdir())
      const code = await runCli(['emulator', ...args], io, HANDLERS)
      expect(code).toBe(2)
      expect(io.err()).toContain(`--${args[0]!.slice(2)}`)
    }
  })

  it('prints getUserProfileAudios and downloads an audio with its real extension', async () => {
    const user = world.users.find((u) => u.audioCount > 0 && u.usernames.length > 0 && !u.deactivated)
    if (user === undefined) throw new Error('no user with audios')
    const r = await run(['audios', `@${user.usernames[0]}`])
    expect(r.code).toBe(0)
    const parsed = JSON.parse(r.out) as {
      ok: boolean
      result: { total_count: number; audios: { file_id: string; duration: number; title?: string; performer?: string }[] }
    }
    expect(parsed.ok).toBe(true)
    expect(parsed.result.total_count).toBe(user.audioCount)
    expect(parsed.result.audios).toHaveLength(user.audioCount)
    const first = world.audio(user, 0)
    expect(parsed.result.audios[0]).toMatchObject({ duration: first.duration, title: first.title, performer: first.performer })
    const sub = await mkdtemp(join(dir, 'audio-'))
    const d = await run(['download', parsed.result.audios[0]!.file_id, '-o', sub])
    expect(d.code).toBe(0)
    const { path } = (JSON.parse(d.out) as { result: { path: string } }).result
    expect(path.endsWith('.mp3')).toBe(true)
    expect((await readFile(path)).equals(world.audioBytes(first))).toBe(true)
  })

  it('reports a flood wait as the Bot API 429 envelope with retry_after instead of sleeping', async () => {
    const emu = await startEmulator({
      seed: 2,
      users: 3,
      rsaKey: servers.rsaKey,
      floodRules: { 'photos.GetUserPhotos': { capacity: 1, refillPerSecond: 0.01 } },
      // The bucket refills nothing between the two runs, however long they take.
      clock: { now: () => FROZEN_MS },
    })
    const own = await mkdtemp(join(tmpdir(), 'tgp-cli-flood-'))
    try {
      await emu.writeConnectionFile(join(own, 'conn.json'))
      const runHere = async (argv: string[]) => {
        const io = memoryIo({ TG_EMULATOR: join(own, 'conn.json') }, own)
        return { code: await runCli(argv, io, HANDLERS), out: io.out(), err: io.err() }
      }
      expect((await runHere(['photos', 'emulator_tester'])).code).toBe(0)
      const r = await runHere(['photos', 'emulator_tester'])
      expect(r.code).toBe(1)
      const m = /^\{"ok":false,"error_code":429,"description":"Too Many Requests: retry after (\d+)","parameters":\{"retry_after":(\d+)\}\}\n$/.exec(r.out)
      expect(m).not.toBeNull()
      expect([m![1], m![2]]).toEqual(['100', '100'])
      expect(r.err).toBe('Error 429: Too Many Requests: retry after 100\n')
    } finally {
      await emu.close()
      await rm(own, { recursive: true, force: true })
    }
  })

  it('refreshes an expired file reference with --user, and explains it without', async () => {
    let now = Date.now()
    const emu = await startEmulator({
      seed: 4,
      users: 3,
      rsaKey: servers.rsaKey,
      fileReferenceTtlSeconds: 60,
      clock: { now: () => now },
    })
    const own = await mkdtemp(join(tmpdir(), 'tgp-cli-ref-'))
    try {
      await emu.writeConnectionFile(join(own, 'conn.json'))
      const runHere = async (argv: string[]) => {
        const io = memoryIo({ TG_EMULATOR: join(own, 'conn.json') }, own)
        return { code: await runCli(argv, io, HANDLERS), out: io.out(), err: io.err() }
      }
      const listed = JSON.parse((await runHere(['photos', 'emulator_tester'])).out) as {
        result: { photos: { file_id: string }[][] }
      }
      const fileId = listed.result.photos[0]!.at(-1)!.file_id
      now += 3600_000
      const stale = await runHere(['download', fileId, '-o', 'a.jpg'])
      expect(stale.code).toBe(1)
      expect(stale.out).toMatch(/^\{"ok":false,"error_code":400,"description":"Bad Request: [^"]+"\}\n$/)
      expect(stale.err).toContain('List the photos or audios again')
      expect(await readdir(own)).not.toContain('a.jpg')
      const fresh = await runHere(['download', fileId, '-o', 'a.jpg', '--user', '@emulator_tester'])
      expect(fresh.code).toBe(0)
      const me = emu.world.userByUsername('emulator_tester')!
      const photo = emu.world.photoAt(me, 0)
      expect((await readFile(join(own, 'a.jpg'))).equals(emu.world.photoSizeBytes(photo, photo.sizes.at(-1)!))).toBe(true)
      expect((await readdir(own)).filter((n) => n.endsWith('.tmp'))).toEqual([])
    } finally {
      await emu.close()
      await rm(own, { recursive: true, force: true })
    }
  })
})
