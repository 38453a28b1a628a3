import { runCli } from '../../../src/cli/run.js'
import type { CommandHandler } from '../../../src/cli/run.js'
import type { CliIo } from '../../../src/cli/io.js'
import { BotApiError, NetworkError } from '../../../src/errors/index.js'
import { clearSecrets, registerSecret } from '../../../src/client/redact.js'

function memoryIo(isTTY: boolean): CliIo & { out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return {
    stdout: { write: (s: string) => (out += s), isTTY },
    stderr: { write: (s: string) => (err += s), isTTY },
    env: {},
    cwd: '/',
    out: () => out,
    err: () => err,
  }
}

describe('runCli', () => {
  afterEach(() => clearSecrets())

  it('prints the version from package.json and exits 0', async () => {
    const io = memoryIo(true)
    expect(await runCli(['--version'], io, {})).toBe(0)
    expect(io.out()).toMatch(/^\d+\.\d+\.\d+\n$/)
  })

  it('prints help for every command and exits 0', async () => {
    for (const command of ['login', 'whoami', 'photos', 'audios', 'download', 'archive', 'emulator', 'start']) {
      const io = memoryIo(true)
      expect(await runCli([command, '--help'], io, {})).toBe(0)
      expect(io.out()).toContain(`Usage: tg-profile ${command}`)
      expect(io.out()).toContain('--verbose')
    }
  })

  it('exits 2 with one usage line on a bad command line', async () => {
    const io = memoryIo(true)
    expect(await runCli(['photos'], io, {})).toBe(2)
    expect(io.err()).toBe('tg-profile: missing argument for "photos"\nRun "tg-profile photos --help" for usage.\n')
    expect(io.out()).toBe('')
  })

  it('uses JSON mode when stdout is not a terminal', async () => {
    const io = memoryIo(false)
    let json: boolean | undefined
    const handler: CommandHandler = async (ctx) => {
      json = ctx.json
      return 0
    }
    await runCli(['whoami'], io, { whoami: handler })
    expect(json).toBe(true)
    const tty = memoryIo(true)
    await runCli(['whoami'], tty, { whoami: handler })
    expect(json).toBe(false)
    await runCli(['whoami', '--json'], tty, { whoami: handler })
    expect(json).toBe(true)
  })

  it('prints a Bot API error as the envelope on stdout and one line on stderr, exit 1', async () => {
    const io = memoryIo(false)
    const code = await runCli(['photos', 'nobody'], io, {
      photos: async () => {
        throw new BotApiError(400, 'Bad Request: user not found')
      },
    })
    expect(code).toBe(1)
    expect(io.out()).toBe('{"ok":false,"error_code":400,"description":"Bad Request: user not found"}\n')
    expect(io.err()).toBe('Error 400: Bad Request: user not found\n')
  })

  it('prints no stack without --verbose and the stack with it', async () => {
    const fail: CommandHandler = async () => {
      throw new NetworkError('connection closed')
    }
    const quiet = memoryIo(true)
    expect(await runCli(['whoami'], quiet, { whoami: fail })).toBe(1)
    expect(quiet.err()).toBe('tg-profile: network error: connection closed\n')
    const loud = memoryIo(true)
    await runCli(['whoami', '--verbose'], loud, { whoami: fail })
    expect(loud.err().split('\n').length).toBeGreaterThan(3)
    expect(loud.err()).toContain('at ')
  })

  it('redacts secrets from error lines and stacks', async () => {
    registerSecret('0123456789abcdef0123456789abcdef')
    const io = memoryIo(true)
    await runCli(['whoami', '--verbose'], io, {
      whoami: async () => {
        throw new Error('bad hash 0123456789abcdef0123456789abcdef')
      },
    })
    expect(io.err()).not.toContain('0123456789abcdef0123456789abcdef')
    expect(io.err()).toContain('tg-profile: bad hash [REDACTED]\n')
  })

  it('reports a command that is not wired yet with exit 2', async () => {
    const io = memoryIo(true)
    expect(await runCli(['emulator'], io, {})).toBe(2)
    expect(io.err()).toBe('tg-profile: "emulator" is not available in this build yet\n')
  })
})
