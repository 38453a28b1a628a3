/**
 * The emulator's TL codec (https://core.telegram.org/mtproto/serialize), driven by the loaded schemas.
 *
 * Objects are plain values named as in the schema: `{ _: 'user', id: 5n, first_name: 'Ann', photo: {…} }`.
 * `int` and `double` are numbers, `long` (and mtcute's `int53`) bigints, `int128`/`int256` Buffers of 16/32 bytes,
 * `bytes` Buffers, `string` strings, `Bool` and flag-only `true` fields booleans, vectors arrays. `#` fields are
 * never given: the writer derives them from which optional fields are present, the reader leaves them out.
 *
 * The writer writes each object with the constructor its name has in the layer it is given, taking the fields that
 * constructor has and ignoring the others; a field the constructor needs and the object lacks is an error, as is a
 * field no constructor of that name has (a typo the wire would hide) or an object of the wrong type. Bytes of 4 KiB
 * and more are kept as their own piece, not copied, so a file part is copied only once, when it is encrypted.
 */
import { TL } from '../../spec/tl-ids.js'
import type { TlCtor, TlParam, TlType } from './schema.js'
import { ctorById, ctorsNamed, type LayerView } from './schemas.js'

/** A TL value as the codec reads and writes it. */
export type TlValue = number | bigint | string | boolean | Buffer | TlObject | readonly TlValue[] | undefined

/** A TL object: `_` names its constructor. */
export interface TlObject {
  readonly _: string
  readonly [field: string]: TlValue
}

/** Thrown for bytes that do not parse as TL. */
export class TlReadError extends Error {
  override readonly name = 'TlReadError'
}

/** Thrown for a value the schema cannot write (an emulator bug, never a client's). */
export class TlWriteError extends Error {
  override readonly name = 'TlWriteError'
}

const BOXED_VECTOR = TL.vector >>> 0
const BOOL_TRUE = TL.boolTrue >>> 0
const BOOL_FALSE = TL.boolFalse >>> 0
/** Bytes at least this long are kept as a piece of their own instead of copied. */
const OWN_PIECE = 4096

/** Reads TL values from a buffer, with every loaded schema's constructors. */
export class TlReader {
  private pos = 0

  constructor(private readonly buf: Buffer) {}

  /** Bytes not read yet. */
  get remaining(): number {
    return this.buf.length - this.pos
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new TlReadError(`truncated: ${n} bytes needed at ${this.pos}`)
  }

  int(): number {
    this.need(4)
    const v = this.buf.readInt32LE(this.pos)
    this.pos += 4
    return v
  }

  uint(): number {
    this.need(4)
    const v = this.buf.readUInt32LE(this.pos)
    this.pos += 4
    return v
  }

  long(): bigint {
    this.need(8)
    const v = this.buf.readBigInt64LE(this.pos)
    this.pos += 8
    return v
  }

  double(): number {
    this.need(8)
    const v = this.buf.readDoubleLE(this.pos)
    this.pos += 8
    return v
  }

  raw(n: number): Buffer {
    this.need(n)
    const v = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return v
  }

  bytes(): Buffer {
    this.need(1)
    let len = this.buf[this.pos]!
    let head = 1
    if (len === 254) {
      this.need(4)
      len = this.buf.readUIntLE(this.pos + 1, 3)
      head = 4
    } else if (len === 255) {
      throw new TlReadError(`bad bytes length prefix at ${this.pos}`)
    }
    this.pos += head
    const data = this.raw(len)
    this.pos += (4 - ((head + len) % 4)) % 4
    if (this.pos > this.buf.length) throw new TlReadError('truncated padding')
    return data
  }

  string(): string {
    return this.bytes().toString('utf8')
  }

  /** A boxed object of any known constructor. */
  object(): TlObject {
    const id = this.uint()
    const ctor = ctorById(id)
    if (ctor === undefined) throw new TlReadError(`unknown constructor 0x${id.toString(16).padStart(8, '0')}`)
    return this.fields(ctor, ctor.base)
  }

  /** The fields of `ctor` (its id already read). */
  fields(ctor: TlCtor, name = ctor.name): TlObject {
    const out: Record<string, TlValue> = { _: name }
    const flags = new Map<string, number>()
    for (const p of ctor.params) {
      if (p.flag !== undefined && ((flags.get(p.flag.field) ?? 0) & (1 << p.flag.bit)) === 0) continue
      if (p.type.kind === '#') {
        flags.set(p.name, this.uint())
        continue
      }
      if (p.type.kind === 'true') {
        out[p.name] = true
        continue
      }
      out[p.name] = this.value(p.type)
    }
    return out as TlObject
  }

  value(type: TlType): TlValue {
    switch (type.kind) {
      case 'int':
        return this.int()
      case 'long':
        return this.long()
      case 'double':
        return this.double()
      case 'int128':
        return Buffer.from(this.raw(16))
      case 'int256':
        return Buffer.from(this.raw(32))
      case 'bytes':
        return Buffer.from(this.bytes())
      case 'string':
        return this.string()
      case 'Bool': {
        const id = this.uint()
        if (id === BOOL_TRUE) return true
        if (id === BOOL_FALSE) return false
        throw new TlReadError(`not a Bool: 0x${id.toString(16)}`)
      }
      case 'true':
        return true
      case '#':
        return this.uint()
      case 'vector': {
        if (type.boxed && this.uint() !== BOXED_VECTOR) throw new TlReadError('not a vector')
        const n = this.int()
        if (n < 0 || n > this.remaining) throw new TlReadError(`bad vector length ${n}`)
        const items: TlValue[] = []
        for (let i = 0; i < n; i++) items.push(this.value(type.of))
        return items
      }
      case 'object':
      case 'query':
        return this.object()
      case 'bare':
        throw new TlReadError(`bare ${type.ctor} is not read by the schema`)
    }
  }
}

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

/** Writes one object in `view`'s layer. */
export function writeObject(view: LayerView, obj: TlObject): Buffer {
  return new TlWriter(view).object(obj).toBuffer()
}

/** Reads one boxed object, which must fill `buf`. */
export function readObject(buf: Buffer): TlObject {
  const r = new TlReader(buf)
  const obj = r.object()
  if (r.remaining !== 0) throw new TlReadError(`${r.remaining} bytes after ${obj._}`)
  return obj
}
