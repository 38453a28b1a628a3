/**
 * Clients that are slow or go away: a slow sender holds no turn of the account's bounded requests, a client that
 * never finishes its headers or body is answered 408 and let go without a call to Telegram, and one that drops a
 * download mid-way gives its turn back.
 */
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { get } from 'node:http'
import { startServeHarness } from './helpers.js'
import type { ServeHarness } from './helpers.js'

let s: ServeHarness

beforeAll(async () => {
  s = await startServeHarness({})
})

afterAll(async () => {
  await s?.close()
})

/** A raw connection to `url`'s server, with everything it receives until the server closes it. */
function rawConnection(url: string): { socket: Socket; received: () => string; closed: Promise<string> } {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  let text = ''
  socket.setEncoding('latin1')
  socket.on('data', (chunk: string) => (text += chunk))
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(text)))
  socket.on('error', () => {})
  return { socket, received: () => text, closed }
}

/** Resolves once `conn` has received `text`. */
async function receivedText(conn: { socket: Socket; received: () => string }, text: string): Promise<void> {
  while (!conn.received().includes(text)) await new Promise((resolve) => conn.socket.once('data', resolve))
}

function calls(method: string): number {
  return s.h.emu.stats().callsPerMethod[method] ?? 0
}

describe('slow clients', () => {
  it('serves others while a client is still sending its body', async () => {
    const one = await s.another({ maxInFlight: 1, maxQueued: 0 })
    const slow = rawConnection(one.url)
    const path = `/bot${s.token}/getUserProfilePhotos`
    slow.socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40\r\nExpect: 100-continue\r\n\r\n`)
    // Node answers 100 Continue right before it hands the request to the endpoint.
    await receivedText(slow, '100 Continue')
    slow.socket.write('{"user_id":')
    const res = await fetch(`${one.url}/bot${s.token}/getMe`)
    expect(res.status).toBe(200)
    slow.socket.write(`${JSON.stringify(String(s.user.id)).padEnd(28)}}`)
    await receivedText(slow, '"ok":true')
    slow.socket.destroy()
    expect(slow.received()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/)
  })

  it('answers 408 to a client that never finishes its headers, without asking Telegram', async () => {
    const quick = await s.another({ headersTimeoutMs: 200, requestTimeoutMs: 400 })
    const before = calls('users.GetUsers')
    const slow = rawConnection(quick.url)
    slow.socket.write(`GET /bot${s.token}/getMe HTTP/1.1\r\nHost: x\r\n`)
    expect(await slow.closed).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/)
    expect(calls('users.GetUsers')).toBe(before)
  })

  it('answers 408 to a client that never finishes its body, without asking Telegram', async () => {
    const quick = await s.another({ headersTimeoutMs: 200, requestTimeoutMs: 400 })
    const before = calls('photos.GetUserPhotos')
    const slow = rawConnection(quick.url)
    slow.socket.write(`POST /bot${s.token}/getUserProfilePhotos HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{"user_id":`)
    expect(await slow.closed).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/)
    expect(calls('photos.GetUserPhotos')).toBe(before)
  })
})

describe('a client that goes away', () => {
  it('gives its turn back when it drops a download after the first bytes', async () => {
    // One turn, and a queue whose wait outlasts any busy machine: a turn the download kept would end in a 429.
    const one = await s.another({ maxInFlight: 1, maxQueued: 1, queueTimeoutMs: 120_000 })
    const bot = `${one.url}/bot${s.token}`
    const photos = (await (await fetch(`${bot}/getUserProfilePhotos?user_id=${s.user.id}&limit=1`)).json()) as { result: { photos: { file_id: string }[][] } }
    const fileId = photos.result.photos[0]!.at(-1)!.file_id
    const file = (await (await fetch(`${bot}/getFile?file_id=${fileId}`)).json()) as { result: { file_path: string } }
    const firstBytes = await new Promise<number>((resolve, reject) => {
      get(`${one.url}/file/bot${s.token}/${file.result.file_path}`, (res) => {
        res.once('data', (chunk: Buffer) => {
          res.destroy()
          resolve(chunk.length)
        })
      }).on('error', reject)
    })
    expect(firstBytes).toBeGreaterThan(0)
    const again = await fetch(`${bot}/getMe`)
    expect(again.status).toBe(200)
  })
})
