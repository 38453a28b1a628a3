/**
 * Telegram's flood waits through the endpoint, with the emulator's request-count flood rules: a wait longer than
 * the budget reaches the client as 429 with `retry_after` (in grammY's and GramIO's error classes), a short one is
 * waited out and the client just gets its answer.
 */
import { Api, GrammyError } from 'grammy'
import { Bot, TelegramError } from 'gramio'
import { sha256, startServeHarness, truthOfFileId } from './helpers.js'
import type { ServeHarness } from './helpers.js'

let s: ServeHarness

beforeAll(async () => {
  s = await startServeHarness({
    floodRules: {
      // The first page passes; the next request is the first of an hour-long wait, answered FLOOD_WAIT_3600.
      'photos.GetUserPhotos': { requests: 1, waitSeconds: 3600 },
      'users.GetSavedMusic': { requests: 0, waitSeconds: 3600 },
      // The first download passes; the second waits one second, which the endpoint waits out.
      'upload.GetFile': { requests: 1, waitSeconds: 1 },
    },
  })
})

afterAll(async () => {
  await s?.close()
})

describe('flood waits through tg-profile serve', () => {
  let fileId: string

  it('gives grammY a 429 with retry_after for a wait too long to wait out', async () => {
    const api = new Api(s.token, { apiRoot: s.server.url })
    const first = await api.getUserProfilePhotos(s.user.id, { limit: 1 })
    fileId = first.photos[0]!.at(-1)!.file_id
    const error = await api.getUserProfilePhotos(s.user.id, { limit: 1 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GrammyError)
    const e = error as GrammyError
    expect([e.error_code, e.description, e.parameters]).toEqual([429, 'Too Many Requests: retry after 3600', { retry_after: 3600 }])
  })

  it('gives GramIO a 429 TelegramError with retry_after', async () => {
    const bot = new Bot(s.token, { api: { baseURL: `${s.server.url}/bot` } })
    const api = bot.api as unknown as { getUserProfileAudios(p: { user_id: number }): Promise<unknown> }
    const error = await api.getUserProfileAudios({ user_id: s.user.id }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TelegramError)
    const e = error as TelegramError<'getMe'>
    expect([e.code, e.message, e.payload]).toEqual([429, 'Too Many Requests: retry after 3600', { retry_after: 3600 }])
  })

  it('waits out a short flood wait of a download and delivers the file', async () => {
    const truth = truthOfFileId(s.user, fileId)!
    for (let i = 0; i < 2; i++) {
      const file = (await (await fetch(`${s.bot}/getFile?file_id=${fileId}`)).json()) as { result: { file_path: string } }
      const res = await fetch(`${s.server.url}/file/bot${s.token}/${file.result.file_path}`)
      const bytes = new Uint8Array(await res.arrayBuffer())
      expect([res.status, bytes.length, sha256(bytes)]).toEqual([200, truth.bytes, truth.sha256])
    }
  })

  it('answers 429 for a short wait beyond the budget, rather than letting the client sleep through it', async () => {
    // The download rule's window is used up by the downloads above: the next part meets FLOOD_WAIT_1.
    const tight = await s.another({ floodWaitBudgetMs: 0 })
    const file = (await (await fetch(`${tight.url}/bot${s.token}/getFile?file_id=${fileId}`)).json()) as { result: { file_path: string } }
    const res = await fetch(`${tight.url}/file/bot${s.token}/${file.result.file_path}`)
    expect([res.status, await res.text()]).toEqual([429, '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}\n'])
  })
})
