import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildGallery } from '../../../src/gallery/index.js'
import { mark, photoFile, seen, videoFile } from './records.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tgp-gallery-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function manifest(records: readonly unknown[]): Promise<void> {
  await writeFile(join(dir, 'manifest.ndjson'), records.map((r) => `${JSON.stringify(r)}\n`).join(''))
}

async function files(root: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(join(e.parentPath, e.name).slice(root.length + 1))
  }
  return out.sort()
}

/** Every entry under `root` (files and folders) whose name starts with a dot: temporary files and work folders. */
async function hidden(root: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (e.name.startsWith('.')) out.push(join(e.parentPath, e.name).slice(root.length + 1))
  }
  return out.sort()
}

/**
 * A hand-built manifest (users interleaved, several runs' records, sizes, video avatars, gone and back marks, an
 * audio, names that need escaping, ids beyond 2^53, a user-failed record, a line that is not JSON and a torn last
 * line) and the gallery it gives with `pageSize: 3`, every file byte for byte.
 */
const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden')

/** A signal that stops the build at its `n`th check. */
function stopAt(n: number): AbortSignal {
  let checks = 0
  return {
    throwIfAborted(): void {
      if (++checks >= n) throw new Error('stopped')
    },
  } as AbortSignal
}

const RECORDS = [
  seen(11, 'alice'),
  photoFile(11, '1', 'a', 1_700_000_000, 160),
  photoFile(11, '1', 'c', 1_700_000_000, 640),
  photoFile(11, '2', 'c', 1_700_100_000),
  videoFile(11, '2', 'u', 1_700_100_000),
  mark('gone', 11, '1', 'a', 1_700_200_000),
  seen(22, 'bob'),
  photoFile(22, '3', 'c', 1_600_000_000),
  seen(33),
]

describe('buildGallery', () => {
  it('removes the index pages a build with fewer pages no longer links to', async () => {
    await manifest(RECORDS)
    await buildGallery(dir, { pageSize: 1 })
    expect(await files(join(dir, 'gallery', 'pages'))).toEqual(['2.html', '3.html'])
    await buildGallery(dir, { pageSize: 100 })
    expect(await files(join(dir, 'gallery', 'pages')).catch(() => [])).toEqual([])
  })

  it('writes the index, one page per user, the data file and the assets, and counts them', async () => {
    await manifest(RECORDS)
    const summary = await buildGallery(dir)
    expect(summary).toEqual({
      index: join(dir, 'index.html'),
      users: 3,
      photos: 3,
      files: { written: 8, unchanged: 0, bytes: expect.any(Number) },
    })
    expect(await files(dir)).toEqual([
      'gallery/data.js',
      'gallery/index.js',
      'gallery/style.css',
      'gallery/user.js',
      'gallery/users/11.html',
      'gallery/users/22.html',
      'gallery/users/33.html',
      'index.html',
      'manifest.ndjson',
    ])
    let total = 0
    for (const f of await files(dir)) if (f !== 'manifest.ndjson') total += (await stat(join(dir, f))).size
    expect(summary.files.bytes).toBe(total)
  })

  it('writes nothing when nothing changed, and only what changed otherwise', async () => {
    await manifest(RECORDS)
    await buildGallery(dir)
    const old = new Date(1_000_000_000_000)
    for (const f of await files(dir)) await utimes(join(dir, f), old, old)
    expect((await buildGallery(dir)).files).toEqual({ written: 0, unchanged: 8, bytes: 0 })
    const untouched = await Promise.all((await files(dir)).map(async (f) => (await stat(join(dir, f))).mtimeMs))
    expect(new Set(untouched)).toEqual(new Set([old.getTime()]))

    // A new photo of bob: his page, the data file and the index change; alice's page and the assets do not.
    await manifest([...RECORDS, photoFile(22, '4', 'c', 1_650_000_000)])
    const again = await buildGallery(dir)
    expect(again.files).toEqual({ written: 3, unchanged: 5, bytes: expect.any(Number) })
    expect((await stat(join(dir, 'gallery/users/11.html'))).mtimeMs).toBe(old.getTime())
    expect((await stat(join(dir, 'gallery/users/22.html'))).mtimeMs).not.toBe(old.getTime())
  })

  it('never writes an image file', async () => {
    await manifest(RECORDS)
    await mkdir(join(dir, '11'))
    await writeFile(join(dir, '11', '1_c.jpg'), 'jpeg bytes')
    const before = await lstat(join(dir, '11', '1_c.jpg'))
    await buildGallery(dir)
    const after = await lstat(join(dir, '11', '1_c.jpg'))
    expect([after.ino, after.mtimeMs, after.size]).toEqual([before.ino, before.mtimeMs, before.size])
    expect(await readdir(join(dir, '11'))).toEqual(['1_c.jpg'])
  })

  it('pages the index: the first page in index.html, the others under gallery/pages/, linked both ways', async () => {
    const many = Array.from({ length: 5 }, (_, i) => photoFile(100 + i, String(i + 1), 'c', 1_700_000_000 - i))
    await manifest(many)
    await buildGallery(dir, { pageSize: 2 })
    const index = await readFile(join(dir, 'index.html'), 'utf8')
    const page3 = await readFile(join(dir, 'gallery/pages/3.html'), 'utf8')
    expect(index.match(/class="tile"/g)).toHaveLength(2)
    expect(index).toContain('<a href="gallery/pages/2.html">2</a>')
    expect(page3.match(/class="tile"/g)).toHaveLength(1)
    expect(page3).toContain('<a href="../../index.html">1</a>')
    expect(page3).toContain('href="../../gallery/users/104.html"')
    expect(page3).toContain('src="../../104/5_c.jpg"')
  })

  it('removes temporary files a killed build left, and keeps those of a live process', async () => {
    await manifest(RECORDS)
    await mkdir(join(dir, 'gallery', 'users'), { recursive: true })
    const dead = join(dir, 'gallery', 'users', '.11.html.999999999.0123456789ab.tmp')
    const live = join(dir, 'gallery', `.data.js.${process.pid}.0123456789ab.tmp`)
    await writeFile(dead, 'half a page')
    await writeFile(live, 'in progress')
    await buildGallery(dir)
    expect(await files(join(dir, 'gallery'))).not.toContain('users/.11.html.999999999.0123456789ab.tmp')
    expect(await files(join(dir, 'gallery'))).toContain(`.data.js.${process.pid}.0123456789ab.tmp`)
  })

  it.each([
    ['in one group', undefined, true],
    ['in many groups', 256, true],
    ['in many groups, without collecting garbage', 256, false],
    ['with every record in a group of its own', 1, true],
  ])('builds the expected gallery of a hand-built manifest byte for byte, %s', async (_, groupBytes, leanMemory) => {
    await copyFile(join(GOLDEN, 'manifest.ndjson'), join(dir, 'manifest.ndjson'))
    const summary = await buildGallery(dir, { pageSize: 3, groupBytes, leanMemory })
    const expected = await files(join(GOLDEN, 'expected'))
    expect(await files(dir)).toEqual([...expected, 'manifest.ndjson'].sort())
    for (const f of expected) expect([f, await readFile(join(dir, f))]).toEqual([f, await readFile(join(GOLDEN, 'expected', f))])
    const bytes = (await Promise.all(expected.map(async (f) => (await stat(join(dir, f))).size))).reduce((a, b) => a + b)
    expect(summary).toEqual({ index: join(dir, 'index.html'), users: 8, photos: 11, files: { written: 15, unchanged: 0, bytes } })
    expect(await hidden(dir)).toEqual([])
    // However the manifest is grouped, the same gallery: a rebuild in another grouping writes nothing.
    expect((await buildGallery(dir, { pageSize: 3, groupBytes: groupBytes === 1 ? undefined : 1 })).files).toEqual({ written: 0, unchanged: 15, bytes: 0 })
  })

  it('leaves every file whole and no work folder when stopped, and the next build completes the gallery', async () => {
    await copyFile(join(GOLDEN, 'manifest.ndjson'), join(dir, 'manifest.ndjson'))
    // Stops in the grouping pass, in the folding pass, before the data file is renamed, before the entry page.
    for (const n of [5, 20, 40, 60, 81, 82]) {
      await expect(buildGallery(dir, { pageSize: 3, groupBytes: 256, signal: stopAt(n) })).rejects.toThrow('stopped')
      expect(await hidden(dir)).toEqual([])
    }
    const expected = await files(join(GOLDEN, 'expected'))
    const summary = await buildGallery(dir, { pageSize: 3, groupBytes: 256 })
    for (const f of expected) expect([f, await readFile(join(dir, f))]).toEqual([f, await readFile(join(GOLDEN, 'expected', f))])
    expect(summary.files.written + summary.files.unchanged).toBe(15)
  })

  it('removes the work folder a killed build left, and keeps that of a live one', async () => {
    await manifest(RECORDS)
    const dead = join(dir, 'gallery', '.work.999999999.0123456789ab.tmp')
    const live = join(dir, 'gallery', `.work.${process.pid}.0123456789ab.tmp`)
    await mkdir(dead, { recursive: true })
    await mkdir(live)
    await writeFile(join(dead, '3.ndjson'), '{}\n')
    await buildGallery(dir)
    expect(await hidden(dir)).toEqual([`gallery/.work.${process.pid}.0123456789ab.tmp`])
  })

  it('fails with ENOENT on a folder without a manifest', async () => {
    await expect(buildGallery(dir)).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
