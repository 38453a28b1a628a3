import { MemoryPacer, type GcFunction } from '../../../src/archive/memory.js'

describe('MemoryPacer', () => {
  it('looks at the Buffers every `checkEveryBytes` of finished parts and starts a collection when over the limit', () => {
    const calls: Parameters<GcFunction>[0][] = []
    let buffers = 10
    let looks = 0
    const pacer = new MemoryPacer(3, 20, (options) => calls.push(options), () => {
      looks++
      return buffers
    })
    for (let i = 0; i < 5; i++) pacer.done(1)
    expect(looks).toBe(1)
    expect(calls).toEqual([]) // under the limit: left to V8
    buffers = 30
    pacer.done(1)
    expect(looks).toBe(2)
    expect(calls).toEqual([{ type: 'major', execution: 'async' }])
    pacer.done(2)
    expect(calls).toHaveLength(1)
    pacer.done(1)
    expect(calls).toHaveLength(2)
  })
})
