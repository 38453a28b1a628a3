import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GalleryWriter, WritePool } from '../../../src/gallery/write.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tgp-gallery-write-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** 200 000 bytes in 2 000 pieces: more than one compared chunk. */
const PIECES = Array.from({ length: 2_000 }, (_, i) => `${String(i).padStart(6, '0')}${'x'.repeat(94)}`)

async function stream(writer: GalleryWriter, pieces: readonly string[]): Promise<void> {
  const file = writer.stream('gallery/data.js')
  for (const p of pieces) await file.write(p)
  await file.end()
}

const OLD = new Date(1_000_000_000_000)

describe('GalleryWriter.stream', () => {
  it('writes a new file from its pieces, folders included', async () => {
    const writer = new GalleryWriter(dir)
    await stream(writer, PIECES)
    expect(await readFile(join(dir, 'gallery/data.js'), 'utf8')).toBe(PIECES.join(''))
    expect(writer.stats).toEqual({ written: 1, unchanged: 0, bytes: 200_000 })
    expect((await stat(join(dir, 'gallery/data.js'))).mode & 0o777).toBe(0o644)
  })

  it('leaves a file that holds the same content untouched, however it is cut into pieces', async () => {
    await stream(new GalleryWriter(dir), PIECES)
    await utimes(join(dir, 'gallery/data.js'), OLD, OLD)
    const writer = new GalleryWriter(dir)
    await stream(writer, [PIECES.slice(0, 700).join(''), ...PIECES.slice(700)])
    expect(writer.stats).toEqual({ written: 0, unchanged: 1, bytes: 0 })
    expect((await stat(join(dir, 'gallery/data.js'))).mtimeMs).toBe(OLD.getTime())
  })

  it.each([
    ['a piece in the middle differs', (p: string[]): string[] => p.map((s, i) => (i === 1_500 ? s.toUpperCase() : s))],
    ['the new file is a prefix of the old', (p: string[]): string[] => p.slice(0, 1_999)],
    ['the old file is a prefix of the new', (p: string[]): string[] => [...p, 'tail']],
    ['the old file is empty', (p: string[]): string[] => p],
  ])('replaces the file whole when %s', async (what, change) => {
    const pieces = change([...PIECES])
    if (what === 'the old file is empty') await stream(new GalleryWriter(dir), [])
    else await stream(new GalleryWriter(dir), PIECES)
    const writer = new GalleryWriter(dir)
    await stream(writer, pieces)
    expect(await readFile(join(dir, 'gallery/data.js'), 'utf8')).toBe(pieces.join(''))
    expect(writer.stats).toEqual({ written: 1, unchanged: 0, bytes: Buffer.byteLength(pieces.join('')) })
    expect(await readdir(join(dir, 'gallery'))).toEqual(['data.js'])
  })

  it('keeps the old file and removes its temporary one when aborted', async () => {
    await writeFile(join(dir, 'data.js'), 'old')
    const file = new GalleryWriter(dir).stream('data.js')
    for (const p of PIECES) await file.write(p)
    await file.abort()
    expect(await readdir(dir)).toEqual(['data.js'])
    expect(await readFile(join(dir, 'data.js'), 'utf8')).toBe('old')
  })
})

describe('WritePool', () => {
  it('runs at most its limit at a time and every task given', async () => {
    const pool = new WritePool(3)
    let running = 0
    let most = 0
    let done = 0
    for (let i = 0; i < 20; i++) {
      await pool.add(async () => {
        most = Math.max(most, ++running)
        await new Promise<void>((resolve) => setImmediate(resolve))
        running--
        done++
      })
    }
    await pool.drain()
    expect([most, done]).toEqual([3, 20])
  })

  it('throws the first failure from the next add, and from drain', async () => {
    const pool = new WritePool(2)
    let started = 0
    await pool.add(() => Promise.reject(new Error('disk full')))
    await expect(pool.add(async () => void started++)).rejects.toThrow('disk full')
    await expect(pool.drain()).rejects.toThrow('disk full')
    expect(started).toBe(0)
  })
})
