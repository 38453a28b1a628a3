import { chmod, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readSessionFile, writeSessionFile } from '../../../src/client/session.js'
import { SessionFileError } from '../../../src/errors/index.js'
import { clearSecrets, redact } from '../../../src/client/redact.js'

const SESSION = `1${'BAQ3'.repeat(90)}=`

describe('session file', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgp-session-'))
  })
  afterEach(async () => {
    clearSecrets()
    await rm(dir, { recursive: true, force: true })
  })

  it('is created with mode 0600 in a folder created 0700', async () => {
    const path = join(dir, 'nested', 'session')
    await writeSessionFile(path, SESSION)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'nested'))).mode & 0o777).toBe(0o700)
    expect(await readFile(path, 'utf8')).toBe(`${SESSION}\n`)
  })

  it('reads back what was written', async () => {
    const path = join(dir, 'session')
    await writeSessionFile(path, SESSION)
    expect(await readSessionFile(path)).toBe(SESSION)
  })

  it('reads an absent file as no session', async () => {
    expect(await readSessionFile(join(dir, 'missing'))).toBeUndefined()
  })

  it('replaces an existing file atomically, leaving no temporary file behind', async () => {
    const path = join(dir, 'session')
    await writeSessionFile(path, SESSION)
    const next = `1${'ZZZZ'.repeat(90)}=`
    await writeSessionFile(path, next)
    expect(await readSessionFile(path)).toBe(next)
    expect(await readdir(dir)).toEqual(['session'])
    expect((await stat(path)).mode & 0o777).toBe(0o600)
  })

  it('refuses a file other users can read, naming the path but not the session', async () => {
    const path = join(dir, 'session')
    await writeFile(path, SESSION)
    await chmod(path, 0o644)
    let error: unknown
    try {
      await readSessionFile(path)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SessionFileError)
    expect((error as Error).message).toBe(
      `session file ${path} is accessible by other users (mode 644); run "chmod 600 ${path}" if that is safe, or log in again`,
    )
    expect((error as Error).message).not.toContain(SESSION)
  })

  it('refuses a symlink instead of following it', async () => {
    const target = join(dir, 'target')
    await writeSessionFile(target, SESSION)
    const link = join(dir, 'link')
    await symlink(target, link)
    await expect(readSessionFile(link)).rejects.toThrow(`session file ${link} is not a regular file`)
  })

  it('refuses a file that does not hold a session string', async () => {
    const path = join(dir, 'session')
    await writeFile(path, 'hello world', { mode: 0o600 })
    await expect(readSessionFile(path)).rejects.toThrow(`session file ${path} does not hold a session string`)
  })

  it('registers the session with the redactor once read', async () => {
    const path = join(dir, 'session')
    await writeFile(path, '1abcdefghij', { mode: 0o600 })
    expect(await readSessionFile(path)).toBe('1abcdefghij')
    expect(redact('x 1abcdefghij y')).toBe('x [REDACTED] y')
  })
})
