/**
 * A file source, as TDLib calls it: one listed page (100 profile photos, or 100 profile audios) and the file ids of
 * every file on it. A file id carries a file reference that Telegram lets expire; the only way to a fresh one is
 * listing the page again, and that listing refreshes every file of the page at once. So the page is re-listed at
 * most once per expiry, whichever of its files notice first, and every file still to be downloaded takes its id
 * from the latest listing.
 */

/** The file id of one file of a page and the listing it came from. */
export interface PageFileId {
  /** The file id (with its file reference). */
  readonly fileId: string
  /** Which listing of the page it came from: 0 for the first, +1 per re-list. */
  readonly generation: number
}

/** Lists the page again: every file of it, by file key, with its fresh file id. */
export type ListPage = () => Promise<ReadonlyMap<string, string>>

/** One page's file ids, refreshed at most once per expiry and shared by every file of the page. */
export class PageReferences {
  private ids: ReadonlyMap<string, string>
  private generation = 0
  private listing: Promise<void> | undefined
  private relists = 0

  /**
   * @param initial the file ids of the first listing, by file key
   * @param list lists the page again
   */
  constructor(
    initial: ReadonlyMap<string, string>,
    private readonly list: ListPage,
  ) {
    this.ids = initial
  }

  /** Times the page was listed again. */
  get relisted(): number {
    return this.relists
  }

  /** The latest file id of `key`, or `undefined` when the latest listing no longer has the file. */
  current(key: string): PageFileId | undefined {
    const fileId = this.ids.get(key)
    return fileId === undefined ? undefined : { fileId, generation: this.generation }
  }

  /**
   * A file id of `key` newer than `stale` (which expired): from a listing made after `stale` was handed out if there
   * is one, else from the listing in flight, else from a new one. Files that notice the same expiry together share
   * one listing; a file that notices it after the page was re-listed makes none. `undefined` when the page no longer
   * lists the file. A failed listing fails every file waiting on it; the next refresh lists again.
   */
  async refresh(key: string, stale: PageFileId): Promise<PageFileId | undefined> {
    if (this.generation > stale.generation) return this.current(key)
    // `finally` runs after the assignment even when the listing fails at once, so a failure is never kept.
    this.listing ??= this.relist().finally(() => {
      this.listing = undefined
    })
    await this.listing
    return this.current(key)
  }

  private async relist(): Promise<void> {
    this.relists++
    this.ids = await this.list()
    this.generation++
  }
}
