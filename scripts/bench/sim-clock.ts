/**
 * The benchmark's simulated calendar: real time plus the time it skipped. The emulator's quotas read it, and a
 * contender told to wait a day skips the day instead of sleeping through it, so a job that takes Telegram ten days
 * runs in minutes while the emulator still sees every run's own real duration.
 */
export class SimulatedClock {
  private skippedMs = 0
  private readonly realNow = Date.now
  private readonly realMonotonic = performance.now.bind(performance)

  /** Milliseconds since the epoch on the simulated calendar. */
  now(): number {
    return this.realNow() + this.skippedMs
  }

  /**
   * Runs `body` with the process's monotonic clock (`performance.now`) on the calendar too, for a client that keeps
   * time of its own: mtcute remembers each flood wait against `performance.now` and refuses the method locally until
   * then, so a day skipped on the calendar must be a day to it as well. The wall time of the run is measured by the
   * caller with the real clock, taken before.
   */
  async withMonotonicTime<T>(body: () => Promise<T>): Promise<T> {
    const perf = performance as { now: () => number }
    perf.now = () => this.realMonotonic() + this.skippedMs
    try {
      return await body()
    } finally {
      perf.now = this.realMonotonic
    }
  }

  /** The time skipped so far, milliseconds. */
  skipped(): number {
    return this.skippedMs
  }

  /** Moves the calendar to `ms` (a time in the past changes nothing). */
  skipTo(ms: number): void {
    this.skippedMs += Math.max(0, ms - this.now())
  }

  /**
   * A sleep of `ms` on the calendar. The deadline is taken when the sleep starts and reached a turn later, so that
   * contenders told to wait at the same moment skip the wait once, not once each.
   */
  sleep(ms: number): Promise<void> {
    const deadline = this.now() + ms
    return new Promise((resolve) =>
      setImmediate(() => {
        this.skipTo(deadline)
        resolve()
      }),
    )
  }
}
