/** `tg-profile gallery <dir>` in-process, with memory streams. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HANDLERS } from '../../../src/cli/commands.js'
import type { CliIo } from '../../../src/cli/io.js'
import { runCli } from '../../../src/cli/run.js'
import { photoFile, seen } from './records.js'

let cwd: string
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'tgp-gallery-cli-'))
})
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true })
})

async function run(argv: string[], tty: boolean): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s), isTTY: tty },
    stderr: { write: (s: string) => (err += s), isTTY: tty },
    env: {},
    cwd,
  }
  const code = await runCli(argv, io, HANDLERS)
  return { code, out, err }
}

describe('tg-profile gallery', () => {
  it('builds the gallery and prints where to open it, then writes nothing the second time', async () => {
    await mkdir(join(cwd, 'avatars'))
    const lines = [seen(5, 'alice'), photoFile(5, '1', 'c', 1_700_000_000), seen(6)].map((r) => JSON.stringify(r))
    await writeFile(join(cwd, 'avatars', 'manifest.ndjson'), `${lines.join('\n')}\n`)
    expect(await run(['gallery', 'avatars'], true)).toEqual({
      code: 0,
      out: 'Gallery: 2 users, 1 photo; 7 files written, 0 unchanged.\nopen ./avatars/index.html\n',
      err: '',
    })
    const again = await run(['gallery', 'avatars'], false)
    expect(again.code).toBe(0)
    expect(JSON.parse(again.out)).toEqual({
      ok: true,
      result: { index: join(cwd, 'avatars', 'index.html'), users: 2, photos: 1, files: { written: 0, unchanged: 7, bytes: 0 } },
    })
  })

  it('refuses a folder that is not an archive (exit 2) and a missing argument', async () => {
    await mkdir(join(cwd, 'empty'))
    const r = await run(['gallery', 'empty'], true)
    expect(r.code).toBe(2)
    expect(r.err).toContain('tg-profile: ./empty is not an archive folder (no manifest.ndjson)\n')
    expect((await run(['gallery'], true)).code).toBe(2)
  })
})
