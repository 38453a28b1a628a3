import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServeToken, loadServeToken, tokenPathFor, tokensEqual } from '../../../src/serve/token.js'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tgp-token-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('serve token', () => {
  it('is shaped <account id>:<35 characters>', () => {
    expect(createServeToken(42)).toMatch(/^42:[A-Za-z0-9_-]{35}$/)
  })

  it('is made once, stored 0600 beside the session, and found again', async () => {
    const path = tokenPathFor(join(dir, 'session'))
    expect(path).toBe(join(dir, 'session.serve-token'))
    const made = await loadServeToken({ path, accountId: 42 })
    expect(made.created).toBe(true)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect(await readFile(path, 'utf8')).toBe(`${made.token}\n`)
    expect(await loadServeToken({ path, accountId: 42 })).toEqual({ token: made.token, created: false, path })
  })

  it('is replaced on rotate and for another account', async () => {
    const path = join(dir, 't')
    const first = await loadServeToken({ path, accountId: 42 })
    const rotated = await loadServeToken({ path, accountId: 42, rotate: true })
    expect(rotated.created).toBe(true)
    expect(rotated.token).not.toBe(first.token)
    const other = await loadServeToken({ path, accountId: 43 })
    expect([other.created, other.token.startsWith('43:')]).toEqual([true, true])
  })

  it('refuses a token file others can read', async () => {
    const path = join(dir, 't')
    await writeFile(path, `${createServeToken(42)}\n`, { mode: 0o644 })
    await expect(loadServeToken({ path, accountId: 42 })).rejects.toThrow(/accessible by other users/)
  })

  it('compares tokens whatever their lengths', () => {
    expect([tokensEqual('1:a', '1:a'), tokensEqual('1:a', '1:b'), tokensEqual('1:a', '1:ab')]).toEqual([true, false, false])
  })
})
