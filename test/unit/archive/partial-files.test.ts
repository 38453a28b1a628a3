import { lstat, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile, mkdir, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openPartialFile, sweepPartialFiles } from '../../../src/archive/partial-files.js'
import { FileExistsError, type CommitStep } from '../../../src/util/atomic-write.js'

let out: string
beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'tgp-atomic-'))
  await mkdir(join(out, '42'))
})
afterEach(async () => {
  await rm(out, { recursive: true, force: true })
})

class Crash extends Error {}

/**
 * How many of this process's file descriptors point at `path` (Linux: /proc/self/fd), or `undefined` where that
 * cannot be seen.
 */
async function descriptorsOf(path: string): Promise<number | undefined> {
  if (process.platform !== 'linux') return undefined
  let n = 0
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(join('/proc/self/fd', fd)).catch(() => '')
    if (target === path) n++
  }
  return n
}

describe('openPartialFile', () => {
  it('writes chunks under a temporary name and renames on commit', async () => {
    const file = await openPartialFile(join(out, '42', '7_c.jpg'))
    expect(file.tempPath).toBe(join(out, '42', '.7_c.jpg.tgp-partial'))
    await file.write(Buffer.from('hello '))
    await file.write(Buffer.from('world'))
    expect(file.bytesWritten).toBe(11)
    expect(await readdir(join(out, '42'))).toEqual(['.7_c.jpg.tgp-partial'])
    await file.commit()
    expect(await readdir(join(out, '42'))).toEqual(['7_c.jpg'])
    expect(await readFile(join(out, '42', '7_c.jpg'), 'utf8')).toBe('hello world')
  })

  it.each<CommitStep>(['sync', 'close', 'rename'])(
    'leaves no file under the final name when it crashes before %s',
    async (step) => {
      const file = await openPartialFile(join(out, '42', '7_c.jpg'), {
        beforeStep: (s) => {
          if (s === step) throw new Crash(s)
        },
      })
      await file.write(Buffer.alloc(5000, 1))
      const open = await descriptorsOf(file.tempPath)
      if (open !== undefined) expect(open).toBe(1)
      await expect(file.commit()).rejects.toThrow(Crash)
      expect(await readdir(join(out, '42'))).toEqual(['.7_c.jpg.tgp-partial'])
      // The temporary file stays, its descriptor does not (left open, the garbage collector would close it).
      if (open !== undefined) expect(await descriptorsOf(file.tempPath)).toBe(0)
      // The next start sweeps what the crash left.
      expect(await sweepPartialFiles(out)).toBe(1)
      expect(await readdir(join(out, '42'))).toEqual([])
    },
  )

  it('has the complete file under the final name when it crashes after the rename', async () => {
    const file = await openPartialFile(join(out, '42', '7_c.jpg'), {
      beforeStep: (s) => {
        if (s === 'sync-dir') throw new Crash(s)
      },
    })
    await file.write(Buffer.alloc(5000, 1))
    await expect(file.commit()).rejects.toThrow(Crash)
    expect(await readdir(join(out, '42'))).toEqual(['7_c.jpg'])
    expect((await stat(join(out, '42', '7_c.jpg'))).size).toBe(5000)
    await file.abort() // after a committed rename, abort leaves the final file alone
    expect(await readdir(join(out, '42'))).toEqual(['7_c.jpg'])
  })

  it('never overwrites an existing final file', async () => {
    await writeFile(join(out, '42', '7_c.jpg'), 'precious')
    const file = await openPartialFile(join(out, '42', '7_c.jpg'))
    await file.write(Buffer.from('new'))
    await expect(file.commit()).rejects.toEqual(new FileExistsError(join(out, '42', '7_c.jpg')))
    await file.abort()
    expect(await readdir(join(out, '42'))).toEqual(['7_c.jpg'])
    expect(await readFile(join(out, '42', '7_c.jpg'), 'utf8')).toBe('precious')
  })

  it('abort removes the temporary file only', async () => {
    const file = await openPartialFile(join(out, '42', '9.mp3'))
    await file.write(Buffer.from('abc'))
    await file.abort()
    await file.abort()
    expect(await readdir(join(out, '42'))).toEqual([])
  })

  it('truncates a stale temporary file left by a crash', async () => {
    await writeFile(join(out, '42', '.7_c.jpg.tgp-partial'), 'stale stale stale')
    const file = await openPartialFile(join(out, '42', '7_c.jpg'))
    await file.write(Buffer.from('fresh'))
    await file.commit()
    expect(await readFile(join(out, '42', '7_c.jpg'), 'utf8')).toBe('fresh')
  })
  it('replaces a symlink at the partial name instead of writing through it', async () => {
    await writeFile(join(out, 'precious.txt'), 'precious')
    await symlink(join(out, 'precious.txt'), join(out, '42', '.7_c.jpg.tgp-partial'))
    const file = await openPartialFile(join(out, '42', '7_c.jpg'))
    await file.write(Buffer.from('fresh'))
    await file.commit()
    expect(await readFile(join(out, 'precious.txt'), 'utf8')).toBe('precious')
    expect((await lstat(join(out, '42', '7_c.jpg'))).isFile()).toBe(true)
    expect(await readFile(join(out, '42', '7_c.jpg'), 'utf8')).toBe('fresh')
  })
})

describe('sweepPartialFiles', () => {
  it('removes only partial downloads inside user folders', async () => {
    await mkdir(join(out, '43'))
    await mkdir(join(out, 'notes'))
    await writeFile(join(out, '42', '.1_c.jpg.tgp-partial'), 'x')
    await writeFile(join(out, '43', '.2.mp3.tgp-partial'), 'x')
    await writeFile(join(out, '43', '2_c.jpg'), 'keep')
    await writeFile(join(out, '43', '.tgp-partial'), 'keep: not a name we create')
    await writeFile(join(out, '43', '.hidden'), 'keep')
    await writeFile(join(out, 'notes', '.3_c.jpg.tgp-partial'), 'keep: not a user folder')
    await writeFile(join(out, '.4_c.jpg.tgp-partial'), 'keep: not in a user folder')
    expect(await sweepPartialFiles(out)).toBe(2)
    expect(await readdir(join(out, '42'))).toEqual([])
    expect((await readdir(join(out, '43'))).sort()).toEqual(['.hidden', '.tgp-partial', '2_c.jpg'])
    expect(await readdir(join(out, 'notes'))).toEqual(['.3_c.jpg.tgp-partial'])
  })

  it('returns 0 for a missing folder', async () => {
    expect(await sweepPartialFiles(join(out, 'nope'))).toBe(0)
  })
})
