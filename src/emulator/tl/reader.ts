/** The TL reader (codec.ts has the value conventions): every loaded schema's constructors, found by id. */
import { TL } from '../../spec/tl-ids.js'
import { TlReadError, type TlObject, type TlValue } from './values.js'
import type { TlCtor, TlType } from './schema.js'
import { ctorById } from './schemas.js'

const BOXED_VECTOR = TL.vector >>> 0
const BOOL_TRUE = TL.boolTrue >>> 0
const BOOL_FALSE = TL.boolFalse >>> 0

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

