/**
 * The per-method flood gate every archiver RPC passes through.
 *
 * Telegram's `FLOOD_WAIT_X` is a per-method verdict: no request of that method should be sent for X seconds.
 * So when any call of a method gets one, the gate closes that method: calls already waiting and calls arriving
 * later stay in the gate until the time has passed, other methods keep flowing. The call that got the flood wait
 * is retried after it. When the gate reopens it lets one call through, then doubles the number allowed in flight
 * with each success (slow start), so a refilled-by-one-token bucket is not answered with a burst of new flood
 * waits. A wait longer than `maxWaitSeconds` stops the gate for good: every pending and later call rejects with
 * that flood error, so the run can stop cleanly and be resumed later.
 */
import { systemClock, type Clock } from './clock.js'

/** Options of {@link FloodGate}. */
export interface FloodGateOptions {
  /** Longest flood wait (seconds) the run sits out; a longer one stops the gate. Required. */
  maxWaitSeconds: number
  /** The X of a flood-wait error, `undefined` for any other error. Required. */
  floodSeconds: (error: unknown) => number | undefined
  /** Time source. Default: the system clock. */
  clock?: Clock
  /** Told when a method's gate closes (or a running wait is extended), with the wait in seconds. Default: none. */
  onWait?: (method: string, seconds: number) => void
}

// Once the slow-start window reaches this, it is simply open again.
const OPEN_WINDOW = 1024

interface MethodState {
  pausedUntil: number
  window: number
  inFlight: number
  waiters: (() => void)[]
  floodWaits: number
}

/** A per-method gate that holds back every call of a method while a flood wait for it is running. */
export class FloodGate {
  private readonly methods = new Map<string, MethodState>()
  private readonly clock: Clock
  private readonly abort = new AbortController()
  private stopError: { error: unknown } | undefined

  constructor(private readonly options: FloodGateOptions) {
    this.clock = options.clock ?? systemClock
  }

  /** The flood error that stopped the gate, if it did. */
  get stopped(): { readonly error: unknown } | undefined {
    return this.stopError
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
   * and retries the call when it reopens. Rejects with the flood error if the gate is or gets stopped.
   */
  async run<T>(method: string, call: () => Promise<T>): Promise<T> {
    const state = this.state(method)
    for (;;) {
      await this.admit(state)
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
        if (seconds > this.options.maxWaitSeconds) {
          this.stop(error)
          throw error
        }
        const until = this.clock.now() + seconds * 1000
        state.window = 1
        if (until > state.pausedUntil) {
          state.pausedUntil = until
          this.options.onWait?.(method, seconds)
        }
        this.wake(state)
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
      state = { pausedUntil: 0, window: OPEN_WINDOW, inFlight: 0, waiters: [], floodWaits: 0 }
      this.methods.set(method, state)
    }
    return state
  }

  private async admit(state: MethodState): Promise<void> {
    for (;;) {
      if (this.stopError !== undefined) throw this.stopError.error
      const wait = state.pausedUntil - this.clock.now()
      if (wait > 0) {
        await this.clock.sleep(wait, this.abort.signal)
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

  private stop(error: unknown): void {
    if (this.stopError !== undefined) return
    this.stopError = { error }
    this.abort.abort()
    for (const state of this.methods.values()) this.wake(state)
  }
}
