/**
 * The package's entry points as a reader of their typings sees them: every export carries a doc comment, and none
 * of the public signatures takes or returns `any`.
 */
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const ENTRIES = ['src/index.ts', 'src/advanced.ts', 'src/emulator-entry.ts']

const program = ts.createProgram(
  ENTRIES.map((e) => resolve(ROOT, e)),
  { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true },
)
const checker = program.getTypeChecker()

function exportsOf(entry: string): { name: string; symbol: ts.Symbol }[] {
  const file = program.getSourceFile(resolve(ROOT, entry))
  const module = file === undefined ? undefined : checker.getSymbolAtLocation(file)
  if (module === undefined) throw new Error(`${entry} is not a module`)
  return checker.getExportsOfModule(module).map((exp) => ({
    name: exp.name,
    symbol: exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp,
  }))
}

describe('public API', () => {
  it.each(ENTRIES)('%s documents every export', (entry) => {
    const exports = exportsOf(entry)
    expect(exports.length).toBeGreaterThan(3)
    const undocumented = exports
      .filter(({ symbol }) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === '')
      .map(({ name }) => name)
    expect(undocumented).toEqual([])
  })

  it('src/index.ts exposes no function taking or returning any', () => {
    const functions = exportsOf('src/index.ts').filter(({ symbol }) => {
      const declaration = symbol.valueDeclaration
      return declaration !== undefined && ts.isFunctionDeclaration(declaration)
    })
    expect(functions.map((f) => f.name)).toContain('getUserProfilePhotos')
    const loose = functions.flatMap(({ name, symbol }) => {
      const declaration = symbol.valueDeclaration!
      const type = checker.getTypeOfSymbolAtLocation(symbol, declaration)
      return type.getCallSignatures().flatMap((signature) => {
        const types = [signature.getReturnType(), ...signature.getParameters().map((p) => checker.getTypeOfSymbolAtLocation(p, declaration))]
        return types.some((t) => (t.flags & ts.TypeFlags.Any) !== 0) ? [name] : []
      })
    })
    expect(loose).toEqual([])
  })
})
