import { Api } from 'telegram'
import type { TelegramClient } from 'telegram'
import type { ProfileClient } from '../../../src/client/invoke.js'
import bigInt from 'big-integer'
import { EntityCache, attachEntityCache } from '../../../src/client/entity-cache.js'
import { BotApiError, USER_NOT_CACHED_HINT } from '../../../src/errors/index.js'
import { getUserProfileAudios } from '../../../src/methods/get-user-profile-audios.js'
import { getUserProfilePhotos } from '../../../src/methods/get-user-profile-photos.js'
import { iterUserProfilePhotos } from '../../../src/methods/iter-user-profile-photos.js'
import { resolveUser } from '../../../src/methods/resolve-user.js'
import { toUserProfilePhotos } from '../../../src/botapi/photo.js'
import { audioDocument, numberedPhoto } from '../botapi/fixtures.js'
import { FakeClient } from './fake-client.js'
import { rejection } from '../../helpers/rejection.js'

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

describe('bad inputs send nothing', () => {
  const cases: [string, (c: FakeClient) => Promise<unknown>, string][] = [
    ['getUserProfilePhotos bad user', (c) => getUserProfilePhotos(c, { user_id: -1 }), 'Bad Request: invalid user_id specified'],
    ['getUserProfilePhotos limit 0', (c) => getUserProfilePhotos(c, { user_id: '@durov', limit: 0 }), 'Bad Request: limit must be an integer between 1 and 100'],
    ['getUserProfilePhotos limit 101', (c) => getUserProfilePhotos(c, { user_id: '@durov', limit: 101 }), 'Bad Request: limit must be an integer between 1 and 100'],
    ['getUserProfilePhotos offset -1', (c) => getUserProfilePhotos(c, { user_id: '@durov', offset: -1 }), 'Bad Request: offset must be a non-negative integer'],
    ['getUserProfilePhotos max_id -1', (c) => getUserProfilePhotos(c, { user_id: '@durov', max_id: -1 }), 'Bad Request: max_id must be a non-negative integer'],
    ['getUserProfileAudios bad user', (c) => getUserProfileAudios(c, { user_id: 'bad name' }), 'Bad Request: invalid user_id specified'],
    ['getUserProfileAudios limit 1000', (c) => getUserProfileAudios(c, { user_id: 'me', limit: 1000 }), 'Bad Request: limit must be an integer between 1 and 100'],
    ['iterUserProfilePhotos bad user', (c) => collect(iterUserProfilePhotos(c, '@x')), 'Bad Request: invalid user_id specified'],
    ['iterUserProfilePhotos pageSize 0', (c) => collect(iterUserProfilePhotos(c, 'me', { pageSize: 0 })), 'Bad Request: limit must be an integer between 1 and 100'],
    ['resolveUser bad user', (c) => resolveUser(c, 'https://t.me/'), 'Bad Request: invalid user_id specified'],
  ]
  it.each(cases)('%s: 400 with no call', async (_name, run, description) => {
    const client = new FakeClient()
    client.addUser('1000', '55', 'durov', 3)
    const e = await rejection(run(client))
    expect(e).toBeInstanceOf(BotApiError)
    expect((e as BotApiError).error_code).toBe(400)
    expect((e as BotApiError).description).toBe(description)
    expect(client.calls).toHaveLength(0)
  })

  it('records the method name on the error', async () => {
    const e = await rejection(getUserProfilePhotos(new FakeClient(), { user_id: 0 }))
    expect((e as BotApiError).method).toBe('getUserProfilePhotos')
  })
})

describe('resolveUser', () => {
  it('resolves "me" to inputUserSelf with no call', async () => {
    const client = new FakeClient()
    const r = await resolveUser(client, 'me')
    expect(r.inputUser).toBeInstanceOf(Api.InputUserSelf)
    expect(client.calls).toHaveLength(0)
  })

  it('rejects a numeric id never seen with 400 user not found and the hint, with no call', async () => {
    const client = new FakeClient()
    const e = (await rejection(resolveUser(client, 123456))) as BotApiError
    expect(JSON.stringify(e)).toBe('{"ok":false,"error_code":400,"description":"Bad Request: user not found"}')
    expect(e.hint).toBe(USER_NOT_CACHED_HINT)
    expect(client.calls).toHaveLength(0)
  })

  it('costs one contacts.resolveUsername for a username, then none, and the id resolves too', async () => {
    const client = new FakeClient()
    client.addUser('1000', '-55', 'Durov')
    const cache = EntityCache.memory()
    attachEntityCache(client, cache)
    const first = await resolveUser(client, '@durov')
    expect(first.userId).toBe(1000n)
    expect(first.inputUser).toBeInstanceOf(Api.InputUser)
    expect((first.inputUser as Api.InputUser).accessHash.toString()).toBe('-55')
    await resolveUser(client, 'https://t.me/DUROV')
    await resolveUser(client, 1000)
    await resolveUser(client, '1000')
    expect(client.callsOf('contacts.ResolveUsername')).toHaveLength(1)
    expect(client.calls).toHaveLength(1)
  })

  it('maps USERNAME_NOT_OCCUPIED to 400 user not found', async () => {
    const client = new FakeClient()
    const e = (await rejection(resolveUser(client, '@nobody'))) as BotApiError
    expect(e.description).toBe('Bad Request: user not found')
    expect(e.mtprotoError).toBe('USERNAME_NOT_OCCUPIED')
    expect(client.calls).toHaveLength(1)
  })
})

describe('getUserProfilePhotos', () => {
  it('makes exactly one photos.getUserPhotos call after resolution and returns the mapped page', async () => {
    const client = new FakeClient()
    client.addUser('1000', '55', 'durov', 250)
    await resolveUser(client, '@durov')
    client.calls.length = 0
    const result = await getUserProfilePhotos(client, { user_id: 1000, offset: 100, limit: 2 })
    expect(client.calls).toHaveLength(1)
    const req = client.calls[0]?.request as Api.photos.GetUserPhotos
    expect(req.offset).toBe(100)
    expect(req.limit).toBe(2)
    expect(req.maxId.toString()).toBe('0')
    const expected = toUserProfilePhotos(
      new Api.photos.PhotosSlice({ count: 250, photos: [numberedPhoto(100), numberedPhoto(101)], users: [] }),
    )
    expect(JSON.stringify(result)).toBe(JSON.stringify(expected))
    expect(result.total_count).toBe(250)
  })

  it('passes max_id through as a long', async () => {
    const client = new FakeClient()
    client.addUser('1000', '55', 'durov', 1)
    await getUserProfilePhotos(client, { user_id: '@durov', max_id: '6000000000000000123' })
    const req = client.callsOf('photos.GetUserPhotos')[0]?.request as Api.photos.GetUserPhotos
    expect(req.maxId.toString()).toBe('6000000000000000123')
  })

  it('fills the cache from users in the answer', async () => {
    const client = new FakeClient()
    const cache = EntityCache.memory()
    client.addUser('1000', '55', 'durov', 1)
    cache.set(1000n, 55n)
    client.account.users.set('other', new Api.User({ id: bigInt(1000), accessHash: bigInt(99), username: 'Renamed' }))
    await getUserProfilePhotos(client, { user_id: 1000 }, { cache })
    expect(cache.getByUsername('renamed')?.accessHash).toBe(99n)
  })

  it('translates RPC errors through the one table', async () => {
    const client = new FakeClient()
    client.addUser('1000', '55', 'durov', 1)
    client.account.failNext.set('photos.GetUserPhotos', [{ errorMessage: 'FLOOD_WAIT_7', code: 420 }])
    const e = (await rejection(getUserProfilePhotos(client, { user_id: '@durov' }))) as BotApiError
    expect(JSON.stringify(e)).toBe(
      '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}',
    )
    expect(e.method).toBe('getUserProfilePhotos')
  })
})

describe('iterUserProfilePhotos', () => {
  it.each([
    [0, 1],
    [1, 1],
    [100, 1],
    [101, 2],
    [250, 3],
  ])('yields all %i photos newest first in %i call(s)', async (n, calls) => {
    const client = new FakeClient()
    client.addUser('1000', '55', 'durov', n)
    await resolveUser(client, 'durov')
    client.calls.length = 0
    const items = await collect(iterUserProfilePhotos(client, 1000))
    expect(items).toHaveLength(n)
    expect(client.callsOf('photos.GetUserPhotos')).toHaveLength(calls)
    expect(client.calls).toHaveLength(calls)
    expect(items.map((i) => i.photo_id)).toEqual(Array.from({ length: n }, (_, i) => numberedPhoto(i).id.toString()))
    const offsets = client.calls.map((c) => (c.request as Api.photos.GetUserPhotos).offset)
    expect(offsets).toEqual(Array.from({ length: calls }, (_, i) => i * 100))
  })

  it('carries sizes, video sizes, date and dc for archival', async () => {
    const client = new FakeClient()
    client.addUser('1000', '55', 'durov', 1)
    const [item] = await collect(iterUserProfilePhotos(client, '@durov'))
    expect(item?.date).toBe(1_700_000_000)
    expect(item?.dc_id).toBe(2)
    expect(item?.sizes.map((s) => s.width)).toEqual([160, 640])
    expect(item?.video_sizes).toEqual([])
    expect(item?.photo).toBeInstanceOf(Api.Photo)
  })

  it('stops on an empty page even if the count says more', async () => {
    const client = new FakeClient()
    client.addUser('1000', '55', 'durov', 5)
    // Start past the end: the server answers an empty slice.
    const items = await collect(iterUserProfilePhotos(client, '@durov', { offset: 10, pageSize: 2 }))
    expect(items).toHaveLength(0)
    expect(client.callsOf('photos.GetUserPhotos')).toHaveLength(1)
  })

  it('pages by offset with a smaller page size', async () => {
    const client = new FakeClient()
    client.addUser('1000', '55', 'durov', 5)
    const items = await collect(iterUserProfilePhotos(client, '@durov', { pageSize: 2, offset: 1 }))
    expect(items).toHaveLength(4)
    const offsets = client.callsOf('photos.GetUserPhotos').map((c) => (c.request as Api.photos.GetUserPhotos).offset)
    expect(offsets).toEqual([1, 3])
  })
})

describe('getUserProfileAudios', () => {
  it('calls users.getSavedMusic once with hash 0 and maps the page', async () => {
    const client = new FakeClient()
    client.addUser('1000', '55', 'durov')
    client.account.audios.set('1000', [audioDocument()])
    const result = await getUserProfileAudios(client, { user_id: '@durov', limit: 5 })
    const calls = client.callsOf('users.GetSavedMusic')
    expect(calls).toHaveLength(1)
    expect(result.total_count).toBe(1)
    expect(result.audios).toHaveLength(1)
    expect(result.audios[0]?.mime_type).toBe('audio/mpeg')
  })

  it('answers total_count with no audios for users.savedMusicNotModified', async () => {
    const { SavedMusicNotModified } = await import('../../../src/tl/index.js')
    const client = new FakeClient()
    client.invoke = async () => new SavedMusicNotModified({ count: 4 })
    expect(await getUserProfileAudios(client, { user_id: 'me' })).toEqual({ total_count: 4, audios: [] })
  })
})

describe('ProfileClient', () => {
  it('is satisfied by a GramJS TelegramClient (checked by the compiler)', () => {
    const asProfileClient = (c: TelegramClient): ProfileClient => c
    expect(typeof asProfileClient).toBe('function')
  })
})
