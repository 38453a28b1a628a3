import { randomBytes } from 'node:crypto'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AuthKey } from 'telegram/crypto/AuthKey.js'
import { MultiDcSession, dcKeysPathFor, loadDcKeys } from '../../../src/client/dc-keys.js'
import { PortSafeStringSession } from '../../../src/gramjs/session.js'
import { SessionFileError } from '../../../src/errors/index.js'

async function keyOf(bytes: Buffer): Promise<AuthKey> {
  const key = new AuthKey()
  await key.setKey(bytes)
  return key
}

/** A session on home DC 2 with a random key, and that key's unsigned auth_key_id. */
async function homeSession(): Promise<{ session: MultiDcSession; homeId: string }> {
  const session = new MultiDcSession()
  session.setDC(2, '127.0.0.1', 443)
  const key = await keyOf(randomBytes(256))
  session.setAuthKey(key)
  const id = BigInt(key.keyId!.toString())
  return { session, homeId: (id < 0n ? id + (1n << 64n) : id).toString() }
}

describe('MultiDcSession', () => {
  it('hands out restored keys of other DCs, forgets them when GramJS clears them, and keeps the home key as before', async () => {
    const { session } = await homeSession()
    const home = session.getAuthKey()
    const four = await keyOf(randomBytes(256))
    session.restoreDcKey(4, four)
    expect(session.getAuthKey(4)).toBe(four)
    expect(session.getAuthKey(2)).toBe(home)
    expect(session.getAuthKey()).toBe(home)
    expect(session.getAuthKey(5)).toBeUndefined()
    // GramJS reports a key it just created for another DC: not authorized yet, not kept
    session.setAuthKey(await keyOf(randomBytes(256)), 5)
    expect(session.getAuthKey(5)).toBeUndefined()
    session.setAuthKey(undefined, 4)
    expect(session.getAuthKey(4)).toBeUndefined()
    expect(session.getAuthKey()).toBe(home)
    expect(() => session.restoreDcKey(2, four)).toThrow('home DC')
    // the session string is GramJS's: other DCs' keys never go into it
    session.restoreDcKey(4, four)
    const plain = new PortSafeStringSession()
    plain.setDC(2, '127.0.0.1', 443)
    plain.setAuthKey(home)
    expect(session.save()).toBe(plain.save())
  })
})

describe('loadDcKeys', () => {
  let dir: string
  let path: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgp-dckeys-unit-'))
    path = dcKeysPathFor(join(dir, 'a.session'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const write = (value: unknown): Promise<void> => writeFile(path, typeof value === 'string' ? value : JSON.stringify(value), { mode: 0o600 })

  it('loads the keys of the current login only, skipping the home DC and malformed entries', async () => {
    const { session, homeId } = await homeSession()
    const four = randomBytes(256)
    await write({
      version: 1,
      home: homeId,
      keys: { '4': four.toString('base64'), '2': randomBytes(256).toString('base64'), '5': 'c2hvcnQ=', x: four.toString('base64') },
    })
    expect(dcKeysPathFor(join(dir, 'a.session'))).toBe(join(dir, 'a.session.dc-keys.json'))
    expect(await loadDcKeys(path, session)).toBe(1)
    expect(session.getAuthKey(4)!.getKey()!.equals(four)).toBe(true)
    expect(session.getAuthKey(5)).toBeUndefined()
  })

  it.each([
    ['another login', (homeId: string) => ({ version: 1, home: `${homeId}1`, keys: { '4': randomBytes(256).toString('base64') } })],
    ['another version', (homeId: string) => ({ version: 2, home: homeId, keys: { '4': randomBytes(256).toString('base64') } })],
    ['a damaged file', () => '{"version":1,"ho'],
  ])('ignores %s', async (_label, content) => {
    const { session, homeId } = await homeSession()
    await write(content(homeId))
    expect(await loadDcKeys(path, session)).toBe(0)
    expect(session.getAuthKey(4)).toBeUndefined()
  })

  it('loads nothing when there is no file', async () => {
    const { session } = await homeSession()
    expect(await loadDcKeys(path, session)).toBe(0)
  })

  it('refuses a file other users can read, like the session file', async () => {
    const { session, homeId } = await homeSession()
    await write({ version: 1, home: homeId, keys: {} })
    await chmod(path, 0o644)
    const error = await loadDcKeys(path, session).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionFileError)
    expect((error as Error).message).toBe(`authorization keys file ${path} is accessible by other users (mode 644); run "chmod 600 ${path}" if that is safe, or log in again`)
  })
})
