/**
 * Memory of a long archive run. A bulk download turns every megabyte file part into a few Buffers; their memory
 * (outside V8's heap) is only freed when the small JavaScript objects that own them are collected. Two V8 habits let
 * dead parts pile up:
 *
 * - under a high allocation rate V8 grows its young generation (to 2 × 16 MiB by default), so more dead objects wait
 *   for each young-generation collection;
 * - a part lives long enough (network, decryption, disk write) to be promoted to the old generation, and V8 starts a
 *   full collection for memory outside its heap only once some 64 MiB more of it exist than after the last one.
 *
 * {@link keepYoungGenerationSmall} and {@link MemoryPacer} answer one each; `archiveProfiles` uses both unless told
 * not to (`leanMemory: false`), the command line sets the first before loading anything else.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8'
import { gcFunction, type GcFunction } from '../util/gc.js'

/**
 * Keeps V8's young generation at the size it has now (initially 2 × 1 MiB) for the rest of the process:
 * `--semi-space-growth-factor=1` is read each time V8 would grow it, so it takes effect at run time (unlike
 * `--max-semi-space-size`, read only at start-up). Process-wide and idempotent.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1')
}

export { gcFunction, type GcFunction } from '../util/gc.js'

/**
 * Starts a full collection, without blocking (V8 marks incrementally and concurrently), when more than `maxBuffers`
 * bytes of Buffers exist, looking after every `checkEveryBytes` of parts the caller is done with: dead parts' memory
 * is given back after about that much, not 64 MiB. Looking only then, and collecting only when needed, keeps the cost
 * low when the heap is large (a full collection marks all of it).
 */
export class MemoryPacer {
  private since = 0
  /** The least V8 heap in use seen by {@link heapCheck} since its last collection: about what is live. */
  private heapLow: number | undefined

  constructor(
    private readonly checkEveryBytes: number,
    private readonly maxBuffers: number,
    private readonly gc: GcFunction = gcFunction(),
    private readonly buffers: () => number = () => process.memoryUsage().arrayBuffers,
    /** How far the heap in use may grow above {@link heapLow} before {@link heapCheck} starts a collection. */
    private readonly heapGrowth: number = 32 * 1024 * 1024,
    private readonly heapUsed: () => number = () => getHeapStatistics().used_heap_size,
  ) {}

  /**
   * Looks at V8's heap after work that leaves garbage there but no Buffers (a user's listing: a re-run of an unchanged
   * archive does nothing else). Objects that outlive V8's small young generation go to the old one, which V8 lets
   * grow far before collecting it (a 417-user re-run reached 85 MiB in use over 28 MiB live); a full collection is
   * started, without blocking, once the heap in use exceeds the least seen since the last one by `heapGrowth`.
   */
  heapCheck(): void {
    const used = this.heapUsed()
    if (this.heapLow === undefined || used < this.heapLow) this.heapLow = used
    if (used - this.heapLow <= this.heapGrowth) return
    this.gc({ type: 'major', execution: 'async' })
    this.heapLow = undefined
  }

  /** Counts `bytes` more of parts that are no longer needed; may start a collection. */
  done(bytes: number): void {
    this.since += bytes
    if (this.since < this.checkEveryBytes) return
    this.since = 0
    if (this.buffers() > this.maxBuffers) this.gc({ type: 'major', execution: 'async' })
  }
}
