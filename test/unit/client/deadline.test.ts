import { getEventListeners } from 'node:events'
import { NetworkError, TimeoutError, BotApiError } from '../../../src/errors/index.js'
import { DEFAULT_TIMEOUT_MS, checkCallOptions, withDeadline } from '../../../src/client/deadline.js'
import { rejection } from '../../helpers/rejection.js'
import { Api } from 'telegram'
import { invokeRequest } from '../../../src/client/invoke.js'
import type { ProfileClient } from '../../../src/client/invoke.js'

const never = (): Promise<never> => new Promise<never>(() => undefined)

describe('withDeadline', () => {
  it('fails a request that is never answered with a TimeoutError, a NetworkError', async () => {
    const e = await rejection(withDeadline(never(), 'photos.getUserPhotos', { timeoutMs: 20 }))
    expect(e).toBeInstanceOf(TimeoutError)
    expect(e).toBeInstanceOf(NetworkError)
    expect(e).toMatchObject({
      name: 'TimeoutError',
      code: 'ETIMEDOUT',
      timeoutMs: 20,
      request: 'photos.getUserPhotos',
      message: 'Network error: no answer to photos.getUserPhotos within 20 ms',
    })
  })

  it('keeps its class when the method is recorded', () => {
    const e = new TimeoutError('upload.getFile', 5).withMethod('downloadFile')
    expect(e).toBeInstanceOf(TimeoutError)
    expect(e).toMatchObject({ method: 'downloadFile', timeoutMs: 5, request: 'upload.getFile' })
  })

  it('rejects with the signal reason once the signal aborts', async () => {
    const controller = new AbortController()
    const reason = new Error('stop')
    const call = withDeadline(never(), 'x', { signal: controller.signal })
    controller.abort(reason)
    expect(await rejection(call)).toBe(reason)
  })

  it('rejects at once with the reason of a signal aborted before the call', async () => {
    const signal = AbortSignal.abort('gone')
    expect(await rejection(withDeadline(never(), 'x', { signal }))).toBe('gone')
  })

  it('passes the answer and the failure of the request through', async () => {
    expect(await withDeadline(Promise.resolve(7), 'x', { timeoutMs: 10 })).toBe(7)
    const failure = new Error('RPC')
    expect(await rejection(withDeadline(Promise.reject(failure), 'x', { timeoutMs: 10 }))).toBe(failure)
  })

  it('leaves no timer or abort listener once answered', async () => {
    const { signal } = new AbortController()
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    const before = timers()
    await withDeadline(Promise.resolve(1), 'x', { signal, timeoutMs: 60_000 })
    expect(getEventListeners(signal, 'abort')).toHaveLength(0)
    expect(timers()).toBe(before)
  })

  it('defaults to 30 s', () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(30_000)
  })
})

describe('checkCallOptions', () => {
  it.each([0, -1, 1.5, Number.NaN, 2 ** 31])('refuses timeoutMs %p with a 400', (timeoutMs) => {
    let e: unknown
    try {
      checkCallOptions('getUserProfilePhotos', { timeoutMs })
    } catch (error) {
      e = error
    }
    expect(e).toBeInstanceOf(BotApiError)
    expect(e).toMatchObject({
      error_code: 400,
      description: 'Bad Request: timeoutMs must be an integer between 1 and 2147483647',
      method: 'getUserProfilePhotos',
    })
  })

  it('refuses a signal that is not an AbortSignal', () => {
    expect(() => checkCallOptions('m', { signal: {} as AbortSignal })).toThrow('Bad Request: signal must be an AbortSignal')
  })

  it('throws the reason of a signal already aborted', () => {
    expect(() => checkCallOptions('m', { signal: AbortSignal.abort(new Error('early')) })).toThrow('early')
  })
})

describe('invokeRequest', () => {
  /** A client whose answer comes only once the test releases it. */
  function heldClient(ownDeadlines: boolean): { client: ProfileClient; release(): void } {
    let release = (): void => undefined
    const answer = new Promise<string>((resolve) => (release = () => resolve('answer')))
    return { client: { ownDeadlines, invoke: () => answer }, release }
  }
  const request = (): Api.help.GetNearestDc => new Api.help.GetNearestDc()

  it('puts its deadline on a plain client', async () => {
    const { client } = heldClient(false)
    expect(await rejection(invokeRequest(client, request(), { timeoutMs: 10 }))).toBeInstanceOf(TimeoutError)
  })

  it('adds none to a client that bounds its own attempts (a flood wait it sits out is no timeout)', async () => {
    const { client, release } = heldClient(true)
    const call = invokeRequest(client, request(), { timeoutMs: 10 })
    await new Promise((resolve) => setTimeout(resolve, 40))
    release()
    expect(await call).toBe('answer')
  })

  it('follows the signal on a client that bounds its own attempts', async () => {
    const { client } = heldClient(true)
    const controller = new AbortController()
    const call = invokeRequest(client, request(), { signal: controller.signal })
    controller.abort('stop')
    expect(await rejection(call)).toBe('stop')
  })
})
