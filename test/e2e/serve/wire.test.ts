/**
 * The endpoint on the wire, with plain fetch: every request encoding gives the same bytes, and the refusals
 * (token, method, path, body size, load, bind address) are telegram-bot-api's status codes and envelopes.
 */
import { startServer } from '../../../src/serve/index.js'
import { startServeHarness } from './helpers.js'
import type { ServeHarness } from './helpers.js'

let s: ServeHarness

beforeAll(async () => {
  // A file_id carries its file reference, which carries the second it was issued: on a frozen clock every request
  // for the same page gives the same bytes.
  const frozen = Date.now()
  s = await startServeHarness({ clock: { now: () => frozen } })
})

afterAll(async () => {
  await s?.close()
})

async function text(res: Response): Promise<[number, string | null, string]> {
  return [res.status, res.headers.get('content-type'), await res.text()]
}

describe('request encodings', () => {
  let expected: string

  beforeAll(async () => {
    const res = await fetch(`${s.bot}/getUserProfilePhotos?user_id=${s.user.id}&offset=1&limit=2`)
    expected = await res.text()
    expect(JSON.parse(expected)).toMatchObject({ ok: true, result: { total_count: s.user.photos.length } })
  })

  it('accepts application/x-www-form-urlencoded', async () => {
    const body = new URLSearchParams({ user_id: String(s.user.id), offset: '1', limit: '2' })
    expect(await text(await fetch(`${s.bot}/getUserProfilePhotos`, { method: 'POST', body }))).toEqual([200, 'application/json', expected])
  })

  it('accepts multipart/form-data', async () => {
    const body = new FormData()
    body.set('user_id', String(s.user.id))
    body.set('offset', '1')
    body.set('limit', '2')
    expect(await text(await fetch(`${s.bot}/getUserProfilePhotos`, { method: 'POST', body }))).toEqual([200, 'application/json', expected])
  })

  it('accepts application/json with numbers as numbers or as strings', async () => {
    for (const json of [{ user_id: s.user.id, offset: 1, limit: 2 }, { user_id: String(s.user.id), offset: '1', limit: '2' }]) {
      const res = await fetch(`${s.bot}/getUserProfilePhotos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) })
      expect(await text(res)).toEqual([200, 'application/json', expected])
    }
  })

  it('takes method names in any case', async () => {
    expect(await text(await fetch(`${s.bot}/GETUSERPROFILEPHOTOS?user_id=${s.user.id}&offset=1&limit=2`))).toEqual([200, 'application/json', expected])
  })

  it('clamps limit into 1..100 as telegram-bot-api does', async () => {
    const res = await fetch(`${s.bot}/getUserProfilePhotos?user_id=${s.user.id}&limit=0`)
    const body = (await res.json()) as { result: { photos: unknown[] } }
    expect(body.result.photos.length).toBe(1)
  })

  it('reads max_id as an extension', async () => {
    const newest = s.user.photos[0]!.id
    const res = await fetch(`${s.bot}/getUserProfilePhotos?user_id=${s.user.id}&max_id=${newest}&limit=1`)
    const body = (await res.json()) as { result: { photos: unknown[][] } }
    expect(body.result.photos.length).toBe(1)
  })
})

describe('refusals', () => {
  it('answers a wrong token 401 Unauthorized', async () => {
    const wrong = `${s.token.split(':')[0]}:${'x'.repeat(35)}`
    expect(await text(await fetch(`${s.server.url}/bot${wrong}/getMe`))).toEqual([401, 'application/json', '{"ok":false,"error_code":401,"description":"Unauthorized"}\n'])
  })

  it('answers a malformed token 401 invalid token specified', async () => {
    expect(await text(await fetch(`${s.server.url}/botnot-a-token/getMe`))).toEqual([
      401,
      'application/json',
      '{"ok":false,"error_code":401,"description":"Unauthorized: invalid token specified"}\n',
    ])
  })

  it('answers an unknown method 404 method not found', async () => {
    expect(await text(await fetch(`${s.bot}/sendMessage`, { method: 'POST' }))).toEqual([
      404,
      'application/json',
      '{"ok":false,"error_code":404,"description":"Not Found: method not found"}\n',
    ])
  })

  it('answers the test environment 401 Unauthorized: the account is not there', async () => {
    expect(await text(await fetch(`${s.bot}/test/getMe`))).toEqual([401, 'application/json', '{"ok":false,"error_code":401,"description":"Unauthorized"}\n'])
  })

  it('answers a path outside /bot<token>/ 404 Not Found', async () => {
    expect(await text(await fetch(`${s.server.url}/getMe`))).toEqual([404, 'application/json', '{"ok":false,"error_code":404,"description":"Not Found"}\n'])
    expect(await text(await fetch(`${s.server.url}/file/bot${s.token}/profile_photos/nope.jpg`))).toEqual([
      404,
      'application/json',
      '{"ok":false,"error_code":404,"description":"Not Found"}\n',
    ])
  })

  it('answers a user id that is not one 400 with the library description', async () => {
    expect(await text(await fetch(`${s.bot}/getUserProfilePhotos?user_id=-5`))).toEqual([
      400,
      'application/json',
      '{"ok":false,"error_code":400,"description":"Bad Request: invalid user_id specified"}\n',
    ])
  })

  it('answers a body over the limit 413', async () => {
    const small = await s.another({ maxBodyBytes: 64 })
    const res = await fetch(`${small.url}/bot${s.token}/getMe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(100) }) })
    expect(await text(res)).toEqual([413, 'application/json', '{"ok":false,"error_code":413,"description":"Request Entity Too Large"}\n'])
  })

  it('answers 429 with Retry-After when no request may run or wait', async () => {
    const full = await s.another({ maxInFlight: 0, maxQueued: 0 })
    const res = await fetch(`${full.url}/bot${s.token}/getMe`)
    expect([res.headers.get('retry-after'), ...(await text(res))]).toEqual([
      '1',
      429,
      'application/json',
      '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}\n',
    ])
  })

  it('refuses to bind a non-loopback interface unless allowed', async () => {
    await expect(startServer({ client: s.h.client, token: s.token, host: '0.0.0.0', port: 0 })).rejects.toThrow(
      'refusing to listen on 0.0.0.0: only loopback is allowed without allowRemote (--allow-remote)',
    )
  })
})
