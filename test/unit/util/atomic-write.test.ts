import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileExistsError, ensureDir, openAtomicFile, tempFileWriter, tempPathFor, writeFileAtomic } from '../../../src/util/atomic-write.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tgp-atomic-write-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('tempFileWriter', () => {
  it('reads the writing process back from a temporary name, and nothing from other names', () => {
    const name = tempPathFor('/x/index.html').slice('/x/'.length)
    expect([tempFileWriter(name), tempFileWriter('index.html'), tempFileWriter('.index.html.12.zz.tmp')]).toEqual([process.pid, undefined, undefined])
  })
})

describe('writeFileAtomic', () => {
  it('replaces the file and returns the status of what it wrote', async () => {
    const path = join(dir, 'cache.json')
    await writeFile(path, 'old old old')
    const written = await writeFileAtomic(path, 'new')
    const now = await stat(path, { bigint: true })
    expect(await readFile(path, 'utf8')).toBe('new')
    expect([written.ino, written.size]).toEqual([now.ino, 3n])
    expect(await readdir(dir)).toEqual(['cache.json'])
  })

  it('pins the mode against the umask and creates folders with dirMode', async () => {
    const previous = process.umask(0o277)
    try {
      await writeFileAtomic(join(dir, 'a', 'b', 'f'), 'x', { mode: 0o640, dirMode: 0o750 })
    } finally {
      process.umask(previous)
    }
    expect((await stat(join(dir, 'a', 'b', 'f'))).mode & 0o777).toBe(0o640)
    expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o500) // mkdir's mode is subject to the umask
  })
})

describe('openAtomicFile', () => {
  it('writes under a fresh temporary name of its own', async () => {
    const a = await openAtomicFile(join(dir, 'f'))
    const b = await openAtomicFile(join(dir, 'f'))
    expect(a.tempPath).toMatch(new RegExp(`^${dir}/\\.f\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`))
    expect(b.tempPath).not.toBe(a.tempPath)
    await a.abort()
    await b.abort()
    expect(await readdir(dir)).toEqual([])
  })

  it('restart discards what was written', async () => {
    const file = await openAtomicFile(join(dir, 'f'))
    await file.write(Buffer.from('stale and long'))
    await file.restart()
    await file.write(Buffer.from('fresh'))
    expect(file.bytesWritten).toBe(5)
    expect(await file.commit()).toBe(join(dir, 'f'))
    expect(await readFile(join(dir, 'f'), 'utf8')).toBe('fresh')
  })

  it('commits under a name chosen at the end, refusing a taken one unless told to replace it', async () => {
    await writeFile(join(dir, 'taken'), 'precious')
    const refused = await openAtomicFile(join(dir, 'placeholder'))
    await refused.write(Buffer.from('new'))
    await expect(refused.commit({ path: join(dir, 'taken') })).rejects.toEqual(new FileExistsError(join(dir, 'taken')))
    await refused.abort()
    expect(await readdir(dir)).toEqual(['taken'])
    expect(await readFile(join(dir, 'taken'), 'utf8')).toBe('precious')

    const forced = await openAtomicFile(join(dir, 'placeholder'))
    await forced.write(Buffer.from('new'))
    expect(await forced.commit({ path: join(dir, 'taken'), replace: true })).toBe(join(dir, 'taken'))
    expect(await readdir(dir)).toEqual(['taken'])
    expect(await readFile(join(dir, 'taken'), 'utf8')).toBe('new')
  })
})

describe('ensureDir', () => {
  it('creates missing parents and accepts an existing folder', async () => {
    await ensureDir(join(dir, 'x', 'y', 'z'))
    await ensureDir(join(dir, 'x', 'y', 'z'))
    expect((await stat(join(dir, 'x', 'y', 'z'))).isDirectory()).toBe(true)
  })
})
