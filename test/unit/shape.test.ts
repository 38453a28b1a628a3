/**
 * Sizes a newcomer can read: no source file over 300 lines and no function over 80, read with the TypeScript parser.
 * The emulator's protocol, world and media files are larger and are split with the emulator's own codec; generated
 * data is exempt.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src')
const MAX_FILE_LINES = 300
const MAX_FUNCTION_LINES = 80
const EXEMPT = /^emulator\//

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** `path:line name (n lines)` for every function of `text` longer than the limit. */
function longFunctions(path: string, text: string): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true)
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const first = file.getLineAndCharacterOfPosition(node.getStart()).line
      const lines = file.getLineAndCharacterOfPosition(node.end).line - first + 1
      const name = node.name?.getText() ?? '(anonymous)'
      if (lines > MAX_FUNCTION_LINES) found.push(`${path}:${first + 1} ${name} (${lines} lines)`)
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return found
}

const files = sourceFiles(SRC)
  .map((path) => ({ path: relative(SRC, path).split(/[\\/]/).join('/'), text: readFileSync(path, 'utf8') }))
  .filter((f) => !EXEMPT.test(f.path))

describe('shape of src/', () => {
  it('has no file over 300 lines', () => {
    const long = files.filter((f) => f.text.split('\n').length > MAX_FILE_LINES).map((f) => f.path)
    expect(long).toEqual([])
  })

  it('has no function over 80 lines', () => {
    expect(files.flatMap((f) => longFunctions(f.path, f.text))).toEqual([])
  })

  it('sees a long function when there is one', () => {
    const body = Array.from({ length: 90 }, (_, i) => `  const v${i} = ${i}`).join('\n')
    expect(longFunctions('x.ts', `export function big(): void {\n${body}\n}\n`)).toEqual(['x.ts:1 big (92 lines)'])
  })
})
