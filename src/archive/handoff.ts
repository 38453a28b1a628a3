/**
 * A bounded queue between two stages of a run: the listing stage puts listed users, the archiving stage takes them.
 * A full queue makes `put` wait, so a stage runs ahead of the next one by at most `capacity` items.
 */
export class Handoff<T> {
  private readonly items: T[] = []
  private readonly takers: ((item: T | undefined) => void)[] = []
  private readonly putters: (() => void)[] = []
  private closed = false

  constructor(private readonly capacity: number) {}

  /** Items waiting to be taken. */
  get size(): number {
    return this.items.length
  }

  /** Hands `item` over, waiting while the queue is full; false when the queue was closed (the item is not taken). */
  async put(item: T): Promise<boolean> {
    while (!this.closed && this.takers.length === 0 && this.items.length >= this.capacity) {
      await new Promise<void>((resolve) => this.putters.push(resolve))
    }
    if (this.closed) return false
    const taker = this.takers.shift()
    if (taker !== undefined) taker(item)
    else this.items.push(item)
    return true
  }

  /** The next item, in the order put; `undefined` once the queue is closed and empty. */
  async take(): Promise<T | undefined> {
    const item = this.items.shift()
    if (item !== undefined) {
      this.putters.shift()?.()
      return item
    }
    if (this.closed) return undefined
    return new Promise<T | undefined>((resolve) => this.takers.push(resolve))
  }

  /**
   * No more items: waiting takers get `undefined`, waiting and later puts are refused. With `drop`, the items not
   * taken yet are returned and dropped; without, they are still taken in turn.
   */
  close(drop = false): T[] {
    this.closed = true
    for (const taker of this.takers.splice(0)) taker(undefined)
    for (const putter of this.putters.splice(0)) putter()
    return drop ? this.items.splice(0) : []
  }
}
