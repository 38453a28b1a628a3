/**
 * `tg-profile login` as a real child process, answering each question over stdin once it appears on stderr (stdin is
 * a pipe, so the CLI reads answers line by line rather than through the terminal prompts), against an emulator
 * running in the test process: the account without 2FA, the 2FA account, a wrong code and a
 * wrong password; then `whoami` with the saved session (no new sign-in), the session file's mode, `--print-session`.
 */
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { loginTestbed } from './login-testbed.js'
import { runMain, type CliRun } from './spawn.js'

describe('tg-profile login through stdin', () => {
  const t = loginTestbed(5, 'tgp-login-')
  const signIns = (): number => t.emu.stats().callsPerMethod['auth.SignIn'] ?? 0

  async function whoami(session: string): Promise<CliRun> {
    return runMain(['whoami', '--json'], { cwd: t.dir, env: t.sessionEnv(session) })
  }

  it('logs in the account without 2FA by phone and code, saves the session 0600, and whoami reuses it', async () => {
    const r = await runMain(['login'], {
      cwd: t.dir,
      env: t.sessionEnv('plain.session'),
      stdin: [
        { waitFor: 'Phone number', send: `${t.plain.phone}\n` },
        { waitFor: 'Login code', send: `${t.plain.code}\n` },
      ],
    })
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(t.envelope(t.plain))
    expect(r.stderr).not.toContain('2FA password')
    expect(r.stderr.endsWith(
      `Logged in as ${t.plain.firstName} (@${t.plain.username}), id ${t.plain.userId}; session saved to ${join(t.dir, 'plain.session')}\n`,
    )).toBe(true)
    expect((await stat(join(t.dir, 'plain.session'))).mode & 0o777).toBe(0o600)

    const before = signIns()
    const me = await whoami('plain.session')
    expect({ code: me.code, stdout: me.stdout, stderr: me.stderr }).toEqual({ code: 0, stdout: t.envelope(t.plain), stderr: '' })
    expect(signIns()).toBe(before)
  })

  it('reports a wrong code and a wrong 2FA password and asks again, then logs in the 2FA account', async () => {
    const r = await runMain(['login'], {
      cwd: t.dir,
      env: t.sessionEnv('2fa.session'),
      stdin: [
        { waitFor: 'Phone number', send: `${t.twoFa.phone}\n` },
        { waitFor: 'Login code', send: '00000\n' },
        { waitFor: 'Error 400: Bad Request: PHONE_CODE_INVALID\n', send: `${t.twoFa.code}\n` },
        { waitFor: '2FA password', send: 'not the password\n' },
        { waitFor: 'Error 400: Bad Request: PASSWORD_HASH_INVALID\n', send: `${t.twoFa.password}\n` },
      ],
    })
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(t.envelope(t.twoFa))
    // Answers are never echoed: neither password ever reaches the output.
    expect(r.stderr).not.toContain(t.twoFa.password)
    expect(r.stderr).not.toContain('not the password')
    expect(r.stderr.match(/PHONE_CODE_INVALID/g)).toHaveLength(1)
    expect(r.stderr.match(/PASSWORD_HASH_INVALID/g)).toHaveLength(1)
    expect((await stat(join(t.dir, '2fa.session'))).mode & 0o777).toBe(0o600)

    const before = signIns()
    const me = await whoami('2fa.session')
    expect({ code: me.code, stdout: me.stdout }).toEqual({ code: 0, stdout: t.envelope(t.twoFa) })
    expect(signIns()).toBe(before)
  })

  it('prints only the session string on stdout with --print-session, the same one it saved', async () => {
    const r = await runMain(['login', '--print-session'], {
      cwd: t.dir,
      env: t.sessionEnv('printed.session'),
      stdin: [
        { waitFor: 'Phone number', send: `${t.plain.phone}\n` },
        { waitFor: 'Login code', send: `${t.plain.code}\n` },
      ],
    })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^1[A-Za-z0-9+/=_-]{100,}\n$/)
    expect(await readFile(join(t.dir, 'printed.session'), 'utf8')).toBe(r.stdout)
    expect(r.stderr).not.toContain(r.stdout.trim())
  })

  it('gives up with exit 1 and one error line, saving nothing, when stdin closes before the code is given', async () => {
    const r = await runMain(['login'], {
      cwd: t.dir,
      env: t.sessionEnv('cancelled.session'),
      stdin: [{ waitFor: 'Phone number', send: `${t.plain.phone}\n` }],
    })
    expect({ code: r.code, signal: r.signal, stdout: r.stdout }).toEqual({ code: 1, signal: null, stdout: '' })
    expect(r.stderr.trimEnd().endsWith('\ntg-profile: login cancelled: standard input closed before the question was answered')).toBe(true)
    expect(r.stderr.match(/^tg-profile: /gm)).toHaveLength(1)
    expect(r.stderr).not.toMatch(/^\s+at /m)
    await expect(stat(join(t.dir, 'cancelled.session'))).rejects.toThrow(/ENOENT/)
  })
})
