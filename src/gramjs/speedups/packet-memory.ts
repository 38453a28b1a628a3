/**
 * Memory for received packets, reused instead of left to the garbage collector.
 *
 * A bulk download receives about its own size again in Buffers: every file part arrives in socket reads, is
 * assembled into one packet, decrypted and written to disk. Left to V8, each of those Buffers is freed only when a
 * collection finds it dead, so dead parts pile up between collections (sampled: 31 MiB of Buffers alive with at most
 * 8 parts in use), and glibc's malloc keeps the freed megabytes in its heap, scattered, which it cannot give back.
 *
 * Here the socket reader copies each read out of one fixed read buffer into {@link PacketMemory.block blocks} that
 * are reused as soon as their bytes are taken, and assembles packets of file-part size in
 * {@link PacketMemory.packet pooled memory}. A packet that carried a single answer is marked
 * ({@link PacketMemory.markSingleAnswer}); whoever is done with that answer (the archiver, once a part is written)
 * hands it back with {@link PacketMemory.release}, and the next packet of that size class is received into it. Memory
 * never released (listings, answers kept by their caller, answers that shared a packet) is collected as before.
 */

/** The size of a socket read and of a receive-queue block. */
export const BLOCK_SIZE = 64 * 1024

/**
 * Pooled packet sizes (for packets from 8 KiB): powers of two from 16 KiB, and 1 MiB plus room for the message
 * around a 1 MiB file part.
 * A packet goes to the smallest class that holds it.
 */
const PACKET_CLASSES = [16, 32, 64, 128, 256, 512].map((k) => k * 1024).concat(1024 * 1024 + 8 * 1024)

/** Packets smaller than this are plain Buffers (small answers, mostly from Node's shared pool). */
const MIN_POOLED = 8 * 1024

function packetClass(bytes: number): number | undefined {
  return bytes < MIN_POOLED ? undefined : PACKET_CLASSES.find((size) => bytes <= size)
}

/** Counts of a {@link PacketMemory}, for tests and the benchmark. */
export interface PacketMemoryStats {
  /** Pooled packets made from new memory. */
  allocated: number
  /** Pooled packets made from released memory. */
  reused: number
  /** Packets taken back by {@link PacketMemory.release}. */
  released: number
  /** Receive-queue blocks made from new memory. */
  blocks: number
}

/** Pooled packet memory and receive-queue blocks (one per process: {@link packetMemory}). */
export class PacketMemory {
  readonly stats: PacketMemoryStats = { allocated: 0, reused: 0, released: 0, blocks: 0 }
  readonly #free = new Map<number, ArrayBuffer[]>()
  readonly #pooled = new WeakSet<ArrayBuffer>()
  readonly #singleAnswer = new WeakSet<ArrayBufferLike>()
  readonly #blocks: Buffer[] = []
  #freeBytes = 0

  /**
   * @param maxFreeBytes released packet memory kept for reuse at most; more is left to the collector
   * @param maxFreeBlocks receive-queue blocks kept for reuse at most
   */
  constructor(
    private readonly maxFreeBytes = 4 * 1024 * 1024,
    private readonly maxFreeBlocks = 16,
  ) {}

  /** Bytes of released packet memory waiting to be reused. */
  get freeBytes(): number {
    return this.#freeBytes
  }

  /**
   * A Buffer of `bytes` bytes (contents undefined) to receive a packet into: pooled memory for file-part sizes (from
   * 8 KiB), a plain Buffer otherwise.
   */
  packet(bytes: number): Buffer {
    const size = packetClass(bytes)
    if (size === undefined) return Buffer.allocUnsafe(bytes)
    const memory = this.#free.get(size)?.pop()
    if (memory !== undefined) {
      this.#freeBytes -= size
      this.stats.reused++
      return Buffer.from(memory, 0, bytes)
    }
    const fresh = new ArrayBuffer(size)
    this.#pooled.add(fresh)
    this.stats.allocated++
    return Buffer.from(fresh, 0, bytes)
  }

  /**
   * Notes that `packet` (a view of pooled memory, now decrypted) holds one answer and nothing else: views of it are
   * that answer's, so once its receiver is done with the answer the memory may be reused.
   */
  markSingleAnswer(packet: Uint8Array): void {
    if (this.#pooled.has(packet.buffer as ArrayBuffer)) this.#singleAnswer.add(packet.buffer)
  }

  /** Whether `view` is part of a packet that holds one answer (see {@link markSingleAnswer}). */
  holdsSingleAnswer(view: Uint8Array): boolean {
    return this.#singleAnswer.has(view.buffer)
  }

  /**
   * Hands back the memory under `view` (a part's bytes from a single-answer packet) for the next packet: the caller
   * and everything it gave the view to must not read it again. Anything else (memory not from here, a packet with
   * several answers, a second release) is left alone.
   *
   * @returns whether the memory was taken back
   */
  release(view: Uint8Array): boolean {
    const memory = view.buffer
    if (!this.#singleAnswer.has(memory)) return false
    this.#singleAnswer.delete(memory)
    const size = memory.byteLength
    if (this.#freeBytes + size > this.maxFreeBytes) return false
    let list = this.#free.get(size)
    if (list === undefined) this.#free.set(size, (list = []))
    list.push(memory as ArrayBuffer)
    this.#freeBytes += size
    this.stats.released++
    return true
  }

  /** A {@link BLOCK_SIZE} Buffer for the receive queue (contents undefined). */
  block(): Buffer {
    const reused = this.#blocks.pop()
    if (reused !== undefined) return reused
    this.stats.blocks++
    return Buffer.allocUnsafeSlow(BLOCK_SIZE)
  }

  /** Takes back a block whose bytes were all read. */
  returnBlock(block: Buffer): void {
    if (this.#blocks.length < this.maxFreeBlocks) this.#blocks.push(block)
  }
}

/** The process's packet memory, used by the socket reader that {@link installGramjsSpeedups} installs. */
export const packetMemory = new PacketMemory()

/**
 * Bytes received and not yet read, in reused blocks: appending copies into the last block, reading copies out of the
 * first and hands each emptied block back.
 */
export class ReceiveQueue {
  #blocks: Buffer[] = []
  /** Read position in the first block. */
  #start = 0
  /** Write position in the last block. */
  #end = 0
  #length = 0

  constructor(private readonly memory: PacketMemory) {}

  /** Bytes waiting. */
  get length(): number {
    return this.#length
  }

  append(data: Uint8Array): void {
    let at = 0
    while (at < data.length) {
      let last = this.#blocks[this.#blocks.length - 1]
      if (last === undefined || this.#end === BLOCK_SIZE) {
        last = this.memory.block()
        this.#blocks.push(last)
        this.#end = 0
      }
      const n = Math.min(BLOCK_SIZE - this.#end, data.length - at)
      last.set(data.subarray(at, at + n), this.#end)
      this.#end += n
      at += n
    }
    this.#length += data.length
  }

  /** Moves the first `n` bytes (at most {@link length}) into `target` at `offset`. */
  takeInto(target: Uint8Array, offset: number, n: number): void {
    if (n > this.#length) throw new RangeError(`ReceiveQueue: ${n} bytes asked, ${this.#length} waiting`)
    let done = 0
    while (done < n) {
      const first = this.#blocks[0]!
      const stop = this.#blocks.length === 1 ? this.#end : BLOCK_SIZE
      const used = Math.min(stop - this.#start, n - done)
      target.set(first.subarray(this.#start, this.#start + used), offset + done)
      this.#start += used
      done += used
      if (this.#start === stop) this.#dropFirst()
    }
    this.#length -= n
  }

  /** Forgets everything waiting (a new connection). */
  clear(): void {
    while (this.#blocks.length > 0) this.#dropFirst()
    this.#length = 0
  }

  #dropFirst(): void {
    const first = this.#blocks.shift()!
    this.memory.returnBlock(first)
    this.#start = 0
    if (this.#blocks.length === 0) this.#end = 0
  }
}
