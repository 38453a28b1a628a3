/**
 * The index's rows in order without holding them all: each group's rows are sorted and written to a run file, and
 * the runs are merged back in {@link byRecentChange} order, holding one row per run.
 */
import { writeFile } from 'node:fs/promises'
import { byRecentChange, type TileData } from './index-page.js'
import { eachLine } from './read.js'

/** Bytes read at a time over all runs being merged. */
const MERGE_READ_BYTES = 4 * 1024 * 1024

/** Writes `rows` (any order) to `path` as a sorted run, one JSON row a line. */
export async function writeRun(path: string, rows: TileData[]): Promise<void> {
  rows.sort(byRecentChange)
  await writeFile(path, rows.map((r) => `${JSON.stringify(r)}\n`).join(''))
}

interface Head {
  row: TileData
  rest: AsyncGenerator<string>
}

/** Restores the heap order below `i` (smallest row by {@link byRecentChange} on top). */
function siftDown(heap: Head[], i: number): void {
  for (;;) {
    const l = 2 * i + 1
    const r = l + 1
    let top = i
    if (l < heap.length && byRecentChange((heap[l] as Head).row, (heap[top] as Head).row) < 0) top = l
    if (r < heap.length && byRecentChange((heap[r] as Head).row, (heap[top] as Head).row) < 0) top = r
    if (top === i) return
    ;[heap[i], heap[top]] = [heap[top] as Head, heap[i] as Head]
    i = top
  }
}

async function next(rest: AsyncGenerator<string>): Promise<TileData | undefined> {
  const line = await rest.next()
  return line.done === true ? undefined : (JSON.parse(line.value) as TileData)
}

/** The rows of every run at `paths`, in {@link byRecentChange} order. */
export async function* mergeRuns(paths: readonly string[], signal?: AbortSignal): AsyncGenerator<TileData> {
  const readBytes = Math.max(4096, Math.floor(MERGE_READ_BYTES / Math.max(1, paths.length)))
  const heap: Head[] = []
  try {
    for (const path of paths) {
      const rest = eachLine(path, { signal, readBytes })
      const row = await next(rest)
      if (row !== undefined) heap.push({ row, rest })
      else await rest.return(undefined)
    }
    for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) siftDown(heap, i)
    while (heap.length > 0) {
      const head = heap[0] as Head
      yield head.row
      const row = await next(head.rest)
      if (row !== undefined) head.row = row
      else {
        await head.rest.return(undefined)
        const last = heap.pop() as Head
        if (heap.length === 0) break
        heap[0] = last
      }
      siftDown(heap, 0)
    }
  } finally {
    for (const head of heap) await head.rest.return(undefined)
  }
}
