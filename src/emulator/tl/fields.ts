/**
 * Typed reads of a parsed TL object's fields. The codec has already checked every field against the schema, so a
 * mismatch here is a handler asking for a field the method does not have: it throws, naming the field.
 */
import type { TlObject, TlValue } from './codec.js'

function get(o: TlObject, key: string, kind: string, ok: (v: TlValue) => boolean): TlValue {
  const v = o[key]
  if (!ok(v)) throw new TypeError(`${o._}.${key} is not ${kind}`)
  return v
}

/** An `int` field. */
export function int(o: TlObject, key: string): number {
  return get(o, key, 'an int', (v) => typeof v === 'number') as number
}

/** An optional `int` field. */
export function optInt(o: TlObject, key: string): number | undefined {
  return o[key] === undefined ? undefined : int(o, key)
}

/** A `long` field. */
export function long(o: TlObject, key: string): bigint {
  return get(o, key, 'a long', (v) => typeof v === 'bigint') as bigint
}

/** A `string` field. */
export function str(o: TlObject, key: string): string {
  return get(o, key, 'a string', (v) => typeof v === 'string') as string
}

/** An optional `string` field. */
export function optStr(o: TlObject, key: string): string | undefined {
  return o[key] === undefined ? undefined : str(o, key)
}

/** A `bytes` field. */
export function bytes(o: TlObject, key: string): Buffer {
  return get(o, key, 'bytes', (v) => Buffer.isBuffer(v)) as Buffer
}

/** A flag-only `true` field (absent: false). */
export function flag(o: TlObject, key: string): boolean {
  return o[key] === true
}

/** A boxed object field. */
export function obj(o: TlObject, key: string): TlObject {
  return get(o, key, 'an object', (v) => typeof v === 'object' && v !== null && !Buffer.isBuffer(v) && !Array.isArray(v)) as TlObject
}

/** A vector field. */
export function vec<T extends TlValue>(o: TlObject, key: string): readonly T[] {
  return get(o, key, 'a vector', (v) => Array.isArray(v)) as readonly T[]
}
