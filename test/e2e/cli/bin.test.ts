/**
 * The installed binary's contract, through the compiled entry point as a real process: help, version, usage errors.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { COMMANDS } from '../../../src/cli/args.js'
import { runMain } from './spawn.js'

describe('node dist/src/cli/main.js', () => {
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgp-bin-'))
  })

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('prints the main help with every command on --help and exits 0', async () => {
    const r = await runMain(['--help'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout.startsWith('Usage: tg-profile <command> [options]\n')).toBe(true)
    for (const command of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'))
  })

  it('prints the main help with no arguments and exits 0', async () => {
    const r = await runMain([], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stdout.startsWith('Usage: tg-profile <command> [options]\n')).toBe(true)
  })

  it('prints the package version on --version and exits 0', async () => {
    const pkg = JSON.parse(await readFile(join(process.cwd(), 'package.json'), 'utf8')) as { version: string }
    const r = await runMain(['--version'], { cwd: dir })
    expect(r).toEqual({ code: 0, signal: null, stdout: `${pkg.version}\n`, stderr: '' })
  })

  it.each(COMMANDS.map((c) => [c]))('prints the usage of %s on --help and exits 0 without connecting', async (command) => {
    const r = await runMain([command, '--help'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout.startsWith(`Usage: tg-profile ${command}`)).toBe(true)
    expect(r.stdout).toContain('Global options:')
  })

  it('rejects an unknown command with exit 2, one error line and the pointer to --help, nothing on stdout', async () => {
    const r = await runMain(['frobnicate'], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      'tg-profile: unknown command "frobnicate" (commands: login, whoami, photos, audios, download, archive, emulator, start, serve, gallery)\n' +
        'Run "tg-profile --help" for usage.\n',
    )
  })

  it('rejects an unknown option with exit 2 and no stack', async () => {
    const r = await runMain(['photos', 'someone', '--bogus'], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.split('\n')).toHaveLength(3)
    expect(r.stderr).toMatch(/^tg-profile: .*--bogus.*\nRun "tg-profile photos --help" for usage\.\n$/)
  })
})
