/**
 * Conversions between the three 64-bit integer representations in play: GramJS's `big-integer` BigIntegers,
 * `@mtcute/file-id`'s `long` Longs, and native `bigint` (what this library's public API uses).
 */
import bigInt from 'big-integer'
import type { BigInteger } from 'big-integer'
import Long from 'long'

/** Anything that denotes a 64-bit integer in this code base. */
export type LongLike = bigint | number | string | BigInteger | Long

/** Converts any {@link LongLike} to a native `bigint` (exact: goes through the decimal string). */
export function toBigInt(value: LongLike): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number') return BigInt(value)
  return BigInt(value.toString())
}

/** Converts to a signed `long` Long (what `@mtcute/file-id` reads and writes). */
export function toLong(value: LongLike): Long {
  return Long.fromString(toBigInt(value).toString(), false)
}

/** Converts to a GramJS `big-integer` BigInteger (what GramJS's TL classes take for `long` fields). */
export function toBigInteger(value: LongLike): BigInteger {
  return bigInt(toBigInt(value).toString())
}
