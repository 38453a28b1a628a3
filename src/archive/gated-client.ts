/**
 * The archiver's view of the client: every request passes the per-method {@link FloodGate}, is counted, gets an
 * answer deadline, and is retried with backoff after network failures and 5xx answers. A method that got a flood
 * wait is sent one request at a time for the rest of the run.
 */
import { setMaxListeners } from 'node:events'
import type { Api } from 'telegram'
import { forgetRequest } from '../gramjs/fixes/forget.js'
import { requestName } from '../client/invoke.js'
import type { ProfileClient } from '../client/invoke.js'
import { BotApiError, NetworkError, TimeoutError, toBotApiError } from '../errors/index.js'
import type { Clock } from './clock.js'
import { MethodWaiting, type FloodGate } from './flood-gate.js'

/** The reason the deadline timer of an RPC is cancelled with. */
const ANSWERED = 'answered'

const MAX_BACKOFF_MS = 30_000

/**
 * A request of a serialized method that got its turn while a flood wait for the method was running: it is handed
 * back to the flood gate (as a flood wait for the remaining time) instead of being sent.
 */
class HeldBack extends Error {
  constructor(readonly seconds: number) {
    super('held back during a running flood wait')
  }
}

/** The X of a flood wait (also of a held-back request), `undefined` for any other error. */
export function floodSeconds(error: unknown): number | undefined {
  if (error instanceof HeldBack) return error.seconds
  const e = toBotApiError(error)
  if (e instanceof BotApiError && e.error_code === 429) return e.parameters?.retry_after
  return undefined
}

/** Why an error is worth sending the request again, or `undefined` when it is not. */
export function retryable(error: unknown): string | undefined {
  const e = toBotApiError(error)
  if (e instanceof NetworkError) return `network: ${e.message}`
  if (e instanceof BotApiError && e.error_code >= 500) return e.mtprotoError ?? e.description
  return undefined
}

/** Options of {@link GatedClient}. */
export interface GatedClientOptions {
  /** Time source of deadlines and backoff. */
  clock: Clock
  /** Retries of one request after network failures and 5xx answers. */
  maxRetries: number
  /** Milliseconds without an answer after which a request counts as a network failure. */
  timeoutMs: number
  /** Told before each retry. Default: nothing. */
  onRetry?: (retry: { method: string; attempt: number; reason: string; delay_ms: number }) => void
  /** Aborting ends backoff sleeps and stops retrying. */
  signal?: AbortSignal
}

/** Wraps a client so every request passes the flood gate, is counted, and is retried on network failures. */
export class GatedClient implements ProfileClient {
  /** Each attempt has the run's deadline (`timeoutMs`); the flood gate's waits and the retries have none. */
  readonly ownDeadlines = true
  readonly rpc: Record<string, number> = {}
  retries = 0
  // Methods that got a flood wait are sent one at a time for the rest of the run: their bucket is the bottleneck,
  // and a second request in flight when the next wait is issued would reach the server during that wait.
  private readonly serial = new Map<string, Limit>()

  /** Called by the flood gate when `method` gets a flood wait. */
  serialize(method: string): void {
    if (!this.serial.has(method)) this.serial.set(method, new Limit(1))
  }

  private readonly clock: Clock
  /** Follows the run's signal (`options.signal`); the one each request in flight listens on. */
  private readonly run: AbortSignal | undefined
  private readonly maxRetries: number
  private readonly timeoutMs: number

  constructor(
    private readonly inner: ProfileClient,
    private readonly gate: FloodGate,
    private readonly options: GatedClientOptions,
  ) {
    this.clock = options.clock
    this.maxRetries = options.maxRetries
    this.timeoutMs = options.timeoutMs
    const run = options.signal
    if (run !== undefined) {
      // Every request in flight listens for the run's end: more than Node's default of 10 listeners, removed as each
      // answer comes, so on a signal of the client's own (following the caller's with one listener) none are too many.
      const own = new AbortController()
      setMaxListeners(0, own.signal)
      if (run.aborted) own.abort(run.reason)
      else run.addEventListener('abort', () => own.abort(run.reason), { once: true })
      this.run = own.signal
    }
  }

  private async withTimeout(method: string, call: Promise<unknown>, forget?: (reason: unknown) => void): Promise<unknown> {
    const timer = new AbortController()
    const timeout = this.clock.sleep(this.timeoutMs, timer.signal).then(() => {
      if (timer.signal.aborted) return
      const reason = new TimeoutError(requestName({ className: method }), this.timeoutMs)
      forget?.(reason)
      throw reason
    })
    // A stopped run does not wait for the answers still on their way: its files are re-fetched by the next run.
    const run = this.run
    let onAbort: (() => void) | undefined
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () => {
        forget?.(run?.reason)
        reject(run?.reason)
      }
      if (run?.aborted === true) onAbort()
      else run?.addEventListener('abort', onAbort, { once: true })
    })
    try {
      return await Promise.race(run === undefined ? [call, timeout] : [call, timeout, stopped])
    } finally {
      // A given reason: without one, every RPC would build an AbortError DOMException that nothing reads.
      timer.abort(ANSWERED)
      if (onAbort !== undefined) run?.removeEventListener('abort', onAbort)
    }
  }

  get session(): { readonly dcId: number } | undefined {
    return this.inner.session
  }

  /** Flood gate re-queues that were not flood waits from Telegram (see {@link HeldBack}), by method. */
  readonly heldBack: Record<string, number> = {}
  private readonly pausedUntil = new Map<string, number>()

  private send(method: string, request: Api.AnyRequest, dcId: number | undefined): Promise<unknown> {
    const sendNow = async (): Promise<unknown> => {
      // A run stopped while this request waited in the gate sends nothing more.
      this.options.signal?.throwIfAborted()
      this.rpc[method] = (this.rpc[method] ?? 0) + 1
      const call = dcId === undefined ? this.inner.invoke(request) : this.inner.invoke(request, dcId)
      // Given up on: the request leaves GramJS's queues instead of waiting there (and being sent again) for good.
      const result = await this.withTimeout(method, call, (reason) => void forgetRequest(this.inner, request, dcId, reason))
      // Let the answers that arrived together with this one be read before the caller sends its next request: when
      // one of them is a FLOOD_WAIT, the gate closes first (an answer handled in the same tick as a FLOOD_WAIT
      // otherwise frees a download slot whose next request leaves before the wait is known).
      await new Promise<void>((resolve) => setImmediate(resolve))
      return result
    }
    return this.gate.run(method, () => {
      const serial = this.serial.get(method)
      if (serial === undefined) return sendNow()
      return serial.run(async () => {
        // Admitted before the latest flood wait was known: go back to the gate rather than send during it.
        const wait = Math.max(this.gate.pausedUntil(method), this.pausedUntil.get(method) ?? 0) - this.clock.now()
        if (wait > 0) {
          this.heldBack[method] = (this.heldBack[method] ?? 0) + 1
          throw new HeldBack(wait / 1000)
        }
        try {
          return await sendNow()
        } catch (error) {
          // Recorded before the lock passes to the next request (the gate hears of it a few microtasks later).
          const seconds = floodSeconds(error)
          if (seconds !== undefined) {
            const until = this.clock.now() + seconds * 1000
            if (until > (this.pausedUntil.get(method) ?? 0)) this.pausedUntil.set(method, until)
          }
          throw error
        }
      })
    })
  }

  /** Flood waits Telegram sent, by method. */
  floodWaits(): Record<string, number> {
    const counts = this.gate.floodWaits()
    for (const [method, n] of Object.entries(this.heldBack)) {
      const left = (counts[method] ?? 0) - n
      if (left > 0) counts[method] = left
      else delete counts[method]
    }
    return counts
  }

  async invoke(request: Api.AnyRequest, dcId?: number): Promise<unknown> {
    const method = request.className
    for (let attempt = 1; ; attempt++) {
      try {
        // Connecting to another DC (and importing the authorization there) takes round trips: done before the flood
        // gate lets the request through, or a request let through before a FLOOD_WAIT would leave after it.
        if (dcId !== undefined && this.inner.getSender !== undefined) await this.withTimeout(method, this.inner.getSender(dcId))
        return await this.send(method, request, dcId)
      } catch (error) {
        if (error instanceof MethodWaiting) throw error
        const reason = retryable(error)
        if (reason === undefined || attempt > this.maxRetries || this.options.signal?.aborted === true) throw error
        const delay = Math.min(MAX_BACKOFF_MS, 200 * 2 ** (attempt - 1))
        this.retries++
        this.options.onRetry?.({ method, attempt, reason, delay_ms: delay })
        await this.clock.sleep(delay, this.options.signal)
      }
    }
  }
}

/** A counting semaphore. */
export class Limit {
  private active = 0
  private readonly queue: (() => void)[] = []
  constructor(private readonly max: number) {}

  /** Waits for a slot (in turn); the returned function gives it back, once however often it is called. */
  async acquire(): Promise<() => void> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve))
    else this.active++
    let held = true
    return () => {
      if (!held) return
      held = false
      const next = this.queue.shift()
      if (next !== undefined) next()
      else this.active--
    }
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire()
    try {
      return await task()
    } finally {
      release()
    }
  }
}

