/** The archive command's sources, waiting users and exit codes, in-process against an emulator with Telegram's limits. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HANDLERS } from '../../../src/cli/commands.js'
import { runCli } from '../../../src/cli/run.js'
import type { CliIo } from '../../../src/cli/io.js'
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js'
import { rsaKey, smallUsers } from './helpers.js'

function memoryIo(env: NodeJS.ProcessEnv, cwd: string, tty: boolean): CliIo & { out(): string; err(): string } {
  let out = ''
  let err = ''
  return {
    stdout: { write: (s: string) => (out += s), isTTY: tty },
    stderr: { write: (s: string) => (err += s), isTTY: tty },
    env,
    cwd,
    out: () => out,
    err: () => err,
  }
}

describe('tg-profile archive: sources, waiting users, exit codes', () => {
  let emu: RunningEmulator
  let dir: string
  let conn: string

  beforeAll(async () => {
    emu = await startEmulator({ users: 30, seed: 8, rsaKey: rsaKey(), limits: { profile: 'telegram', resolveUsername: { requests: 2 } } })
    dir = await mkdtemp(join(tmpdir(), 'tgp-archive-sources-'))
    conn = join(dir, 'emulator.json')
    await emu.writeConnectionFile(conn)
  })

  afterAll(async () => {
    await emu.close()
    await rm(dir, { recursive: true, force: true })
  })

  const run = async (argv: string[], tty = true): Promise<{ code: number; out: string; err: string }> => {
    const io = memoryIo({ TG_EMULATOR: conn }, dir, tty)
    const code = await runCli(argv, io, HANDLERS)
    return { code, out: io.out(), err: io.err() }
  }

  it('refuses a malformed --from-chat before connecting (exit 2)', async () => {
    const { code, err } = await run(['archive', '--from-chat', 'not a chat', '--out', 'bad'])
    expect(code).toBe(2)
    expect(err).toContain('--from-chat "not a chat": not a chat (give @username, a t.me link or a chat id)')
  })

  it('exits 3 with users left waiting for the resolve quota, saying until when, and archives the chat meanwhile', async () => {
    const friends = emu.world.chats.find((c) => c.title === 'Tess & friends')!
    const members = emu.world.members(friends).filter((u) => Number(u.id) !== emu.world.accounts[0]!.userId && !u.deactivated)
    // users neither the chat nor the account's dialogs (users with their access hashes) already bring: each costs a resolve
    const me = emu.world.userById(BigInt(emu.world.accounts[0]!.userId))!
    const inDialogs = emu.world.dialogsOf(me).flatMap((d) => (d.peer.kind === 'user' ? [emu.world.users[d.peer.userIndex]!] : []))
    const inChat = new Set([...members, ...inDialogs].flatMap((u) => u.usernames.map((n) => `@${n}`)))
    const users = smallUsers(emu.world.toFile(), 30, 6).filter((u) => !inChat.has(u)).slice(0, 4)
    expect(users).toHaveLength(4)
    const { code, out } = await run(['archive', ...users, '--from-chat', `-${friends.id}`, '--out', 'waiting', '--no-videos', '--no-gallery', '--concurrency', '1'])
    expect(code).toBe(3)
    expect(out).toContain('archive ')
    expect(out).toContain(': incomplete, resumable')
    const waiting = /\nwaiting: (\d+) users? for contacts\.resolveUsername until \d{4}-\d\d-\d\d \d\d:\d\d UTC\n/.exec(out)
    expect(waiting).not.toBeNull()
    const left = Number(waiting![1])
    // two resolves a day: of the four users, those no earlier answer brought along wait
    expect(left).toBeGreaterThanOrEqual(1)
    expect(left).toBeLessThanOrEqual(2)
    expect(out).toMatch(/\nrun the same command again after \d{4}-\d\d-\d\d \d\d:\d\d UTC to go on with them \(they come first\), or add --wait\n/)
    expect(out).toContain(`users: ${members.length + 4 - left} archived, 0 failed, ${left} waiting`)
  })

  it('names a chat it cannot read and exits 1 when nothing waits', async () => {
    const { code, out } = await run(['archive', '--from-chat', '@emulator_news', '--contacts', '--out', 'news', '--no-videos', '--no-gallery'])
    expect(code).toBe(1)
    expect(out).toContain('source failed: @emulator_news: Bad Request: CHAT_ADMIN_REQUIRED')
    expect(out).toMatch(/users: \d+ archived, 0 failed, 0 waiting/)
  })
})
