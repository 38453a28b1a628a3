import type { Clock } from '../../src/emulator/faults.js'

/**
 * A clock that moves only when the test moves it: the emulator's quotas, flood buckets and file references read it,
 * so a 24-hour window passes in one call.
 */
export class MovableClock implements Clock {
  constructor(private ms = Date.UTC(2026, 0, 15, 12)) {}

  now(): number {
    return this.ms
  }

  /** Moves the clock forward by `seconds` (fractions allowed). */
  advance(seconds: number): void {
    this.ms += seconds * 1000
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advanceMs(ms: number): void {
    this.ms += ms
  }
}
