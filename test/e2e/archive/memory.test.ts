import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

// A fresh process each (V8's young generation in a jest worker has already grown): the compiled module from `npm test`'s
// build, then a burst of short-lived objects, then the young generation's size.
function newSpaceMiB(callIt: boolean): number {
  const module = join(process.cwd(), 'dist/src/archive/memory.js')
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8'
    import { keepYoungGenerationSmall } from ${JSON.stringify(module)}
    if (${callIt}) keepYoungGenerationSmall()
    let keep = []
    for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 1000) keep = [] }
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')
    process.stdout.write(String(space.space_size / 2 ** 20))
  `
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }))
}

describe('keepYoungGenerationSmall', () => {
  it('keeps the young generation from growing under a high allocation rate (V8 grows it otherwise)', () => {
    const grown = newSpaceMiB(false)
    const kept = newSpaceMiB(true)
    expect(kept).toBeLessThanOrEqual(4)
    expect(grown).toBeGreaterThan(kept)
  })
})

describe('gcFunction', () => {
  it('gets V8\'s gc in a process started without --expose-gc, without adding it to the global object', () => {
    const module = join(process.cwd(), 'dist/src/archive/memory.js')
    const script = `
      import { gcFunction } from ${JSON.stringify(module)}
      const before = typeof globalThis.gc
      const gc = gcFunction()
      gc({ type: 'major', execution: 'async' })
      gc()
      process.stdout.write([before, typeof gc, typeof globalThis.gc, gcFunction() === gc].join(' '))
    `
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
    expect(out).toBe('undefined function undefined true')
  })
})

describe('GramJS speedups before the first connection', () => {
  // A fresh process each: whether the receive path is replaced before anything could connect, by the command line's
  // preload and by openClient (a socket opened earlier keeps GramJS's own reader, which copies what it receives over
  // and over).
  function installedAfter(script: string): string {
    const helpers = JSON.stringify(join(process.cwd(), 'node_modules/telegram/Helpers.js'))
    const probe = `
      import { createRequire } from 'node:module'
      const installed = () => createRequire(import.meta.url)(${helpers}).__tgProfileSpeedups === true
      const before = installed()
      ${script}
      process.stdout.write([before, installed()].join(' '))
    `
    return execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', cwd: process.cwd() })
  }

  it('the command line installs them as it starts', () => {
    const preload = JSON.stringify(join(process.cwd(), 'dist/src/cli/preload.js'))
    expect(installedAfter(`await import(${preload})`)).toBe('false true')
  })

  it('openClient installs them before it returns a client (not yet connected)', () => {
    const connect = JSON.stringify(join(process.cwd(), 'dist/src/client/connect.js'))
    const env = JSON.stringify({ TG_API_ID: '12345', TG_API_HASH: '0123456789abcdef0123456789abcdef', TG_SESSION: '' })
    const script = `
      const { openClient } = await import(${connect})
      const opened = await openClient({ env: ${env}, dotenvPath: false, cwd: process.cwd() })
      if (opened.client.connected) throw new Error('connected')
    `
    expect(installedAfter(script)).toBe('false true')
  })
})
