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
import { TlReader } from './reader.js'
import type { LayerView } from './schemas.js'
import { TlReadError, type TlObject } from './values.js'
import { TlWriter } from './writer.js'

export { TlReader } from './reader.js'
export { TlReadError, TlWriteError, type TlObject, type TlValue } from './values.js'
export { TlWriter } from './writer.js'


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
