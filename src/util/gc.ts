/**
 * V8's own collector on demand, for the stages whose garbage V8 would otherwise let pile up (see
 * `src/archive/memory.ts` and the gallery's build).
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** V8's `gc(options)` (its `gc` extension). */
export type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void

let exposedGc: GcFunction | undefined

/**
 * V8's `gc` function: the global one when the process runs with `--expose-gc`, otherwise enabled now
 * (`--expose-gc` set at run time makes V8 install it in contexts created afterwards; one is created to fetch it,
 * nothing is added to the global object).
 */
export function gcFunction(): GcFunction {
  if (exposedGc !== undefined) return exposedGc
  const global = (globalThis as { gc?: unknown }).gc
  if (typeof global === 'function') {
    exposedGc = global as GcFunction
  } else {
    setFlagsFromString('--expose-gc')
    exposedGc = runInNewContext('gc') as GcFunction
  }
  return exposedGc
}
