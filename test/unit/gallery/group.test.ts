import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { groupByUser, groupCount, groupOf, lineUser, MAX_GROUPS } from '../../../src/gallery/group.js'
import { photoFile, seen } from './records.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tgp-gallery-group-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('groupOf', () => {
  it('spreads ids that share a residue over every group', () => {
    const counts = new Array<number>(16).fill(0)
    for (let k = 1; k <= 1_600; k++) counts[groupOf(k * 1_024, 16)]!++
    expect(Math.min(...counts)).toBeGreaterThan(50)
    expect(Math.max(...counts)).toBeLessThan(150)
  })

  it('tells apart ids beyond 2^32 that share their low bits', () => {
    const groups = new Set(Array.from({ length: 64 }, (_, k) => groupOf(7 + k * 2 ** 32, 64)))
    expect(groups.size).toBeGreaterThan(32)
  })
})

describe('groupCount', () => {
  it('is one for a manifest that fits a group, and at most MAX_GROUPS', () => {
    expect([groupCount(0, 100), groupCount(100, 100), groupCount(101, 100), groupCount(1e12, 1)]).toEqual([1, 1, 2, MAX_GROUPS])
  })
})

describe('groupByUser', () => {
  it('puts each user\'s records, unchanged and in manifest order, into one group, and drops what is not a record', async () => {
    const lines = [
      JSON.stringify(seen(1, 'a')),
      JSON.stringify(photoFile(2, '20', 'c', 1)),
      'not json',
      JSON.stringify({ type: 'user-failed', user: '@x', user_id: 3, error: {}, at: 1 }),
      JSON.stringify(photoFile(1, '10', 'c', 1)),
      JSON.stringify(seen(2, 'b')),
      JSON.stringify(photoFile(1, '11', 'c', 2)),
    ]
    const manifest = join(dir, 'manifest.ndjson')
    await writeFile(manifest, `${lines.join('\n')}\n`)
    const groups = await groupByUser(manifest, dir, { groupBytes: 1 })
    const held = await Promise.all(groups.map(async (g) => (await readFile(g, 'utf8')).split('\n').filter((l) => l !== '')))
    const byUser = (uid: number): string[][] => held.filter((g) => g.some((l) => (JSON.parse(l) as { user_id: number }).user_id === uid))
    expect(byUser(1)).toHaveLength(1)
    expect(byUser(1)[0]!.filter((l) => l.includes('"user_id":1,'))).toEqual([lines[0], lines[4], lines[6]])
    expect(byUser(2)[0]!.filter((l) => l.includes('"user_id":2,'))).toEqual([lines[1], lines[5]])
    expect(held.flat()).toHaveLength(5)
  })

  it('reads a manifest that fits one group in place', async () => {
    const manifest = join(dir, 'manifest.ndjson')
    await writeFile(manifest, `${JSON.stringify(seen(1, 'a'))}\n`)
    expect(await groupByUser(manifest, join(dir, 'unused'), { groupBytes: 1_000 })).toEqual([manifest])
  })
})

describe('lineUser', () => {
  it.each([
    ['a record as the archiver starts it', '{"type":"file","user_id":12,"kind":"photo"}', 12],
    ['a mark, id first', '{"user_id":12,"kind":"photo","type":"gone"}', 12],
    ['a second user_id key, which JSON.parse takes', '{"type":"file","user_id":12,"user_id":13}', 13],
    ['a key that spells user_id with an escape', '{"type":"file","user_id":12,"user\\u005fid":13}', 13],
    ['a value that reads user_id', '{"type":"file","user_id":12,"x":"user_id"}', 12],
    ['spaces after the colons', '{"type": "file", "user_id": 12}', 12],
    ['a torn line', '{"type":"file","us', undefined],
    ['a line without a user', '{"type":"file","user_id":"12"}', undefined],
  ])('reads the id JSON.parse gives from %s', (_, line, uid) => {
    expect(lineUser(line)).toBe(uid)
  })
})
