import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Api } from 'telegram'
import bigInt from 'big-integer'
import { EntityCache, attachEntityCache, entityCachePathFor, getEntityCache, rememberUsers } from '../../../src/client/entity-cache.js'
import { TgProfileError } from '../../../src/errors/index.js'
import { resolveUser } from '../../../src/methods/resolve-user.js'
import { user } from '../botapi/fixtures.js'
import { FakeClient } from '../methods/fake-client.js'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tg-profile-cache-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('EntityCache', () => {
  it('persists ids, access hashes and usernames across two instances', async () => {
    const path = entityCachePathFor(join(dir, 'account.session'))
    const a = await EntityCache.open(path)
    expect(a.addUsers([user('1000', '-55', 'Durov'), user('2000', '77')])).toBe(2)
    await a.close()

    const b = await EntityCache.open(path)
    expect(b.size).toBe(2)
    expect(b.get(1000n)).toEqual({ id: 1000n, accessHash: -55n, usernames: ['durov'] })
    expect(b.getByUsername('DUROV')?.id).toBe(1000n)
    expect(b.get(2000n)?.accessHash).toBe(77n)
    await b.close()
  })

  it('writes the file with mode 0600 and leaves no temporary file behind', async () => {
    const path = join(dir, 'sub', 'cache.json')
    const cache = await EntityCache.open(path)
    cache.set(1n, 2n, ['Name'])
    await cache.flush()
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect(await readdir(join(dir, 'sub'))).toEqual(['cache.json'])
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      version: 1,
      users: { '1': { access_hash: '2', usernames: ['name'] } },
    })
    await cache.close()
  })

  it('replaces the file atomically: a reader sees the old or the new content, never a mix', async () => {
    const path = join(dir, 'cache.json')
    const cache = await EntityCache.open(path)
    cache.set(1n, 1n)
    await cache.flush()
    const before = await readFile(path, 'utf8')
    cache.set(2n, 2n)
    const writing = cache.flush()
    const during = await readFile(path, 'utf8')
    await writing
    const after = await readFile(path, 'utf8')
    expect([before, after]).toContain(during)
    expect(JSON.parse(after).users['2']).toEqual({ access_hash: '2', usernames: [] })
    await cache.close()
  })

  it('saves after the debounce delay without an explicit flush', async () => {
    const path = join(dir, 'cache.json')
    const cache = await EntityCache.open(path, { saveDelayMs: 5 })
    cache.set(9n, 8n)
    for (let i = 0; i < 200; i++) {
      try {
        await stat(path)
        break
      } catch {
        await new Promise((r) => setTimeout(r, 10))
      }
    }
    expect(JSON.parse(await readFile(path, 'utf8')).users['9']).toEqual({ access_hash: '8', usernames: [] })
    await cache.close()
  })

  it('does not write when nothing changed', async () => {
    const path = join(dir, 'cache.json')
    const cache = await EntityCache.open(path)
    cache.set(1n, 1n, ['abcd'])
    await cache.flush()
    const mtime = (await stat(path)).mtimeMs
    expect(cache.set(1n, 1n, ['ABCD'])).toBe(false)
    await cache.flush()
    expect((await stat(path)).mtimeMs).toBe(mtime)
    await cache.close()
  })

  it('moves a username to its new owner and drops renamed ones', () => {
    const cache = EntityCache.memory()
    cache.addUsers([user('1', '1', 'first')])
    cache.addUsers([user('2', '2', 'first')])
    expect(cache.getByUsername('first')?.id).toBe(2n)
    expect(cache.get(1n)?.usernames).toEqual([])
    cache.addUsers([user('2', '2', 'second')])
    expect(cache.getByUsername('first')).toBeUndefined()
    expect(cache.getByUsername('second')?.id).toBe(2n)
  })

  it('skips min users and remembers the self id', () => {
    const cache = EntityCache.memory()
    expect(cache.addUsers([user('5', '5', 'minuser', { min: true })])).toBe(0)
    expect(cache.get(5n)).toBeUndefined()
    cache.addUsers([new Api.User({ id: bigInt(7), accessHash: bigInt(3), self: true })])
    expect(cache.selfId).toBe(7n)
  })

  it('refuses a corrupt file with a clear error', async () => {
    const path = join(dir, 'cache.json')
    await writeFile(path, '{"version":1,"users":')
    await expect(EntityCache.open(path)).rejects.toThrow(TgProfileError)
  })

  it('lets a later process resolve a username and an id with zero calls', async () => {
    const path = join(dir, 'cache.json')
    const first = new FakeClient()
    first.addUser('1000', '55', 'durov')
    const c1 = await EntityCache.open(path)
    attachEntityCache(first, c1)
    await resolveUser(first, '@durov')
    expect(first.calls).toHaveLength(1)
    await c1.close()

    const second = new FakeClient()
    attachEntityCache(second, await EntityCache.open(path))
    const byName = await resolveUser(second, 'durov')
    const byId = await resolveUser(second, 1000n)
    expect(byName.userId).toBe(1000n)
    expect((byId.inputUser as Api.InputUser).accessHash.toString()).toBe('55')
    expect(second.calls).toHaveLength(0)
    await getEntityCache(second).close()
  })

  it('gives every client without an attached cache its own in-memory one', () => {
    const a = new FakeClient()
    const b = new FakeClient()
    expect(getEntityCache(a)).toBe(getEntityCache(a))
    expect(getEntityCache(a)).not.toBe(getEntityCache(b))
    expect(getEntityCache(a).path).toBeUndefined()
  })
})

describe('EntityCache shared by two processes', () => {
  it('keeps users the other instance saved meanwhile', async () => {
    const path = join(dir, 'cache.json')
    const a = await EntityCache.open(path)
    const b = await EntityCache.open(path)
    a.set(1n, 11n, ['alpha'])
    await a.flush()
    b.set(2n, 22n, ['beta'])
    await b.flush()
    const c = await EntityCache.open(path)
    expect(c.get(1n)?.accessHash).toBe(11n)
    expect(c.getByUsername('beta')?.id).toBe(2n)
    await Promise.all([a.close(), b.close(), c.close()])
  })

  it('keeps users another instance saved between two of its own saves, however many saves came before', async () => {
    const path = join(dir, 'cache.json')
    const a = await EntityCache.open(path)
    const b = await EntityCache.open(path)
    for (let i = 1n; i <= 3n; i++) {
      a.set(i, i)
      await a.flush()
    }
    b.set(100n, 7n, ['other'])
    await b.flush()
    a.set(4n, 4n)
    await a.flush()
    const saved = JSON.parse(await readFile(path, 'utf8')) as { users: Record<string, unknown> }
    expect(Object.keys(saved.users).sort()).toEqual(['1', '100', '2', '3', '4'])
    await Promise.all([a.close(), b.close()])
  })

  it('still saves when another writer left an entry it cannot read, keeping the readable ones', async () => {
    const path = join(dir, 'cache.json')
    const a = await EntityCache.open(path)
    const users = { '5': { access_hash: 'not a number', usernames: [] }, '6': { access_hash: '66', usernames: ['six'] } }
    await writeFile(path, JSON.stringify({ version: 1, users }))
    a.set(1n, 11n)
    await a.flush()
    const saved = JSON.parse(await readFile(path, 'utf8')) as { users: Record<string, unknown> }
    expect(saved.users).toEqual({ '1': { access_hash: '11', usernames: [] }, '6': { access_hash: '66', usernames: ['six'] } })
    await a.close()
  })

  it('waits longer before saving a large cache: a save rewrites every user', async () => {
    const path = join(dir, 'cache.json')
    const users: Record<string, { access_hash: string; usernames: string[] }> = {}
    for (let i = 1; i <= 3000; i++) users[String(i)] = { access_hash: String(i), usernames: [] }
    await writeFile(path, JSON.stringify({ version: 1, users }))
    const cache = await EntityCache.open(path, { saveDelayMs: 5 })
    cache.set(5000n, 1n)
    // 5 ms for a small cache; about 3 s for 3 000 users.
    await new Promise((r) => setTimeout(r, 300))
    expect(JSON.parse(await readFile(path, 'utf8')).users['5000']).toBeUndefined()
    await cache.close()
    expect(JSON.parse(await readFile(path, 'utf8')).users['5000']).toEqual({ access_hash: '1', usernames: [] })
  })
})

describe('rememberUsers', () => {
  it('takes users from a Vector<User> and from answers with a users list', () => {
    const client = new FakeClient()
    expect(rememberUsers(client, [user('1', '10'), new Api.UserEmpty({ id: bigInt(3) })])).toBe(1)
    expect(rememberUsers(client, new Api.photos.Photos({ photos: [], users: [user('2', '20', 'second')] }))).toBe(1)
    expect(rememberUsers(client, 42)).toBe(0)
    expect(getEntityCache(client).getByUsername('second')?.accessHash).toBe(20n)
    expect(getEntityCache(client).get(1n)?.accessHash).toBe(10n)
  })
})
