/**
 * The schemas the emulator serves, loaded once: the oldest is the layer GramJS bundles (its `apiTl.js`, TL text),
 * the newest the one mtcute ships (`@mtcute/core/tl/api-schema.json`), and between them the constructors retired on
 * the way (compat-schema.ts). Every layer from the oldest to the newest is served.
 *
 * The constructors of layer L, for each name: the retired constructor with the lowest "retired in" layer above L if
 * there is one, else the newest schema's. At the oldest layer GramJS's own schema decides, being that layer exactly.
 * A name a layer does not know yet (`users.savedMusic` at 198) gets the newest constructor, as Telegram sends a
 * newer constructor to an older client for a method that client calls from a newer schema.
 *
 * Parsing a request needs no layer: constructor ids are unique across layers, so every constructor of every
 * loaded schema (and the MTProto service schema) is known by id.
 */
import { createRequire } from 'node:module'
import { COMPAT_SCHEMA } from './compat-schema.js'
import { MTPROTO_SCHEMA } from './mtproto-schema.js'
import { fromJsonSchema, parseTlText, type JsonSchemaEntry, type TlCtor } from './schema.js'

/** The layer of GramJS's bundled schema (`LAYER` in `telegram/tl/AllTLObjects.js`; a unit test keeps them equal). */
export const GRAMJS_LAYER = 198

/** A constructor as found by id: `base` is its name without a `_layerN` suffix. */
export interface KnownCtor extends TlCtor {
  readonly base: string
}

/** The constructors one layer sends, by name. */
export interface LayerView {
  readonly layer: number
  /** The constructor `name` has at this layer; undefined for a name no schema knows. */
  ctor(name: string): TlCtor | undefined
}

interface Loaded {
  readonly mtproto: readonly TlCtor[]
  readonly oldest: readonly TlCtor[]
  readonly newest: readonly TlCtor[]
  readonly newestLayer: number
  readonly compat: ReadonlyArray<{ readonly ctor: TlCtor; readonly base: string; readonly retiredIn: number }>
  readonly byId: ReadonlyMap<number, KnownCtor>
}

let loaded: Loaded | undefined
const views = new Map<number, LayerView>()

function load(): Loaded {
  if (loaded !== undefined) return loaded
  const require = createRequire(import.meta.url)
  const oldest = parseTlText(require('telegram/tl/apiTl.js') as string)
  const json = require('@mtcute/core/tl/api-schema.json') as { l: number; e: JsonSchemaEntry[] }
  const newest = fromJsonSchema(json.e)
  const compat = parseTlText(COMPAT_SCHEMA).map((ctor) => {
    const m = /^(.+)_layer(\d+)$/.exec(ctor.name)
    if (m === null) throw new Error(`compat constructor ${ctor.name} lacks its _layerN suffix`)
    return { ctor, base: m[1]!, retiredIn: Number(m[2]) }
  })
  const byId = new Map<number, KnownCtor>()
  const add = (c: TlCtor, base = c.name): void => {
    if (!byId.has(c.id)) byId.set(c.id, { ...c, base })
  }
  const mtproto = parseTlText(MTPROTO_SCHEMA)
  for (const c of mtproto) add(c)
  for (const c of newest) add(c)
  for (const c of oldest) add(c)
  for (const c of compat) add(c.ctor, c.base)
  loaded = { mtproto, oldest, newest, newestLayer: json.l, compat, byId }
  return loaded
}

/** The lowest and highest layer the emulator answers in. */
export function servedLayers(): { readonly min: number; readonly max: number } {
  return { min: GRAMJS_LAYER, max: load().newestLayer }
}

/** Whether the emulator answers in `layer`. */
export function servesLayer(layer: number): boolean {
  const { min, max } = servedLayers()
  return Number.isInteger(layer) && layer >= min && layer <= max
}

/** Any constructor of any served layer (or of the MTProto service schema), by id. */
export function ctorById(id: number): KnownCtor | undefined {
  return load().byId.get(id >>> 0)
}

/** Whether `name` is a method in some loaded schema. */
export function isMethod(name: string): boolean {
  const s = load()
  let methods = methodNames
  if (methods === undefined) {
    methods = new Set()
    for (const c of s.byId.values()) if (c.method) methods.add(c.base)
    methodNames = methods
  }
  return methods.has(name)
}
let methodNames: Set<string> | undefined

/** Every loaded constructor named `name` (or retired from it), at any layer. */
export function ctorsNamed(name: string): KnownCtor[] {
  const out: KnownCtor[] = []
  for (const c of load().byId.values()) if (c.base === name) out.push(c)
  return out
}

/**
 * The constructors of `layer`, which must be served ({@link servesLayer}). A session that declared no layer is
 * answered in the oldest: Telegram answers such a session in a base layer, never in one newer than the client's.
 */
export function layerView(layer: number | undefined): LayerView {
  const s = load()
  const at = layer ?? GRAMJS_LAYER
  let view = views.get(at)
  if (view !== undefined) return view
  if (!servesLayer(at)) throw new RangeError(`layer ${at} is not served`)
  const byName = new Map<string, TlCtor>()
  for (const c of s.mtproto) byName.set(c.name, c)
  for (const c of s.newest) byName.set(c.name, c)
  const retiredIn = new Map<string, number>()
  for (const c of s.compat) {
    if (c.retiredIn <= at) continue
    const chosen = retiredIn.get(c.base)
    if (chosen !== undefined && chosen <= c.retiredIn) continue
    retiredIn.set(c.base, c.retiredIn)
    byName.set(c.base, c.ctor)
  }
  if (at === GRAMJS_LAYER) for (const c of s.oldest) byName.set(c.name, c)
  view = { layer: at, ctor: (name) => byName.get(name) }
  views.set(at, view)
  return view
}
