/**
 * The TL writer (codec.ts has the value conventions): each object with the constructor its name has in the writer's
 * layer. Bytes of {@link OWN_PIECE} and more stay a piece of their own, uncopied.
 */
import { TL } from '../../spec/tl-ids.js'
import { TlWriteError, type TlObject, type TlValue } from './values.js'
import type { TlCtor, TlParam, TlType } from './schema.js'
import { ctorsNamed, type LayerView } from './schemas.js'

const BOXED_VECTOR = TL.vector >>> 0
const BOOL_TRUE = TL.boolTrue >>> 0
const BOOL_FALSE = TL.boolFalse >>> 0
/** Bytes at least this long are kept as a piece of their own instead of copied. */
export const OWN_PIECE = 4096

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Buffer.isBuffer(v)) return 'Buffer'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'object') return `object ${(v as { _?: unknown })._ === undefined ? '' : String((v as { _: unknown })._)}`
  return typeof v
}

/** Writes TL values with the constructors of one layer. */
export class TlWriter {
  private readonly pieces: Buffer[] = []
  private buf = Buffer.allocUnsafe(256)
  private pos = 0
  private length = 0

  constructor(private readonly view: LayerView) {}

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n))
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  int(v: number): this {
    this.room(4)
    this.buf.writeInt32LE(v | 0, this.pos)
    this.pos += 4
    return this
  }

  uint(v: number): this {
    this.room(4)
    this.buf.writeUInt32LE(v >>> 0, this.pos)
    this.pos += 4
    return this
  }

  long(v: bigint): this {
    this.room(8)
    this.buf.writeBigInt64LE(BigInt.asIntN(64, v), this.pos)
    this.pos += 8
    return this
  }

  double(v: number): this {
    this.room(8)
    this.buf.writeDoubleLE(v, this.pos)
    this.pos += 8
    return this
  }

  raw(b: Buffer): this {
    if (b.length >= OWN_PIECE) {
      this.flush()
      this.pieces.push(b)
      this.length += b.length
      return this
    }
    this.room(b.length)
    b.copy(this.buf, this.pos)
    this.pos += b.length
    return this
  }

  bytes(b: Buffer): this {
    const head = b.length < 254 ? 1 : 4
    this.room(4)
    if (head === 1) this.buf[this.pos] = b.length
    else {
      this.buf[this.pos] = 254
      this.buf.writeUIntLE(b.length, this.pos + 1, 3)
    }
    this.pos += head
    this.raw(b)
    const pad = (4 - ((head + b.length) % 4)) % 4
    this.room(pad)
    this.buf.fill(0, this.pos, this.pos + pad)
    this.pos += pad
    return this
  }

  bool(v: boolean): this {
    return this.uint(v ? BOOL_TRUE : BOOL_FALSE)
  }

  /** A boxed object, with the constructor its name has in this writer's layer. */
  object(obj: TlObject, expected?: string, path: string = obj._): this {
    const ctor = this.view.ctor(obj._)
    if (ctor === undefined) throw new TlWriteError(`${path}: no constructor ${obj._} in layer ${this.view.layer}`)
    if (expected !== undefined && expected !== 'Object' && expected !== 'X' && ctor.type !== expected) {
      throw new TlWriteError(`${path}: a ${expected} was expected, ${obj._} is a ${ctor.type}`)
    }
    this.uint(ctor.id)
    return this.fields(ctor, obj, path)
  }

  /** The fields of `obj` as `ctor` lays them out (no constructor id). */
  fields(ctor: TlCtor, obj: TlObject, path: string = obj._): this {
    const flags = new Map<string, number>()
    for (const p of ctor.params) {
      if (p.flag === undefined || !present(obj[p.name], p)) continue
      flags.set(p.flag.field, (flags.get(p.flag.field) ?? 0) | (1 << p.flag.bit))
    }
    for (const p of ctor.params) {
      if (p.type.kind === '#') {
        this.uint(flags.get(p.name) ?? 0)
        continue
      }
      const v = obj[p.name]
      if (p.flag !== undefined) {
        if (!present(v, p) || p.type.kind === 'true') continue
      } else if (v === undefined) {
        throw new TlWriteError(`${path}.${p.name}: required by ${ctor.name}#${ctor.id.toString(16)}`)
      }
      this.value(p.type, v, `${path}.${p.name}`)
    }
    this.checkNoStrays(ctor, obj, path)
    return this
  }

  private checkNoStrays(ctor: TlCtor, obj: TlObject, path: string): void {
    for (const key of Object.keys(obj)) {
      if (key === '_' || ctor.params.some((p) => p.name === key)) continue
      if (obj[key] === undefined) continue
      if (!knownField(obj._, key)) throw new TlWriteError(`${path}.${key}: no constructor ${obj._} has this field`)
    }
  }

  value(type: TlType, v: TlValue, path: string): this {
    const wrong = (): never => {
      throw new TlWriteError(`${path}: expected ${type.kind}, got ${describe(v)}`)
    }
    switch (type.kind) {
      case 'int':
      case '#':
        return typeof v === 'number' && Number.isInteger(v) ? this.int(v) : wrong()
      case 'long':
        if (typeof v === 'bigint') return this.long(v)
        return typeof v === 'number' && Number.isSafeInteger(v) ? this.long(BigInt(v)) : wrong()
      case 'double':
        return typeof v === 'number' ? this.double(v) : wrong()
      case 'int128':
      case 'int256':
        return Buffer.isBuffer(v) && v.length === (type.kind === 'int128' ? 16 : 32) ? this.raw(v) : wrong()
      case 'bytes':
        return Buffer.isBuffer(v) ? this.bytes(v) : wrong()
      case 'string':
        if (typeof v === 'string') return this.bytes(Buffer.from(v, 'utf8'))
        return Buffer.isBuffer(v) ? this.bytes(v) : wrong()
      case 'Bool':
        return typeof v === 'boolean' ? this.bool(v) : wrong()
      case 'true':
        return this
      case 'vector': {
        if (!Array.isArray(v)) return wrong()
        const items = v as readonly TlValue[]
        if (type.boxed) this.uint(BOXED_VECTOR)
        this.int(items.length)
        items.forEach((item, i) => this.value(type.of, item, `${path}[${i}]`))
        return this
      }
      case 'object':
      case 'query':
        return isObject(v) ? this.object(v, type.kind === 'object' ? type.type : undefined, path) : wrong()
      case 'bare': {
        const ctor = this.view.ctor(type.ctor)
        if (ctor === undefined || !isObject(v)) return wrong()
        return this.fields(ctor, v, path)
      }
    }
  }

  private flush(): void {
    if (this.pos === 0) return
    this.pieces.push(Buffer.from(this.buf.subarray(0, this.pos)))
    this.length += this.pos
    this.pos = 0
  }

  /** Everything written, in pieces (large bytes uncopied). */
  finish(): Buffer[] {
    this.flush()
    return this.pieces
  }

  /** Everything written, as one buffer. */
  toBuffer(): Buffer {
    const pieces = this.finish()
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces)
  }

  /** Bytes written so far. */
  get size(): number {
    return this.length + this.pos
  }
}

function isObject(v: TlValue): v is TlObject {
  return typeof v === 'object' && v !== null && !Buffer.isBuffer(v) && !Array.isArray(v)
}

function present(v: TlValue, p: TlParam): boolean {
  return p.type.kind === 'true' ? v === true : v !== undefined
}

const fieldsByName = new Map<string, Set<string>>()

/** Whether any loaded constructor named `name` (at any layer) has `field`. */
function knownField(name: string, field: string): boolean {
  let set = fieldsByName.get(name)
  if (set === undefined) {
    set = new Set()
    fieldsByName.set(name, set)
    for (const c of ctorsNamed(name)) for (const p of c.params) set.add(p.name)
  }
  return set.has(field)
}

