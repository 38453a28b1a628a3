/**
 * The emulator's model of a TL schema (https://core.telegram.org/mtproto/TL), and the two readers of the forms
 * schemas ship in: TL text (`name#id field:type … = Type;`, as GramJS bundles its layer and as Telegram publishes
 * them) and mtcute's JSON (`api-schema.json`: `{ l, e: [{ kind, name, id, type, arguments }] }`).
 *
 * The model keeps what serialization needs and nothing else: each constructor's id, name, result type and fields in
 * wire order, each field's type and its flag condition. Comments and generic declarations (`{X:Type}`) are dropped.
 * mtcute's `int53` is a `long` on the wire and is read as one.
 */

/** A field's type, as serialization sees it. */
export type TlType =
  | { readonly kind: 'int' | 'long' | 'int128' | 'int256' | 'double' | 'string' | 'bytes' | 'Bool' | 'true' | '#' }
  /** `Vector<T>` (boxed, with the vector constructor id) or `vector<T>` (bare: count and items only). */
  | { readonly kind: 'vector'; readonly boxed: boolean; readonly of: TlType }
  /** A boxed object of the named type (or of any type, for `Object`). */
  | { readonly kind: 'object'; readonly type: string }
  /** A bare constructor, written without its id (`future_salt` in `vector<future_salt>`). */
  | { readonly kind: 'bare'; readonly ctor: string }
  /** `!X`: the query a wrapper such as `invokeWithLayer` carries. */
  | { readonly kind: 'query' }

/** One field of a constructor. */
export interface TlParam {
  readonly name: string
  readonly type: TlType
  /** Present only when `flag` (the name of a `#` field) has `bit` set. */
  readonly flag?: { readonly field: string; readonly bit: number }
}

/** One constructor or method. */
export interface TlCtor {
  /** The constructor id, unsigned. */
  readonly id: number
  /** As written in the schema: `user`, `photos.getUserPhotos`, `user_layer216`. */
  readonly name: string
  /** The result type: `User`, `photos.Photos`. */
  readonly type: string
  readonly params: readonly TlParam[]
  readonly method: boolean
}

/** Thrown for a schema line or entry the model cannot read. */
export class TlSchemaError extends Error {
  override readonly name = 'TlSchemaError'
}

const PRIMITIVES = new Set(['int', 'long', 'int128', 'int256', 'double', 'string', 'bytes', 'Bool', 'true', '#'])

/** The type a field's type text denotes (`Vector<long>`, `flags.3?string` without its condition, `%Message`). */
export function parseType(text: string): TlType {
  if (text === 'int53') return { kind: 'long' }
  if (PRIMITIVES.has(text)) return { kind: text } as TlType
  if (text === '!X') return { kind: 'query' }
  const vector = /^([Vv])ector<(.+)>$/.exec(text)
  if (vector !== null) return { kind: 'vector', boxed: vector[1] === 'V', of: parseType(vector[2]!) }
  if (text.startsWith('%')) return { kind: 'bare', ctor: text.slice(1) }
  const last = text.slice(text.lastIndexOf('.') + 1)
  if (/^[a-z]/.test(last)) return { kind: 'bare', ctor: text }
  return { kind: 'object', type: text }
}

function parseParam(text: string): TlParam | undefined {
  if (text.startsWith('{')) return undefined // a generic declaration such as {X:Type}
  const colon = text.indexOf(':')
  if (colon <= 0) throw new TlSchemaError(`unreadable field "${text}"`)
  const name = text.slice(0, colon)
  let type = text.slice(colon + 1)
  const cond = /^(\w+)\.(\d+)\?(.+)$/.exec(type)
  if (cond === null) return { name, type: parseType(type) }
  type = cond[3]!
  return { name, type: parseType(type), flag: { field: cond[1]!, bit: Number(cond[2]) } }
}

/** Reads one TL text schema. Lines without an explicit `#id` are skipped (no served object lacks one). */
export function parseTlText(text: string): TlCtor[] {
  const out: TlCtor[] = []
  let method = false
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim()
    if (line === '') continue
    if (line === '---functions---') {
      method = true
      continue
    }
    if (line === '---types---') {
      method = false
      continue
    }
    const m = /^([\w.]+)#([0-9a-f]{1,8})\s+(.*?)\s*=\s*([^;]+);$/.exec(line)
    // the built-in vector#1cb5c415 is framed by the codec itself
    if (m === null || m[1] === 'vector') continue
    const params: TlParam[] = []
    for (const p of m[3]!.split(/\s+/)) {
      if (p === '') continue
      const param = parseParam(p)
      if (param !== undefined) params.push(param)
    }
    out.push({ id: parseInt(m[2]!, 16) >>> 0, name: m[1]!, type: m[4]!.trim(), params, method })
  }
  return out
}

/** One entry of mtcute's JSON schema. */
export interface JsonSchemaEntry {
  readonly kind: string
  readonly name: string
  readonly id: number
  readonly type: string
  readonly arguments: ReadonlyArray<{
    readonly name: string
    readonly type: string
    readonly typeModifiers?: { readonly predicate?: string; readonly isVector?: boolean; readonly isBareVector?: boolean }
  }>
}

/** Reads mtcute's JSON schema entries into the model. */
export function fromJsonSchema(entries: readonly JsonSchemaEntry[]): TlCtor[] {
  return entries.map((e) => {
    const params: TlParam[] = e.arguments.map((a) => {
      const mods = a.typeModifiers ?? {}
      let type = parseType(a.type)
      if (mods.isVector === true) type = { kind: 'vector', boxed: true, of: type }
      else if (mods.isBareVector === true) type = { kind: 'vector', boxed: false, of: type }
      if (mods.predicate === undefined) return { name: a.name, type }
      const cond = /^(\w+)\.(\d+)$/.exec(mods.predicate)
      if (cond === null) throw new TlSchemaError(`${e.name}.${a.name}: unreadable predicate "${mods.predicate}"`)
      return { name: a.name, type, flag: { field: cond[1]!, bit: Number(cond[2]) } }
    })
    return { id: e.id >>> 0, name: e.name, type: e.type, params, method: e.kind === 'method' }
  })
}
