import { runCli } from '../../../src/cli/run.js'
import type { CommandHandler } from '../../../src/cli/run.js'
import { InterruptedError, interruptSignal } from '../../../src/cli/io.js'
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

  it('hands every command the interrupt signal and the --timeout deadline', async () => {
    const io = memoryIo(true)
    const controller = new AbortController()
    let seen: { signal: AbortSignal; timeoutMs: number | undefined } | undefined
    const handler: CommandHandler = async (ctx) => {
      seen = { signal: ctx.signal, timeoutMs: ctx.timeoutMs }
      return 0
    }
    expect(await runCli(['whoami', '--timeout', '7'], { ...io, signal: controller.signal }, { whoami: handler })).toBe(0)
    expect(seen?.signal).toBe(controller.signal)
    expect(seen?.timeoutMs).toBe(7000)
    expect(await runCli(['whoami', '--timeout', '0'], io, { whoami: handler })).toBe(2)
  })

  it('exits 130 when a command stops after an interrupt', async () => {
    const io = memoryIo(true)
    const controller = new AbortController()
    const handler: CommandHandler = (ctx) =>
      new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }))
    const code = runCli(['whoami'], { ...io, signal: controller.signal }, { whoami: handler })
    controller.abort(new InterruptedError('SIGINT'))
    expect(await code).toBe(130)
    expect(io.err()).toBe('tg-profile: interrupted (SIGINT)\n')
  })

  it('gives up on a command that does not stop within the grace after an interrupt', async () => {
    const io = memoryIo(true)
    const controller = new AbortController()
    const stuck: CommandHandler = () => new Promise<number>(() => undefined)
    const code = runCli(['whoami'], { ...io, signal: controller.signal }, { whoami: stuck }, { stopGraceMs: 10 })
    controller.abort(new InterruptedError('SIGTERM'))
    expect(await code).toBe(143)
  })
})

describe('interruptSignal', () => {
  it('aborts on the first SIGINT and exits at once on the second', () => {
    const before = { int: process.listeners('SIGINT'), term: process.listeners('SIGTERM') }
    let err = ''
    const exits: number[] = []
    const signal = interruptSignal({ write: (s: string) => (err += s) }, (code) => exits.push(code))
    try {
      const added = process.listeners('SIGINT').find((l) => !before.int.includes(l)) as (name: string) => void
      added('SIGINT')
      expect(signal.aborted).toBe(true)
      expect(signal.reason).toBeInstanceOf(InterruptedError)
      expect(err).toBe('\ntg-profile: SIGINT: stopping (send it again to quit at once)\n')
      expect(exits).toEqual([])
      added('SIGTERM')
      expect(exits).toEqual([143])
    } finally {
      for (const l of process.listeners('SIGINT')) if (!before.int.includes(l)) process.off('SIGINT', l)
      for (const l of process.listeners('SIGTERM')) if (!before.term.includes(l)) process.off('SIGTERM', l)
    }
  })
})
