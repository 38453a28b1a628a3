/**
 * The layering of src/, read from the import statements: `cli > archive, serve, gallery > methods > client > gramjs >
 * botapi, errors, tl, util, spec`, the entry points (`src/*.ts`) above everything; the emulator imports only the spec
 * and TL from outside itself, and only the CLI and the entry points import the emulator.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, posix, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src')

const RANK: Readonly<Record<string, number>> = {
  util: 0,
  spec: 0,
  errors: 0,
  tl: 0,
  botapi: 0,
  gramjs: 1,
  client: 2,
  methods: 3,
  archive: 4,
  serve: 4,
  gallery: 4,
  cli: 5,
  '.': 6,
}
const EMULATOR_MAY_IMPORT = new Set(['spec', 'tl'])
const MAY_IMPORT_EMULATOR = new Set(['cli', '.'])

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** The relative module specifiers of a file: static imports, re-exports and dynamic imports. */
function relativeImports(text: string): string[] {
  const found: string[] = []
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'(\.[^']+)'/gm
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) found.push(m[1] as string)
  return found
}

/** The top folder of src/ a path lies in (`.` for the entry points at src/'s top). */
function folderOf(path: string): string {
  const rel = relative(SRC, path).split(/[\\/]/)
  return rel.length === 1 ? '.' : (rel[0] as string)
}

interface Edge {
  readonly from: string
  readonly to: string
}

function edges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) =>
    relativeImports(readFileSync(file, 'utf8')).map((spec) => ({
      from: relative(SRC, file).split(/[\\/]/).join(posix.sep),
      to: relative(SRC, resolve(dirname(file), spec)).split(/[\\/]/).join(posix.sep).replace(/\.js$/, '.ts'),
    })),
  )
}

function violation(edge: Edge): string | undefined {
  const from = folderOf(join(SRC, edge.from))
  const to = folderOf(join(SRC, edge.to))
  if (from === to) return undefined
  if (from === 'emulator') return EMULATOR_MAY_IMPORT.has(to) ? undefined : 'the emulator imports only spec and tl'
  if (to === 'emulator') return MAY_IMPORT_EMULATOR.has(from) ? undefined : 'only the CLI and entry points import the emulator'
  const rf = RANK[from]
  const rt = RANK[to]
  if (rf === undefined || rt === undefined) return `folder ${rf === undefined ? from : to} has no place in the layering`
  if (rf === 0 && rt === 0) return undefined
  return rt < rf ? undefined : `${from} may not import ${to}`
}

describe('layering of src/', () => {
  it('finds the imports it checks', () => {
    const all = edges()
    expect(all.length).toBeGreaterThan(100)
    expect(all).toContainEqual({ from: 'cli/main.ts', to: 'cli/run.ts' })
  })

  it('has no import running against the layers', () => {
    const wrong = edges()
      .map((edge) => ({ edge, why: violation(edge) }))
      .filter((v) => v.why !== undefined)
      .map((v) => `${v.edge.from} -> ${v.edge.to}: ${v.why}`)
    expect(wrong).toEqual([])
  })

  it('tells a wrong import when it sees one', () => {
    expect(violation({ from: 'client/connect.ts', to: 'archive/run.ts' })).toBe('client may not import archive')
    expect(violation({ from: 'emulator/index.ts', to: 'client/emulator.ts' })).toBe('the emulator imports only spec and tl')
    expect(violation({ from: 'methods/x.ts', to: 'emulator/index.ts' })).toBe('only the CLI and entry points import the emulator')
    expect(violation({ from: 'archive/run.ts', to: 'serve/x.ts' })).toBe('archive may not import serve')
    expect(violation({ from: 'emulator/app/api-app.ts', to: 'spec/limits.ts' })).toBeUndefined()
    expect(violation({ from: 'index.ts', to: 'emulator/index.ts' })).toBeUndefined()
  })
})
