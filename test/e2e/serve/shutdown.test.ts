/**
 * Closing the endpoint (what SIGINT/SIGTERM do in `tg-profile serve`): a request under way still gets its answer
 * and its connection is then let go, new connections are refused, and a request that outlasts the grace is cut.
 */
import type { TelegramClient } from 'telegram'
import type { Api } from 'telegram'
import { startServeHarness } from './helpers.js'
import type { ServeHarness } from './helpers.js'

let s: ServeHarness

/** Holds `client`'s calls of `className` until released; resolves `reached` when one is held. */
function holdCalls(client: TelegramClient, className: string): { reached: Promise<void>; release: () => void; restore: () => void } {
  const invoke = client.invoke.bind(client)
  let release!: () => void
  let reachedIt!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const reached = new Promise<void>((resolve) => (reachedIt = resolve))
  client.invoke = (async (request: Api.AnyRequest, dcId?: number) => {
    if (request.className === className) {
      reachedIt()
      await gate
    }
    return invoke(request, dcId)
  }) as typeof client.invoke
  return { reached, release, restore: () => (client.invoke = invoke as typeof client.invoke) }
}

beforeAll(async () => {
  s = await startServeHarness({})
})

afterAll(async () => {
  await s?.close()
})

describe('closing the endpoint', () => {
  it('lets a request under way finish, refuses new connections, and resolves', async () => {
    const server = await s.another({ closeGraceMs: 120_000 })
    const hold = holdCalls(s.h.client, 'photos.GetUserPhotos')
    try {
      const pending = fetch(`${server.url}/bot${s.token}/getUserProfilePhotos?user_id=${s.user.id}&limit=1`)
      await hold.reached
      let closed = false
      const closing = server.close().then(() => (closed = true))
      await expect(fetch(`${server.url}/bot${s.token}/getMe`)).rejects.toThrow('fetch failed')
      expect(closed).toBe(false)
      hold.release()
      const res = await pending
      expect([res.status, res.headers.get('connection'), ((await res.json()) as { ok: boolean }).ok]).toEqual([200, 'close', true])
      await closing
    } finally {
      hold.restore()
      hold.release()
    }
  })

  it('cuts a request that outlasts the grace', async () => {
    const server = await s.another({ closeGraceMs: 50 })
    const hold = holdCalls(s.h.client, 'photos.GetUserPhotos')
    try {
      const pending = fetch(`${server.url}/bot${s.token}/getUserProfilePhotos?user_id=${s.user.id}&limit=1`).then(
        (res) => res.status,
        () => 'refused or cut',
      )
      await hold.reached
      await server.close()
      expect(await pending).toBe('refused or cut')
    } finally {
      hold.restore()
      hold.release()
    }
  })
})
