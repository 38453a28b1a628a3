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

  it('starts a collection when the heap in use grows past the least seen by more than `heapGrowth`', () => {
    const calls: Parameters<GcFunction>[0][] = []
    let heap = 100
    const pacer = new MemoryPacer(3, 20, (options) => calls.push(options), () => 0, 50, () => heap)
    pacer.heapCheck() // first look: 100 is the least seen
    heap = 80 // a collection by V8 itself
    pacer.heapCheck()
    heap = 130 // 50 above the least: still left to V8
    pacer.heapCheck()
    expect(calls).toEqual([])
    heap = 131
    pacer.heapCheck()
    expect(calls).toEqual([{ type: 'major', execution: 'async' }])
    heap = 140 // the collection is still running: the least is seen afresh from here
    pacer.heapCheck()
    heap = 60
    pacer.heapCheck()
    heap = 105
    pacer.heapCheck()
    expect(calls).toHaveLength(1)
    heap = 111
    pacer.heapCheck()
    expect(calls).toHaveLength(2)
  })
})
