import { SimulatedClock } from '../../../scripts/bench/sim-clock.js'

const DAY = 86_400_000

describe('SimulatedClock', () => {
  it('runs with real time and skips a sleep instead of waiting it out', async () => {
    const clock = new SimulatedClock()
    const before = Date.now()
    await clock.sleep(DAY)
    expect(clock.skipped()).toBeGreaterThan(DAY - 60_000)
    expect(clock.skipped()).toBeLessThanOrEqual(DAY)
    expect(clock.now() - before).toBeGreaterThanOrEqual(DAY)
    expect(Date.now() - before).toBeLessThan(DAY)
  })

  it('skips a wait once for sleepers told to wait at the same moment', async () => {
    const clock = new SimulatedClock()
    await Promise.all(Array.from({ length: 8 }, () => clock.sleep(DAY)))
    expect(clock.skipped()).toBeLessThanOrEqual(DAY)
    expect(clock.skipped()).toBeGreaterThan(DAY - 60_000)
  })

  it('never moves back', () => {
    const clock = new SimulatedClock()
    clock.skipTo(clock.now() + DAY)
    const skipped = clock.skipped()
    clock.skipTo(0)
    expect(clock.skipped()).toBe(skipped)
  })

  it('puts performance.now on the calendar only inside withMonotonicTime', async () => {
    const clock = new SimulatedClock()
    const inside = await clock.withMonotonicTime(async () => {
      const t0 = performance.now()
      await clock.sleep(DAY)
      return performance.now() - t0
    })
    expect(inside).toBeGreaterThan(DAY - 60_000)
    const t1 = performance.now()
    expect(performance.now() - t1).toBeLessThan(DAY)
    expect(Math.abs(performance.now() - (Date.now() - performance.timeOrigin))).toBeLessThan(60_000)
  })
})
