import { FloodGate, MethodWaiting, methodWaitingIn } from '../../../src/archive/flood-gate.js'
import { BotApiError, toBotApiError } from '../../../src/errors/index.js'
import { FakeClock, settle } from './fake-clock.js'

class FloodError extends Error {
  constructor(readonly seconds: number) {
    super(`FLOOD_WAIT_${seconds}`)
  }
}

/** A fake server: records when each call of each method was sent; answers from a script. */
function server(clock: FakeClock) {
  const sent: { method: string; at: number }[] = []
  const floods = new Map<string, number[]>()
  const pending: { method: string; resolve: (v: string) => void; reject: (e: unknown) => void }[] = []
  return {
    sent,
    pending,
    /** The next calls of `method` get these flood waits, in order. */
    flood(method: string, ...seconds: number[]) {
      floods.set(method, [...(floods.get(method) ?? []), ...seconds])
    },
    /** A call that answers immediately. */
    call(method: string) {
      return async (): Promise<string> => {
        sent.push({ method, at: clock.now() })
        const next = floods.get(method)?.shift()
        if (next !== undefined) throw new FloodError(next)
        return `${method} ok`
      }
    },
    /** A call that stays in flight until the test answers it. */
    held(method: string) {
      return (): Promise<string> => {
        sent.push({ method, at: clock.now() })
        return new Promise((resolve, reject) => pending.push({ method, resolve, reject }))
      }
    },
  }
}

function gate(clock: FakeClock, maxWaitSeconds = 60, waits: [string, number][] = []) {
  return new FloodGate({
    maxWaitSeconds,
    clock,
    floodSeconds: (e) => (e instanceof FloodError ? e.seconds : undefined),
    onWait: (method, seconds) => waits.push([method, seconds]),
  })
}

describe('FloodGate', () => {
  it('sends no call of the flooded method during the wait, then retries the flooded call', async () => {
    const clock = new FakeClock()
    const srv = server(clock)
    const waits: [string, number][] = []
    const g = gate(clock, 60, waits)
    const start = clock.now()
    srv.flood('upload.GetFile', 30)

    const first = g.run('upload.GetFile', srv.call('upload.GetFile'))
    await settle()
    // Five more calls of the same method arrive during the wait.
    const later = [1, 2, 3, 4, 5].map(() => g.run('upload.GetFile', srv.call('upload.GetFile')))
    await clock.advance(29_999)
    expect(srv.sent).toEqual([{ method: 'upload.GetFile', at: start }])
    expect(waits).toEqual([['upload.GetFile', 30]])
    expect(g.pausedUntil('upload.GetFile')).toBe(start + 30_000)

    await clock.advance(1)
    await expect(first).resolves.toBe('upload.GetFile ok')
    await expect(Promise.all(later)).resolves.toEqual(Array(5).fill('upload.GetFile ok'))
    expect(srv.sent.length).toBe(7)
    expect(srv.sent.slice(1).every((s) => s.at === start + 30_000)).toBe(true)
    expect(g.floodWaits()).toEqual({ 'upload.GetFile': 1 })
  })

  it('lets other methods through while one method waits', async () => {
    const clock = new FakeClock()
    const srv = server(clock)
    const g = gate(clock)
    const start = clock.now()
    srv.flood('contacts.ResolveUsername', 10)

    const resolving = g.run('contacts.ResolveUsername', srv.call('contacts.ResolveUsername'))
    await settle()
    await clock.advance(1000)
    await expect(g.run('photos.GetUserPhotos', srv.call('photos.GetUserPhotos'))).resolves.toBe(
      'photos.GetUserPhotos ok',
    )
    expect(srv.sent).toEqual([
      { method: 'contacts.ResolveUsername', at: start },
      { method: 'photos.GetUserPhotos', at: start + 1000 },
    ])
    await clock.advance(9000)
    await expect(resolving).resolves.toBe('contacts.ResolveUsername ok')
    expect(srv.sent[2]).toEqual({ method: 'contacts.ResolveUsername', at: start + 10_000 })
  })

  it('extends a running wait when a call that was in flight gets a longer one', async () => {
    const clock = new FakeClock()
    const srv = server(clock)
    const waits: [string, number][] = []
    const g = gate(clock, 60, waits)
    const start = clock.now()
    const a = g.run('m', srv.held('m'))
    const b = g.run('m', srv.held('m'))
    await settle()
    expect(srv.pending.length).toBe(2)
    srv.pending[0]!.reject(new FloodError(5))
    await clock.advance(1000)
    srv.pending[1]!.reject(new FloodError(7))
    await settle()
    expect(waits).toEqual([
      ['m', 5],
      ['m', 7],
    ])
    expect(g.pausedUntil('m')).toBe(start + 8000)
    await clock.advance(6999)
    expect(srv.sent.length).toBe(2)
    await clock.advance(1)
    // Slow start: one call goes first; the other follows once it succeeded.
    expect(srv.sent.length).toBe(3)
    srv.pending[2]!.resolve('first')
    await settle()
    expect(srv.sent.length).toBe(4)
    srv.pending[3]!.resolve('second')
    expect((await Promise.all([a, b])).sort()).toEqual(['first', 'second'])
  })

  it('after the wait, doubles the calls in flight with each success', async () => {
    const clock = new FakeClock()
    const srv = server(clock)
    const g = gate(clock)
    srv.flood('m', 1)
    await Promise.all([g.run('m', srv.call('m')), clock.advance(1000)])
    // The retried call succeeded: 2 may be in flight now.
    const calls = Array.from({ length: 15 }, () => g.run('m', srv.held('m')))
    await settle()
    expect(srv.pending.length).toBe(2)
    srv.pending[0]!.resolve('x') // window 4: 1 still in flight, 3 more go
    await settle()
    expect(srv.pending.length).toBe(5)
    srv.pending[1]!.resolve('x') // window 8: 3 in flight, 5 more go
    await settle()
    expect(srv.pending.length).toBe(10)
    for (const p of srv.pending.slice(2)) p.resolve('x')
    await settle()
    expect(srv.pending.length).toBe(15)
    for (const p of srv.pending.slice(10)) p.resolve('x')
    await expect(Promise.all(calls)).resolves.toEqual(Array(15).fill('x'))
  })

  it('leaves a method under a wait above maxWaitSeconds waiting: its calls reject unsent, other methods go on', async () => {
    const clock = new FakeClock()
    const srv = server(clock)
    const g = gate(clock, 60)
    srv.flood('m', 30, 3600)
    const start = clock.now()
    const first = g.run('m', srv.call('m')).catch((e: unknown) => e)
    await settle()
    const pending = g.run('m', srv.call('m')).catch((e: unknown) => e)
    const other = g.run('n', srv.held('n'))
    await clock.advance(30_000)
    // the retry after the 30 s wait is told 3600 s: too long to sit out
    const until = start + 30_000 + 3_600_000
    expect(await first).toEqual(new MethodWaiting('m', until, new FloodError(3600)))
    expect(await pending).toEqual(new MethodWaiting('m', until, new FloodError(3600)))
    await expect(g.run('m', srv.call('m'))).rejects.toBeInstanceOf(MethodWaiting)
    await expect(g.run('n', srv.call('n'))).resolves.toBe('n ok')
    expect(srv.sent.map((s) => s.method)).toEqual(['m', 'n', 'm', 'n'])
    srv.pending[0]!.resolve('late')
    await expect(other).resolves.toBe('late')
    expect(clock.sleeping).toBe(0)
    // once the wait is short enough to sit out, calls wait for its end and are sent
    await clock.advance(3_600_000 - 50_000)
    const later = g.run('m', srv.call('m'))
    await settle()
    expect(clock.sleeping).toBe(1)
    await clock.advance(50_000)
    await expect(later).resolves.toBe('m ok')
    expect(srv.sent.at(-1)).toEqual({ method: 'm', at: until })
  })

  it('sits out every wait after setMaxWait(Infinity), and a wait closed ahead of time sends nothing until its end', async () => {
    const clock = new FakeClock()
    const srv = server(clock)
    const g = gate(clock, 60)
    g.closeUntil('m', clock.now() + 7_200_000, new FloodError(7200))
    await expect(g.run('m', srv.call('m'))).rejects.toEqual(new MethodWaiting('m', clock.now() + 7_200_000, new FloodError(7200)))
    expect(srv.sent).toEqual([])
    g.setMaxWait(Infinity)
    const call = g.run('m', srv.call('m'))
    await clock.advance(7_199_000)
    await settle()
    expect(srv.sent).toEqual([])
    await clock.advance(1_000)
    await expect(call).resolves.toBe('m ok')
    expect(srv.sent).toHaveLength(1)
  })

  it('tells of each running wait again once setMaxWait lets the run sit it out, and of no wait that is over', async () => {
    const clock = new FakeClock()
    const waits: [string, number][] = []
    const g = gate(clock, 60, waits)
    g.closeUntil('long', clock.now() + 7_200_000, new FloodError(7200))
    g.closeUntil('over', clock.now() + 1_000, new FloodError(1))
    await clock.advance(2_000)
    g.setMaxWait(Infinity)
    expect(waits).toEqual([['long', 7198]])
  })

  it('finds a MethodWaiting through the error table, which wraps it as a cause', () => {
    const waiting = new MethodWaiting('m', 1, new FloodError(5))
    const wrapped = toBotApiError(waiting, 'resolveUser')
    expect(wrapped).toBeInstanceOf(BotApiError)
    expect(methodWaitingIn(wrapped)).toBe(waiting)
    expect(methodWaitingIn(new Error('x'))).toBeUndefined()
  })

  it('passes other errors through without closing the gate', async () => {
    const clock = new FakeClock()
    const g = gate(clock)
    await expect(g.run('m', () => Promise.reject(new Error('USER_ID_INVALID')))).rejects.toThrow('USER_ID_INVALID')
    expect(g.pausedUntil('m')).toBe(0)
    await expect(g.run('m', () => Promise.resolve(1))).resolves.toBe(1)
    expect(g.floodWaits()).toEqual({})
  })
})
