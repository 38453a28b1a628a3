import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TileData } from '../../../src/gallery/index-page.js'
import { mergeRuns, writeRun } from '../../../src/gallery/tiles.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tgp-gallery-tiles-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const row = (id: number, latest: number): TileData => [id, `u${id}`, 1, latest, `${id}/1_c.jpg`, 0]

describe('mergeRuns', () => {
  it('merges sorted runs into one order: most recent change first, then by id', async () => {
    const runs = [
      [row(5, 100), row(1, 300), row(9, 0)],
      [],
      [row(2, 100), row(7, 300)],
      [row(3, 200)],
    ]
    const paths = runs.map((_, i) => join(dir, `${i}.tiles`))
    for (const [i, r] of runs.entries()) await writeRun(paths[i]!, r)
    const merged: TileData[] = []
    for await (const r of mergeRuns(paths)) merged.push(r)
    expect(merged.map((r) => r[0])).toEqual([1, 7, 3, 2, 5, 9])
    expect(merged[0]).toEqual(row(1, 300))
  })

  it('yields nothing without runs', async () => {
    const merged: TileData[] = []
    for await (const r of mergeRuns([])) merged.push(r)
    expect(merged).toEqual([])
  })
})
