/**
 * The per-method flood gate every archiver RPC passes through.
 *
 * Telegram's `FLOOD_WAIT_X` is a per-method verdict: no request of that method should be sent for X seconds.
 * So when any call of a method gets one, the gate closes that method: calls already waiting and calls arriving
 * later stay in the gate until the time has passed, other methods keep flowing. The call that got the flood wait
 * is retried after it. When the gate reopens it lets one call through, then doubles the number allowed in flight
 * with each success (slow start), so a refilled-by-one-token bucket is not answered with a burst of new flood
 * waits. A wait longer than `maxWaitSeconds` is not sat out: the call rejects with {@link MethodWaiting}, and so do
 * the method's pending and later calls (without being sent) until the wait has become short enough to sit out, while
 * every other method keeps flowing. The run leaves the users that need such a method for later and goes on with the
 * rest. `setMaxWait` raises the bound (`wait` mode, once everything else is done).
 */
import { systemClock, type Clock } from './clock.js'

/**
 * A call of a method that is under a flood wait longer than the gate sits out: not sent (or refused by Telegram with
 * that wait). `until` is when the wait ends (ms since the epoch); `error` is the flood error Telegram sent.
 */
export class MethodWaiting extends Error {
  override name = 'MethodWaiting'
  constructor(
    readonly method: string,
    readonly until: number,
    readonly error: unknown,
  ) {
    super(`${method} is under a flood wait until ${new Date(until).toISOString()}`)
  }
}

/** The {@link MethodWaiting} an error is or was caused by (through `cause`, as the error table wraps it), if any. */
export function methodWaitingIn(error: unknown): MethodWaiting | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) if (e instanceof MethodWaiting) return e
  return undefined
}

/** Options of {@link FloodGate}. */
export interface FloodGateOptions {
  /** Longest flood wait (seconds) the run sits out; a longer one makes the method wait ({@link MethodWaiting}). Required. */
  maxWaitSeconds: number
  /** The X of a flood-wait error, `undefined` for any other error. Required. */
  floodSeconds: (error: unknown) => number | undefined
  /** Time source. Default: the system clock. */
  clock?: Clock
  /**
   * Told when a method's gate closes (or a running wait is extended), with the wait in seconds, its end (ms since the
   * epoch), and whether it is longer than the gate sits out. Default: none.
   */
  onWait?: (method: string, seconds: number, until: number, tooLong: boolean) => void
  /** Aborting ends the gate's sleeps. Default: none. */
  signal?: AbortSignal
}

// Once the slow-start window reaches this, it is simply open again.
const OPEN_WINDOW = 1024

interface MethodState {
  pausedUntil: number
  window: number
  inFlight: number
  waiters: (() => void)[]
  floodWaits: number
  /** The flood error that set `pausedUntil`. */
  lastError: unknown
}

/** A per-method gate that holds back every call of a method while a flood wait for it is running. */
export class FloodGate {
  private readonly methods = new Map<string, MethodState>()
  private readonly clock: Clock
  private maxWaitMs: number

  constructor(private readonly options: FloodGateOptions) {
    this.clock = options.clock ?? systemClock
    this.maxWaitMs = options.maxWaitSeconds * 1000
  }

  /** Raises (or lowers) the longest wait sat out; `Infinity` sits out every wait. Waiting calls look again. */
  setMaxWait(seconds: number): void {
    this.maxWaitMs = seconds * 1000
    const now = this.clock.now()
    for (const [method, state] of this.methods) {
      // A wait that was too long to sit out is one the run now sits out: told again, so its countdown can be shown.
      const left = state.pausedUntil - now
      if (left > 0 && left <= this.maxWaitMs) this.options.onWait?.(method, Math.ceil(left / 1000), state.pausedUntil, false)
      this.wake(state)
    }
  }

  /**
   * Closes `method` until `until` (ms since the epoch) without a request: a wait a previous run was told of and that
   * is still running. `error` is what its calls reject with meanwhile, inside {@link MethodWaiting}.
   */
  closeUntil(method: string, until: number, error: unknown): void {
    const state = this.state(method)
    if (until <= state.pausedUntil) return
    state.pausedUntil = until
    state.lastError = error
    state.window = 1
  }

  /** Flood waits received, by method. */
  floodWaits(): Record<string, number> {
    const counts: Record<string, number> = {}
    for (const [method, state] of this.methods) if (state.floodWaits > 0) counts[method] = state.floodWaits
    return counts
  }

  /** Until when (ms since the epoch) `method` is closed; 0 or a past time when it is open. */
  pausedUntil(method: string): number {
    return this.methods.get(method)?.pausedUntil ?? 0
  }

  /**
   * Runs `call` (one RPC of `method`) once the method's gate admits it; on a flood wait, closes the method's gate
   * and retries the call when it reopens. Rejects with {@link MethodWaiting} while the method's wait is too long.
   */
  async run<T>(method: string, call: () => Promise<T>): Promise<T> {
    const state = this.state(method)
    for (;;) {
      await this.admit(method, state)
      let result: T
      try {
        result = await call()
      } catch (error) {
        state.inFlight--
        const seconds = this.options.floodSeconds(error)
        if (seconds === undefined) {
          this.wake(state)
          throw error
        }
        state.floodWaits++
        const until = this.clock.now() + seconds * 1000
        const tooLong = seconds * 1000 > this.maxWaitMs
        state.window = 1
        if (until > state.pausedUntil) {
          state.pausedUntil = until
          state.lastError = error
          this.options.onWait?.(method, seconds, until, tooLong)
        }
        this.wake(state)
        if (tooLong) throw new MethodWaiting(method, state.pausedUntil, state.lastError)
        continue
      }
      state.inFlight--
      if (state.window < OPEN_WINDOW) state.window *= 2
      this.wake(state)
      return result
    }
  }

  private state(method: string): MethodState {
    let state = this.methods.get(method)
    if (state === undefined) {
      state = { pausedUntil: 0, window: OPEN_WINDOW, inFlight: 0, waiters: [], floodWaits: 0, lastError: undefined }
      this.methods.set(method, state)
    }
    return state
  }

  private async admit(method: string, state: MethodState): Promise<void> {
    for (;;) {
      const wait = state.pausedUntil - this.clock.now()
      if (wait > this.maxWaitMs) throw new MethodWaiting(method, state.pausedUntil, state.lastError)
      if (wait > 0) {
        await this.clock.sleep(wait, this.options.signal)
        if (this.options.signal?.aborted === true) throw this.options.signal.reason
        continue
      }
      if (state.inFlight < state.window) {
        state.inFlight++
        return
      }
      await new Promise<void>((resolve) => state.waiters.push(resolve))
    }
  }

  private wake(state: MethodState): void {
    const waiters = state.waiters
    state.waiters = []
    for (const resolve of waiters) resolve()
  }
}
