/**
 * Unmodified Bot API libraries pointed at the endpoint: grammY's `Api` (option `apiRoot`) and GramIO's `Bot`
 * (option `api.baseURL`) list photos and audios, fetch `getFile` and download, and receive the Bot API's errors.
 */
import { Api, GrammyError } from 'grammy'
import { Bot, TelegramError } from 'gramio'
import { parseProfileFileId } from '../../../src/botapi/file-id.js'
import { sha256, startServeHarness, truthOfFileId } from './helpers.js'
import type { ServeHarness } from './helpers.js'

let s: ServeHarness
let grammy: Api
let gramio: Bot

beforeAll(async () => {
  // A file_id carries the second its file reference was issued: on a frozen clock two listings of the same page
  // (through a library and directly) give the same bytes.
  const frozen = Date.now()
  s = await startServeHarness({ clock: { now: () => frozen } })
  grammy = new Api(s.token, { apiRoot: s.server.url })
  gramio = new Bot(s.token, { api: { baseURL: `${s.server.url}/bot` } })
})

afterAll(async () => {
  await s?.close()
})

/** The photo ids of a page, in order. */
function photoIds(photos: { file_id: string }[][]): string[] {
  return photos.map((sizes) => parseProfileFileId(sizes[0]!.file_id).id.toString())
}

describe('grammY Api against tg-profile serve', () => {
  it('getMe answers the account as a Bot API User', async () => {
    const me = await s.h.client.getMe()
    expect(await grammy.getMe()).toEqual({ id: Number(me.id.toString()), is_bot: false, first_name: me.firstName, username: me.username })
  })

  it('getUserProfilePhotos lists up to 100 photos, newest first, and pages with offset and limit', async () => {
    const all = await grammy.getUserProfilePhotos(s.user.id)
    expect(all.total_count).toBe(s.user.photos.length)
    expect(photoIds(all.photos)).toEqual(s.user.photos.slice(0, 100).map((p) => p.id))
    const page = await grammy.getUserProfilePhotos(s.user.id, { offset: 1, limit: 2 })
    expect(page).toEqual({ total_count: s.user.photos.length, photos: all.photos.slice(1, 3) })
  })

  it('getUserProfileAudios lists the profile audios', async () => {
    const result = await grammy.raw.getUserProfileAudios({ user_id: s.user.id } as never) as unknown as { total_count: number; audios: { file_size: number; title: string; mime_type: string }[] }
    expect(result.total_count).toBe(s.user.audios.length)
    expect(result.audios.map((a) => [a.title, a.file_size, a.mime_type])).toEqual(s.user.audios.map((a) => [a.title, a.bytes, a.mimeType]))
  })

  it('getFile gives a file_path whose download is the file, with Content-Length and Content-Type', async () => {
    const { photos } = await grammy.getUserProfilePhotos(s.user.id, { limit: 1 })
    const largest = photos[0]!.at(-1)!
    const file = await grammy.getFile(largest.file_id)
    expect(file).toEqual({ file_id: largest.file_id, file_unique_id: largest.file_unique_id, file_size: largest.file_size, file_path: `profile_photos/${largest.file_id}.jpg` })
    const res = await fetch(`${s.server.url}/file/bot${s.token}/${file.file_path}`)
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect([res.status, res.headers.get('content-type'), res.headers.get('content-length')]).toEqual([200, 'image/jpeg', String(largest.file_size)])
    expect(sha256(bytes)).toBe(truthOfFileId(s.user, largest.file_id)!.sha256)
  })

  it('receives 400 "user not found" as a GrammyError', async () => {
    const error = await grammy.getUserProfilePhotos(999_999_999).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GrammyError)
    const e = error as GrammyError
    expect([e.error_code, e.description, e.parameters]).toEqual([400, 'Bad Request: user not found', {}])
  })
})

describe('GramIO Bot against tg-profile serve', () => {
  it('getUserProfilePhotos pages as grammY does', async () => {
    const page = await gramio.api.getUserProfilePhotos({ user_id: s.user.id, offset: 2, limit: 1 })
    expect(page.total_count).toBe(s.user.photos.length)
    expect(photoIds(page.photos)).toEqual([s.user.photos[2]!.id])
  })

  it('getUserProfileAudios, getFile and downloadFile give the audio byte for byte', async () => {
    const api = gramio.api as unknown as { getUserProfileAudios(p: { user_id: number; limit: number }): Promise<{ audios: { file_id: string; file_name: string }[] }> }
    const { audios } = await api.getUserProfileAudios({ user_id: s.user.id, limit: 1 })
    const audio = audios[0]!
    const file = await gramio.api.getFile({ file_id: audio.file_id })
    expect(file.file_path).toBe(`music/${audio.file_id}.mp3`)
    const bytes = new Uint8Array((await gramio.downloadFile(audio.file_id)) as ArrayBuffer)
    const truth = s.user.audios[0]!
    expect([bytes.length, sha256(bytes)]).toEqual([truth.bytes, truth.sha256])
  })

  it('receives 400 "user not found" as a TelegramError', async () => {
    const error = await gramio.api.getUserProfilePhotos({ user_id: 999_999_999 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TelegramError)
    const e = error as TelegramError<'getUserProfilePhotos'>
    expect([e.code, e.message]).toEqual([400, 'Bad Request: user not found'])
  })
})
