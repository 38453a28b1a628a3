import { MemoryPacer, type GcFunction } from '../../../src/archive/memory.js'

describe('MemoryPacer', () => {
  it('starts one asynchronous full collection per `everyBytes` of finished parts', () => {
    const calls: Parameters<GcFunction>[0][] = []
    const pacer = new MemoryPacer(3 * 1024 * 1024, (options) => calls.push(options))
    for (let i = 0; i < 8; i++) pacer.done(1024 * 1024)
    expect(calls).toEqual([
      { type: 'major', execution: 'async' },
      { type: 'major', execution: 'async' },
    ])
    pacer.done(1024 * 1024)
    expect(calls).toHaveLength(3)
  })
})
