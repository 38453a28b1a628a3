import { randomBytes } from 'node:crypto'
import { BLOCK_SIZE, PacketMemory, ReceiveQueue } from '../../../../src/gramjs/speedups/packet-memory.js'

describe('PacketMemory', () => {
  it('gives small packets plain Buffers and file-part sizes pooled memory of their size class', () => {
    const memory = new PacketMemory()
    expect(memory.packet(100).length).toBe(100)
    expect(memory.packet(4000).buffer.byteLength).not.toBe(16 * 1024)
    const sizes = [[9000, 16 * 1024], [20_000, 32 * 1024], [100_000, 128 * 1024], [1024 * 1024 + 1100, 1024 * 1024 + 8192]] as const
    for (const [bytes, size] of sizes) {
      const packet = memory.packet(bytes)
      expect(packet.length).toBe(bytes)
      expect(packet.byteOffset).toBe(0)
      expect(packet.buffer.byteLength).toBe(size)
    }
    expect(memory.stats).toEqual({ allocated: 4, reused: 0, released: 0, blocks: 0 })
    // Beyond the largest class: a plain Buffer of its own.
    expect(memory.packet(2 * 1024 * 1024).buffer.byteLength).toBeGreaterThanOrEqual(2 * 1024 * 1024)
    expect(memory.stats.allocated).toBe(4)
  })

  it('reuses the memory of a released single-answer packet for the next packet of its class', () => {
    const memory = new PacketMemory()
    const first = memory.packet(600_000)
    memory.markSingleAnswer(first)
    const part = first.subarray(60, 60 + 524_288)
    expect(memory.holdsSingleAnswer(part)).toBe(true)
    expect(memory.release(part)).toBe(true)
    expect(memory.freeBytes).toBe(1024 * 1024 + 8192)
    const second = memory.packet(1_000_000)
    expect(second.buffer).toBe(first.buffer)
    expect(memory.freeBytes).toBe(0)
    expect(memory.stats).toEqual({ allocated: 1, reused: 1, released: 1, blocks: 0 })
  })

  it('leaves alone what it must not reuse: unmarked packets, a second release, foreign memory, beyond its cap', () => {
    const memory = new PacketMemory(64 * 1024)
    const unmarked = memory.packet(50_000)
    expect(memory.release(unmarked)).toBe(false)
    const marked = memory.packet(50_000)
    memory.markSingleAnswer(marked)
    expect(memory.release(marked)).toBe(true)
    expect(memory.release(marked)).toBe(false)
    const foreign = Buffer.alloc(50_000)
    memory.markSingleAnswer(foreign)
    expect(memory.holdsSingleAnswer(foreign)).toBe(false)
    expect(memory.release(foreign)).toBe(false)
    // A 128 KiB packet does not fit beside the 64 KiB already kept under a 64 KiB cap.
    const big = memory.packet(100_000)
    memory.markSingleAnswer(big)
    expect(memory.release(big)).toBe(false)
    expect(memory.freeBytes).toBe(64 * 1024)
    expect(memory.stats.released).toBe(1)
    // The first one is reused, the others were not kept.
    expect(memory.packet(50_000).buffer).toBe(marked.buffer)
    expect(memory.packet(50_000).buffer).not.toBe(unmarked.buffer)
  })
})

describe('ReceiveQueue', () => {
  it('hands out exactly what was appended, across blocks, and gives emptied blocks back for reuse', () => {
    const memory = new PacketMemory()
    const queue = new ReceiveQueue(memory)
    const data = randomBytes(3 * BLOCK_SIZE + 1234)
    let at = 0
    for (const n of [10, BLOCK_SIZE - 10, 5, 2 * BLOCK_SIZE, 1229]) {
      queue.append(data.subarray(at, at + n))
      at += n
    }
    expect(queue.length).toBe(data.length)
    const out = Buffer.alloc(data.length + 4)
    queue.takeInto(out, 4, 100)
    queue.takeInto(out, 104, BLOCK_SIZE * 2)
    expect(queue.length).toBe(data.length - 100 - BLOCK_SIZE * 2)
    queue.takeInto(out, 104 + BLOCK_SIZE * 2, queue.length)
    expect(out.subarray(4).equals(data)).toBe(true)
    expect(queue.length).toBe(0)
    expect(() => queue.takeInto(out, 0, 1)).toThrow(RangeError)
    // Four blocks were made and given back: the queue's next bytes go into one of them.
    expect(memory.stats.blocks).toBe(4)
    queue.append(randomBytes(BLOCK_SIZE + 5))
    expect(memory.stats.blocks).toBe(4)
    const after = Buffer.alloc(BLOCK_SIZE + 5)
    queue.takeInto(after, 0, after.length)
    expect(queue.length).toBe(0)
  })

  it('clear() forgets what was waiting', () => {
    const queue = new ReceiveQueue(new PacketMemory())
    queue.append(randomBytes(BLOCK_SIZE + 1))
    queue.clear()
    expect(queue.length).toBe(0)
    queue.append(Buffer.from('new'))
    const out = Buffer.alloc(3)
    queue.takeInto(out, 0, 3)
    expect(out.toString()).toBe('new')
  })
})
