/**
 * `tg-profile login` as a real child process with every answer piped at once (`printf 'phone\ncode\npassword\n' |
 * tg-profile login`), against an emulator running in the test process: stdin is a pipe, not a terminal, so the
 * answers are read line by line in order, the questions still appear on stderr, and no password is ever echoed.
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { loginTestbed } from './login-testbed.js'
import { runMain } from './spawn.js'

describe('tg-profile login with all answers piped at once', () => {
  const t = loginTestbed(11, 'tgp-login-piped-')
  const calls = (method: string): number => t.emu.stats().callsPerMethod[method] ?? 0

  it('logs in the 2FA account from phone, code and password piped in one write, echoing no password', async () => {
    const signIns = calls('auth.SignIn')
    const checks = calls('auth.CheckPassword')
    const r = await runMain(['login'], {
      cwd: t.dir,
      env: t.sessionEnv('2fa.session'),
      stdin: `${t.twoFa.phone}\n${t.twoFa.code}\n${t.twoFa.password}\n`,
    })
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: t.envelope(t.twoFa) })
    expect(r.stderr).toContain('Phone number')
    expect(r.stderr).toContain('Login code')
    expect(r.stderr).toContain('2FA password')
    expect(r.stderr).not.toContain(t.twoFa.password!)
    expect(r.stderr).not.toMatch(/Error \d{3}/)
    expect(r.stderr.endsWith(
      `Logged in as ${t.twoFa.firstName} (@${t.twoFa.username}), id ${t.twoFa.userId}; session saved to ${join(t.dir, '2fa.session')}\n`,
    )).toBe(true)
    expect(calls('auth.SignIn') - signIns).toBe(1)
    expect(calls('auth.CheckPassword') - checks).toBe(1)
    expect((await stat(join(t.dir, '2fa.session'))).mode & 0o777).toBe(0o600)
  })

  it('logs in the account without 2FA from phone and code piped in one write, never asking for a password', async () => {
    const r = await runMain(['login'], {
      cwd: t.dir,
      env: t.sessionEnv('plain.session'),
      stdin: `${t.plain.phone}\n${t.plain.code}\n`,
    })
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: t.envelope(t.plain) })
    expect(r.stderr).toContain('Login code')
    expect(r.stderr).not.toContain('2FA password')
    expect((await stat(join(t.dir, 'plain.session'))).mode & 0o777).toBe(0o600)
  })

  it('takes the piped lines in order: a wrong code and a wrong password are reported once each, then the next lines log in', async () => {
    const r = await runMain(['login'], {
      cwd: t.dir,
      env: t.sessionEnv('retry.session'),
      stdin: `${t.twoFa.phone}\n00000\n${t.twoFa.code}\nnot the password\n${t.twoFa.password}\n`,
    })
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: t.envelope(t.twoFa) })
    expect(r.stderr.match(/Error 400: Bad Request: PHONE_CODE_INVALID\n/g)).toHaveLength(1)
    expect(r.stderr.match(/Error 400: Bad Request: PASSWORD_HASH_INVALID\n/g)).toHaveLength(1)
    expect(r.stderr).not.toContain(t.twoFa.password!)
    expect(r.stderr).not.toContain('not the password')
  })

  it('stops with exit 1 and one error line, saving nothing, when the piped answers run out before the password', async () => {
    const r = await runMain(['login'], {
      cwd: t.dir,
      env: t.sessionEnv('short.session'),
      stdin: `${t.twoFa.phone}\n${t.twoFa.code}\n`,
    })
    expect({ code: r.code, signal: r.signal, stdout: r.stdout }).toEqual({ code: 1, signal: null, stdout: '' })
    expect(r.stderr.trimEnd().endsWith('\ntg-profile: login cancelled: standard input closed before the question was answered')).toBe(true)
    expect(r.stderr.match(/^tg-profile: /gm)).toHaveLength(1)
    await expect(stat(join(t.dir, 'short.session'))).rejects.toThrow(/ENOENT/)
  })
})
