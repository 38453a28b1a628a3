/** The archive command in-process (runCli with memory streams) against a live emulator. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HANDLERS } from '../../../src/cli/commands.js'
import { runCli } from '../../../src/cli/run.js'
import type { CliIo } from '../../../src/cli/io.js'
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js'
import { archivableUsers, checkArchive, expectedFiles, rsaKey, smallUsers } from './helpers.js'

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

describe('tg-profile archive', () => {
  let emu: RunningEmulator
  let dir: string
  let conn: string

  beforeAll(async () => {
    emu = await startEmulator({ users: 10, seed: 4, rsaKey: rsaKey() })
    dir = await mkdtemp(join(tmpdir(), 'tgp-archive-cli-'))
    conn = join(dir, 'emulator.json')
    await emu.writeConnectionFile(conn)
  })

  afterAll(async () => {
    await emu.close()
    await rm(dir, { recursive: true, force: true })
  })

  const run = async (argv: string[], tty = false): Promise<{ code: number; out: string; err: string }> => {
    const io = memoryIo({ TG_EMULATOR: conn }, dir, tty)
    const code = await runCli(argv, io, HANDLERS)
    return { code, out: io.out(), err: io.err() }
  }

  it('prints one NDJSON event per line when stdout is not a terminal, ending with the summary', async () => {
    const truth = emu.world.toFile()
    const users = smallUsers(truth, 3)
    await writeFile(join(dir, 'list.txt'), `# comment\n${users[1]}\n\n${users[2]}  # trailing comment\n`)
    const { code, out, err } = await run(['archive', users[0]!, '--from', 'list.txt', '--out', 'ndjson', '--no-videos'])
    expect(err).toBe('')
    expect(code).toBe(0)
    const events = out.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; summary?: Record<string, unknown> })
    expect(events.filter((e) => e.type === 'user-done')).toHaveLength(3)
    expect(events.at(-1)).toEqual(expect.objectContaining({ type: 'summary', summary: expect.objectContaining({ complete: true }) }))
    // `ok` belongs to Bot API envelopes only; a summary inside one must not repeat it.
    expect(Object.keys(events.at(-1)!.summary!)).not.toContain('ok')
    const records = await checkArchive(join(dir, 'ndjson'), truth)
    expect(new Set(records.map((r) => r.path))).toEqual(expectedFiles(truth, users, false))
  })

  it('draws progress on stderr and prints a summary on a terminal; a failed user makes the exit code 1', async () => {
    const truth = emu.world.toFile()
    const [user] = archivableUsers(truth)
    const { code, out, err } = await run(['archive', user!, '@no_such_user_here', '--out', 'tty'], true)
    expect(code).toBe(1)
    expect(err).toContain('\r')
    expect(err).toMatch(/users 2\/2 \(1 failed\)/)
    expect(out).toMatch(/^archive .*tty: finished with failures\nusers: 1 archived, 1 failed, 0 waiting, 0 duplicates skipped\n/)
  })

  it('rejects a command line without --out, without users, or with a bad --sizes (exit 2)', async () => {
    expect((await run(['archive', '@a'])).code).toBe(2)
    expect((await run(['archive', '--out', 'x'])).err).toContain('name the users to archive')
    const bad = await run(['archive', '@a', '--out', 'x', '--sizes', 'huge'])
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('--sizes must be "largest" or "all"')
  })
})
