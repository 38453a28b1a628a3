/**
 * `tg-profile serve` as a user runs it: the compiled CLI with no credentials serves an embedded emulator, prints the
 * token once and its address, answers over HTTP, and stops cleanly on SIGTERM.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MAIN } from '../cli/spawn.js'

interface Served {
  child: ChildProcessWithoutNullStreams
  stderr: () => string
  url: string
  token: string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts `tg-profile serve --port 0 --json` in `cwd` and resolves once it prints where it listens. */
function startServe(cwd: string): Promise<Served> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--json'], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, XDG_CONFIG_HOME: cwd },
  })
  let stdout = ''
  let stderr = ''
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  )
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'))
      const token = /token \(shown once; [^)]*\): (\S+)/.exec(stderr)?.[1]
      if (line === undefined || token === undefined) return
      const { result } = JSON.parse(line) as { result: { url: string } }
      resolve({ child, stderr: () => stderr, url: result.url, token, exited })
    }
    child.stdout.setEncoding('utf8').on('data', (s: string) => ((stdout += s), check()))
    child.stderr.setEncoding('utf8').on('data', (s: string) => ((stderr += s), check()))
    void exited.then(({ code }) => reject(new Error(`serve exited (${code}) before listening:\n${stderr}`)))
  })
}

describe('tg-profile serve', () => {
  let dir: string
  let served: Served | undefined

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgp-serve-cli-'))
  })

  afterEach(async () => {
    if (served !== undefined && served.child.exitCode === null) {
      served.child.kill('SIGKILL')
      await served.exited
    }
    served = undefined
    await rm(dir, { recursive: true, force: true })
  })

  it('serves an embedded emulator without credentials, answers getMe, and stops on SIGTERM', async () => {
    served = await startServe(dir)
    expect(served.stderr()).toContain('No Telegram credentials (TG_API_ID/TG_API_HASH): serving an embedded emulator')
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(served.token).toMatch(/^\d+:[A-Za-z0-9_-]{20,}$/)

    const me = (await (await fetch(`${served.url}/bot${served.token}/getMe`)).json()) as { ok: boolean; result: { id: number; is_bot: boolean } }
    expect(me.ok).toBe(true)
    expect(me.result.is_bot).toBe(false)
    expect(String(me.result.id)).toBe(served.token.split(':')[0])

    const wrong = await fetch(`${served.url}/bot${served.token.split(':')[0]}:wrongwrongwrongwrongwrong/getMe`)
    expect(wrong.status).toBe(401)
    // the access log never shows a token
    expect(served.stderr().split('\n').filter((l) => l.includes(served!.token.split(':')[1]!))).toHaveLength(1)

    served.child.kill('SIGTERM')
    const { code } = await served.exited
    expect(code).toBe(0)
  })
})
