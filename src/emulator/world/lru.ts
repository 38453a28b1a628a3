/**
 * A tiny LRU, bounded by entry count and (for buffers) by total bytes: rendered files are large and a world has far
 * more of them than fit in memory, so only the recently served ones are kept.
 */
export class Lru<V> {
  private readonly map = new Map<string, V>()
  private bytes = 0

  constructor(
    private readonly max: number,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  private static sizeOf(v: unknown): number {
    return Buffer.isBuffer(v) ? v.length : 0
  }

  /** The value for `key`, now the most recently used. */
  get(key: string): V | undefined {
    const v = this.map.get(key)
    if (v !== undefined) {
      this.map.delete(key)
      this.map.set(key, v)
    }
    return v
  }

  /** Stores `v` as the most recently used, evicting the least recently used beyond either bound (never the last). */
  set(key: string, v: V): void {
    const old = this.map.get(key)
    if (old !== undefined) {
      this.bytes -= Lru.sizeOf(old)
      this.map.delete(key)
    }
    this.map.set(key, v)
    this.bytes += Lru.sizeOf(v)
    while (this.map.size > 1 && (this.map.size > this.max || this.bytes > this.maxBytes)) {
      const first = this.map.entries().next()
      if (first.done === true) break
      this.map.delete(first.value[0])
      this.bytes -= Lru.sizeOf(first.value[1])
    }
  }
}
