import type { Clock } from '../../../src/archive/clock.js'

/** Lets every pending promise chain and I/O callback run. */
export async function settle(): Promise<void> {
  // A few macrotask turns: the gated client itself yields one after each answer.
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}

/** A clock that only moves when the test says so. */
export class FakeClock implements Clock {
  private t = 1_700_000_000_000
  private timers: { at: number; resolve: () => void }[] = []

  now(): number {
    return this.t
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted === true) return resolve()
      const timer = { at: this.t + Math.max(0, ms), resolve }
      this.timers.push(timer)
      signal?.addEventListener('abort', () => {
        this.timers = this.timers.filter((x) => x !== timer)
        resolve()
      })
    })
  }

  /** Number of sleeps not yet over. */
  get sleeping(): number {
    return this.timers.length
  }

  /** Moves time forward by `ms`, firing due sleeps in order and letting their continuations run. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms
    for (;;) {
      await settle()
      const due = this.timers.filter((x) => x.at <= target).sort((a, b) => a.at - b.at)[0]
      if (due === undefined) break
      this.t = Math.max(this.t, due.at)
      this.timers = this.timers.filter((x) => x !== due)
      due.resolve()
    }
    this.t = target
    await settle()
  }
}
