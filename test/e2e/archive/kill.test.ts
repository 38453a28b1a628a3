/**
 * The archive command in a child process (compiled once with tsc), killed with SIGKILL at several points of a run,
 * then run again: the archive completes byte for byte, no partial file is left, and after every kill the manifest
 * only points at complete, correct files.
 */
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js'
import { archivableUsers, checkArchive, expectedFiles, listFiles, rsaKey } from './helpers.js'

const root = resolve('.')
const dist = join(root, 'dist', `e2e-archive-${process.pid}`)
const main = join(dist, 'src', 'cli', 'main.js')

interface ChildRun {
  code: number | null
  signal: NodeJS.Signals | null
  events: { type: string }[]
  stderr: string
}

/**
 * Runs `tg-profile archive …`; with `killAfter`, sends `signal` (SIGKILL by default) once that many file-saved events
 * were printed, after `beforeKill` has run.
 */
function runArchive(
  args: string[],
  killAfter?: number,
  kill: { signal?: NodeJS.Signals; beforeKill?: () => Promise<void> } = {},
): Promise<ChildRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [main, 'archive', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    const events: { type: string }[] = []
    let stderr = ''
    let saved = 0
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => (stderr += chunk))
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      if (line === '') return
      const event = JSON.parse(line) as { type: string }
      events.push(event)
      if (event.type === 'file-saved' && ++saved === killAfter) {
        void (kill.beforeKill?.() ?? Promise.resolve()).then(() => child.kill(kill.signal ?? 'SIGKILL'), reject)
      }
    })
    child.on('error', reject)
    child.on('close', (code, signal) => resolvePromise({ code, signal, events, stderr }))
  })
}

describe('tg-profile archive killed with SIGKILL', () => {
  let emu: RunningEmulator
  let dir: string

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--outDir', dist], {
      cwd: root,
    }).catch(() => {
      // Type errors elsewhere in the tree (work in progress) still emit JavaScript; a missing main.js fails below.
    })
    emu = await startEmulator({ users: 12, seed: 21, rsaKey: rsaKey() })
    dir = await mkdtemp(join(tmpdir(), 'tgp-kill-'))
  })

  afterAll(async () => {
    await emu?.close()
    await rm(dir, { recursive: true, force: true })
    await rm(dist, { recursive: true, force: true })
  })

  it('re-runs after kills at several points to a complete, byte-identical archive', async () => {
    const truth = emu.world.toFile()
    const users = archivableUsers(truth)
    const conn = join(dir, 'emulator.json')
    await emu.writeConnectionFile(conn)
    const list = join(dir, 'users.txt')
    await writeFile(list, `# users to archive\n${users.join('\n')}\n\n`)
    const out = join(dir, 'out')
    const args = ['--emulator', conn, '--from', list, '--out', out, '--concurrency', '4']
    const expected = expectedFiles(truth, users)
    expect(expected.size).toBeGreaterThan(60)

    for (const killAfter of [2, 15, 40]) {
      const run = await runArchive(args, killAfter)
      expect(run.signal).toBe('SIGKILL')
      // Whatever the moment, every recorded file is complete and correct.
      await checkArchive(out, truth)
    }
    const last = await runArchive(args)
    expect(last.stderr).toBe('')
    expect(last.code).toBe(0)
    const summary = last.events.at(-1) as unknown as { type: string; summary: { complete: boolean; files: { downloaded: number } } }
    expect(summary.type).toBe('summary')
    expect(summary.summary.complete).toBe(true)
    const records = await checkArchive(out, truth)
    expect(new Set(records.map((r) => r.path))).toEqual(expected)
    const files = await listFiles(out)
    expect(files.filter((f) => f.endsWith('.tgp-partial'))).toEqual([])
    // Besides the archived files: the manifest, and the gallery the command refreshes at the end.
    const own = (f: string): boolean => f === 'manifest.ndjson' || f === 'index.html' || f.startsWith('gallery/')
    expect(files.filter((f) => !own(f)).sort()).toEqual([...expected].sort())
    expect(files).toContain('index.html')
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([])
    // Nothing was downloaded twice after it had been recorded: one more run downloads nothing.
    const again = await runArchive(args)
    expect(again.code).toBe(0)
    expect((again.events.at(-1) as unknown as { summary: { files: { downloaded: number } } }).summary.files.downloaded).toBe(0)
  })

  it('stops at SIGTERM without waiting for answers in flight, resumable, exit 143', async () => {
    const truth = emu.world.toFile()
    const users = archivableUsers(truth)
    const conn = join(dir, 'emulator-term.json')
    await emu.writeConnectionFile(conn)
    const out = join(dir, 'out-term')
    // A request deadline far beyond the test's own: a run that waited for its unanswered requests would not end.
    const args = ['--emulator', conn, '--out', out, '--concurrency', '4', '--timeout', '3600', ...users]
    const before = emu.stats().requestsSwallowed['upload.GetFile'] ?? 0
    const term = await runArchive(args, 3, {
      signal: 'SIGTERM',
      beforeKill: async () => {
        emu.swallow('upload.GetFile')
        for (let i = 0; i < 3000 && (emu.stats().requestsSwallowed['upload.GetFile'] ?? 0) === before; i++) {
          await new Promise((r) => setTimeout(r, 10))
        }
        expect(emu.stats().requestsSwallowed['upload.GetFile'] ?? 0).toBeGreaterThan(before)
      },
    })
    emu.stopSwallowing('upload.GetFile')
    expect(term.signal).toBeNull()
    expect(term.code).toBe(143)
    expect(term.stderr).toContain('tg-profile: SIGTERM: stopping (send it again to quit at once)')
    await checkArchive(out, truth)
    const last = await runArchive(args)
    expect(last.code).toBe(0)
    const records = await checkArchive(out, truth)
    expect(new Set(records.map((r) => r.path))).toEqual(expectedFiles(truth, users))
  })
})
