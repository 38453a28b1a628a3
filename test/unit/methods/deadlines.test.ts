import { Api } from 'telegram'
import { photoSizeFileId } from '../../../src/botapi/file-id.js'
import { EntityCache, attachEntityCache } from '../../../src/client/entity-cache.js'
import { BotApiError, TimeoutError } from '../../../src/errors/index.js'
import { downloadFile } from '../../../src/methods/download-file.js'
import { getUserProfileAudios } from '../../../src/methods/get-user-profile-audios.js'
import { getUserProfilePhotos } from '../../../src/methods/get-user-profile-photos.js'
import { iterUserProfilePhotos } from '../../../src/methods/iter-user-profile-photos.js'
import { resolveUser } from '../../../src/methods/resolve-user.js'
import { numberedPhoto } from '../botapi/fixtures.js'
import { FakeClient } from './fake-client.js'
import { rejection } from '../../helpers/rejection.js'

async function drain(it: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of it) void _
}

const PHOTO = numberedPhoto(0)

/** A client that knows @durov (3 photos) and never answers requests of `unanswered`. */
function clientWith(...unanswered: string[]): FakeClient {
  const client = new FakeClient()
  client.addUser('1000', '55', 'durov', 3)
  attachEntityCache(client, EntityCache.memory())
  for (const name of unanswered) client.account.unanswered.add(name)
  return client
}

type Call = [string, string, (c: FakeClient, options: { timeoutMs?: number; signal?: AbortSignal }) => Promise<unknown>]

const calls: Call[] = [
  ['getUserProfilePhotos', 'photos.GetUserPhotos', (c, o) => getUserProfilePhotos(c, { user_id: '@durov' }, o)],
  ['getUserProfileAudios', 'users.GetSavedMusic', (c, o) => getUserProfileAudios(c, { user_id: '@durov' }, o)],
  ['resolveUser', 'contacts.ResolveUsername', (c, o) => resolveUser(c, '@durov', o)],
  ['iterUserProfilePhotos', 'photos.GetUserPhotos', (c, o) => drain(iterUserProfilePhotos(c, '@durov', o))],
  ['downloadFile', 'upload.GetFile', (c, o) => downloadFile(c, photoSizeFileId(PHOTO, 'x'), o)],
]

describe('every call ends', () => {
  it.each(calls)('%s fails with a TimeoutError when %s is never answered', async (method, request, run) => {
    const client = clientWith(request)
    const e = await rejection(run(client, { timeoutMs: 25 }))
    expect(e).toBeInstanceOf(TimeoutError)
    expect(e).toMatchObject({ method, timeoutMs: 25, code: 'ETIMEDOUT' })
    expect(client.callsOf(request)).toHaveLength(1)
  })

  it.each(calls)('%s rejects with the signal reason when aborted while %s is pending', async (_method, request, run) => {
    const client = clientWith(request)
    const controller = new AbortController()
    const reason = new Error('user stopped')
    const call = run(client, { signal: controller.signal })
    // Aborts once the request is on its way (the fake records it synchronously in invoke).
    while (client.callsOf(request).length === 0) await new Promise((resolve) => setImmediate(resolve))
    controller.abort(reason)
    expect(await rejection(call)).toBe(reason)
  })

  it.each(calls)('%s sends nothing with a signal already aborted', async (_method, _request, run) => {
    const client = clientWith()
    const e = await rejection(run(client, { signal: AbortSignal.abort('early') }))
    expect(e).toBe('early')
    expect(client.calls).toHaveLength(0)
  })

  it.each(calls)('%s refuses a bad timeoutMs with a 400 before any call', async (method, _request, run) => {
    const client = clientWith()
    const e = await rejection(run(client, { timeoutMs: 0 }))
    expect(e).toBeInstanceOf(BotApiError)
    expect(e).toMatchObject({ error_code: 400, method, description: 'Bad Request: timeoutMs must be an integer between 1 and 2147483647' })
    expect(client.calls).toHaveLength(0)
  })

  it('gives each page of the iterator its own deadline', async () => {
    const client = clientWith()
    client.addUser('2000', '66', 'many', 250)
    const seen: string[] = []
    for await (const item of iterUserProfilePhotos(client, '@many', { timeoutMs: 1000 })) seen.push(item.photo_id)
    expect(seen).toHaveLength(250)
    expect(client.callsOf('photos.GetUserPhotos')).toHaveLength(3)
  })

  it('answers as before when the answer comes in time', async () => {
    const client = clientWith()
    const photos = await getUserProfilePhotos(client, { user_id: '@durov' }, { timeoutMs: 1000 })
    expect(photos.total_count).toBe(3)
    expect(client.calls[1]?.request).toBeInstanceOf(Api.photos.GetUserPhotos)
  })
})
