/**
 * `tg-profile login` as a real child process, answering each question over stdin once it appears on stderr (stdin is
 * a pipe, so the CLI reads answers line by line rather than through the terminal prompts), against an emulator
 * running in the test process: the account without 2FA, the 2FA account, a wrong code and a
 * wrong password; then `whoami` with the saved session (no new sign-in), the session file's mode, `--print-session`.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type EmulatorAccount, type RunningEmulator } from '../../../src/emulator/index.js'
import { runMain, type CliRun } from './spawn.js'

describe('tg-profile login through stdin', () => {
  let emu: RunningEmulator
  let dir: string
  let connFile: string
  let plain: EmulatorAccount
  let twoFa: EmulatorAccount

  beforeAll(async () => {
    emu = await startEmulator({ seed: 5, users: 5 })
    dir = await mkdtemp(join(tmpdir(), 'tgp-login-'))
    connFile = join(dir, 'emulator.json')
    await emu.writeConnectionFile(connFile)
    plain = emu.connection.accounts.find((a) => a.password === undefined)!
    twoFa = emu.connection.accounts.find((a) => a.password !== undefined)!
  })

  afterAll(async () => {
    await emu.close()
    await rm(dir, { recursive: true, force: true })
  })

  const sessionEnv = (name: string): Record<string, string> => ({ TG_EMULATOR: connFile, TG_SESSION_FILE: join(dir, name) })
  const signIns = (): number => emu.stats().callsPerMethod['auth.SignIn'] ?? 0
  const envelope = (a: EmulatorAccount): string =>
    `{"ok":true,"result":{"id":${a.userId},"is_bot":false,"first_name":${JSON.stringify(a.firstName)},"username":"${a.username}"}}\n`

  async function whoami(session: string): Promise<CliRun> {
    return runMain(['whoami', '--json'], { cwd: dir, env: sessionEnv(session) })
  }

  it('logs in the account without 2FA by phone and code, saves the session 0600, and whoami reuses it', async () => {
    const r = await runMain(['login'], {
      cwd: dir,
      env: sessionEnv('plain.session'),
      stdin: [
        { waitFor: 'Phone number', send: `${plain.phone}\n` },
        { waitFor: 'Login code', send: `${plain.code}\n` },
      ],
    })
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(envelope(plain))
    expect(r.stderr).not.toContain('2FA password')
    expect(r.stderr.endsWith(
      `Logged in as ${plain.firstName} (@${plain.username}), id ${plain.userId}; session saved to ${join(dir, 'plain.session')}\n`,
    )).toBe(true)
    expect((await stat(join(dir, 'plain.session'))).mode & 0o777).toBe(0o600)

    const before = signIns()
    const me = await whoami('plain.session')
    expect({ code: me.code, stdout: me.stdout, stderr: me.stderr }).toEqual({ code: 0, stdout: envelope(plain), stderr: '' })
    expect(signIns()).toBe(before)
  })

  it('reports a wrong code and a wrong 2FA password and asks again, then logs in the 2FA account', async () => {
    const r = await runMain(['login'], {
      cwd: dir,
      env: sessionEnv('2fa.session'),
      stdin: [
        { waitFor: 'Phone number', send: `${twoFa.phone}\n` },
        { waitFor: 'Login code', send: '00000\n' },
        { waitFor: 'Error 400: Bad Request: PHONE_CODE_INVALID\n', send: `${twoFa.code}\n` },
        { waitFor: '2FA password', send: 'not the password\n' },
        { waitFor: 'Error 400: Bad Request: PASSWORD_HASH_INVALID\n', send: `${twoFa.password}\n` },
      ],
    })
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(envelope(twoFa))
    // Answers are never echoed: neither password ever reaches the output.
    expect(r.stderr).not.toContain(twoFa.password)
    expect(r.stderr).not.toContain('not the password')
    expect(r.stderr.match(/PHONE_CODE_INVALID/g)).toHaveLength(1)
    expect(r.stderr.match(/PASSWORD_HASH_INVALID/g)).toHaveLength(1)
    expect((await stat(join(dir, '2fa.session'))).mode & 0o777).toBe(0o600)

    const before = signIns()
    const me = await whoami('2fa.session')
    expect({ code: me.code, stdout: me.stdout }).toEqual({ code: 0, stdout: envelope(twoFa) })
    expect(signIns()).toBe(before)
  })

  it('prints only the session string on stdout with --print-session, the same one it saved', async () => {
    const r = await runMain(['login', '--print-session'], {
      cwd: dir,
      env: sessionEnv('printed.session'),
      stdin: [
        { waitFor: 'Phone number', send: `${plain.phone}\n` },
        { waitFor: 'Login code', send: `${plain.code}\n` },
      ],
    })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^1[A-Za-z0-9+/=_-]{100,}\n$/)
    expect(await readFile(join(dir, 'printed.session'), 'utf8')).toBe(r.stdout)
    expect(r.stderr).not.toContain(r.stdout.trim())
  })

  it('gives up with exit 1 and one error line, saving nothing, when stdin closes before the code is given', async () => {
    const r = await runMain(['login'], {
      cwd: dir,
      env: sessionEnv('cancelled.session'),
      stdin: [{ waitFor: 'Phone number', send: `${plain.phone}\n` }],
    })
    expect({ code: r.code, signal: r.signal, stdout: r.stdout }).toEqual({ code: 1, signal: null, stdout: '' })
    expect(r.stderr.trimEnd().endsWith('\ntg-profile: login cancelled: standard input closed before the question was answered')).toBe(true)
    expect(r.stderr.match(/^tg-profile: /gm)).toHaveLength(1)
    expect(r.stderr).not.toMatch(/^\s+at /m)
    await expect(stat(join(dir, 'cancelled.session'))).rejects.toThrow(/ENOENT/)
  })
})
