import { getEventListeners } from 'node:events'
import type { Api } from 'telegram'
import { FloodGate, MethodWaiting } from '../../../src/archive/flood-gate.js'
import { floodSeconds, GatedClient } from '../../../src/archive/gated-client.js'
import { BotApiError, NetworkError } from '../../../src/errors/index.js'
import { FakeClock, settle } from './fake-clock.js'

const request = (className: string): Api.AnyRequest => ({ className, classType: 'request' }) as unknown as Api.AnyRequest
const flood = (seconds: number): BotApiError =>
  new BotApiError(429, `Too Many Requests: retry after ${seconds}`, { parameters: { retry_after: seconds }, mtprotoError: `FLOOD_WAIT_${seconds}` })

/** A fake client whose answers the test gives one by one. */
function fakeClient(clock: FakeClock) {
  const calls: { method: string; dcId: number | undefined; at: number; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = []
  let inFlight = 0
  let maxInFlight = 0
  return {
    calls,
    get maxInFlight() {
      return maxInFlight
    },
    session: { dcId: 2 },
    invoke(req: Api.AnyRequest, dcId?: number): Promise<unknown> {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      return new Promise((resolve, reject) => {
        calls.push({
          method: req.className,
          dcId,
          at: clock.now(),
          resolve: (v) => {
            inFlight--
            resolve(v)
          },
          reject: (e) => {
            inFlight--
            reject(e)
          },
        })
      })
    },
  }
}

function setup(options: { maxRetries?: number; timeoutMs?: number; signal?: AbortSignal } = {}) {
  const clock = new FakeClock()
  const inner = fakeClient(clock)
  const retries: { method: string; attempt: number; reason: string; delay_ms: number }[] = []
  let gated: GatedClient | undefined
  const gate = new FloodGate({ maxWaitSeconds: 60, floodSeconds, clock, onWait: (method) => gated?.serialize(method) })
  gated = new GatedClient(inner, gate, {
    clock,
    maxRetries: options.maxRetries ?? 3,
    timeoutMs: options.timeoutMs ?? 10_000,
    onRetry: (r) => retries.push(r),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  })
  return { clock, inner, gate, gated, retries }
}

describe('GatedClient', () => {
  it("listens on the caller's signal once, however many requests are in flight", async () => {
    const signal = new AbortController().signal
    const { inner, gated } = setup({ signal })
    const answers = Array.from({ length: 12 }, () => gated.invoke(request('upload.GetFile'), 4))
    await settle()
    expect(inner.calls).toHaveLength(12)
    // More than Node's 10 would print a MaxListenersExceededWarning on the archive's stderr.
    expect(getEventListeners(signal, 'abort')).toHaveLength(1)
    for (const call of inner.calls) call.resolve('ok')
    await Promise.all(answers)
  })

  it('sends again after a network failure, with doubling backoff, and counts every request sent', async () => {
    const { clock, inner, gated, retries } = setup()
    const answer = gated.invoke(request('upload.GetFile'), 4)
    await settle()
    inner.calls[0]!.reject(new NetworkError('connection closed'))
    await clock.advance(200)
    expect(inner.calls).toHaveLength(2)
    inner.calls[1]!.reject(new NetworkError('connection closed'))
    await clock.advance(399)
    expect(inner.calls).toHaveLength(2)
    await clock.advance(1)
    inner.calls[2]!.resolve('bytes')
    await expect(answer).resolves.toBe('bytes')
    expect(inner.calls.map((c) => c.dcId)).toEqual([4, 4, 4])
    expect(retries.map((r) => [r.attempt, r.delay_ms])).toEqual([
      [1, 200],
      [2, 400],
    ])
    expect(gated.rpc).toEqual({ 'upload.GetFile': 3 })
    expect(gated.retries).toBe(2)
  })

  it('gives up after maxRetries and passes on answers that are not worth repeating at once', async () => {
    const { clock, inner, gated } = setup({ maxRetries: 1 })
    const lost = gated.invoke(request('photos.GetUserPhotos'))
    await settle()
    inner.calls[0]!.reject(new NetworkError('reset'))
    await clock.advance(200)
    inner.calls[1]!.reject(new NetworkError('reset again'))
    await expect(lost).rejects.toThrow('reset again')
    const bad = gated.invoke(request('photos.GetUserPhotos'))
    await settle()
    inner.calls[2]!.reject(new BotApiError(400, 'Bad Request: user not found'))
    await expect(bad).rejects.toThrow('Bad Request: user not found')
    expect(inner.calls).toHaveLength(3)
  })

  it('treats a request without an answer by the deadline as lost and sends it again', async () => {
    const { clock, inner, gated, retries } = setup({ timeoutMs: 5000 })
    const answer = gated.invoke(request('photos.GetUserPhotos'))
    await settle()
    await clock.advance(5000)
    expect(retries).toEqual([
      { method: 'photos.GetUserPhotos', attempt: 1, reason: 'network: Network error: no answer to photos.getUserPhotos within 5000 ms', delay_ms: 200 },
    ])
    await clock.advance(200)
    expect(inner.calls).toHaveLength(2)
    inner.calls[1]!.resolve('page')
    await expect(answer).resolves.toBe('page')
  })

  it('after a flood wait sends the method one request at a time and never before the wait is over', async () => {
    const { clock, inner, gate, gated } = setup()
    const answers = [1, 2, 3, 4].map(() => gated.invoke(request('upload.GetFile')))
    await settle()
    expect(inner.calls).toHaveLength(4) // before any flood wait: all in flight
    const floodAt = clock.now()
    inner.calls[0]!.reject(flood(3))
    // An answer that reaches us after the wait began lets no new request out.
    inner.calls[1]!.resolve('b')
    inner.calls[2]!.resolve('c')
    inner.calls[3]!.resolve('d')
    await settle()
    expect(inner.calls).toHaveLength(4)
    const more = [5, 6, 7].map(() => gated.invoke(request('upload.GetFile')))
    await clock.advance(2999)
    expect(inner.calls).toHaveLength(4)
    await clock.advance(1)
    // Left: the refused request, three new ones, and the one refused again below.
    for (let i = 4; i < 9; i++) {
      expect(inner.calls).toHaveLength(i + 1) // exactly one in flight
      expect(inner.calls[i]!.at).toBeGreaterThanOrEqual(floodAt + 3000)
      if (i === 5) {
        // A second flood wait while serialized: the queued requests wait for it too.
        inner.calls[i]!.reject(flood(2))
        await clock.advance(1999)
        expect(inner.calls).toHaveLength(6)
        await clock.advance(1)
        continue
      }
      inner.calls[i]!.resolve(`r${i}`)
      await settle()
    }
    await Promise.all([...answers, ...more])
    // The gate also counts the requests handed back to it while a wait ran; the summary counts Telegram's only.
    expect(gate.floodWaits()['upload.GetFile']).toBe(2 + (gated.heldBack['upload.GetFile'] ?? 0))
    expect(gated.floodWaits()).toEqual({ 'upload.GetFile': 2 })
    expect(inner.calls).toHaveLength(9)
  }, 5000)

  it('connects to another DC before the gate lets a request through, so none leaves during a wait too long to sit out', async () => {
    const clock = new FakeClock()
    const inner = fakeClient(clock)
    let connected: (() => void) | undefined
    const senders: number[] = []
    const withSender = Object.assign(inner, {
      getSender: (dcId: number): Promise<unknown> => {
        senders.push(dcId)
        return new Promise((resolve) => {
          connected = () => resolve(undefined)
        })
      },
    })
    const gate = new FloodGate({ maxWaitSeconds: 1, floodSeconds, clock })
    const gated = new GatedClient(withSender, gate, { clock, maxRetries: 3, timeoutMs: 10_000 })
    const home = gated.invoke(request('upload.GetFile'))
    const other = gated.invoke(request('upload.GetFile'), 4)
    await settle()
    expect(senders).toEqual([4])
    expect(inner.calls.map((c) => c.dcId)).toEqual([undefined]) // DC 4 still connecting: not let through yet
    inner.calls[0]!.reject(flood(5)) // longer than maxWaitSeconds: the method waits
    await expect(home).rejects.toBeInstanceOf(MethodWaiting)
    connected?.()
    await expect(other).rejects.toBeInstanceOf(MethodWaiting)
    expect(inner.calls).toHaveLength(1)
  })
})
