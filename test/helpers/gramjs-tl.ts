/**
 * GramJS objects ↔ the emulator's plain TL objects, through their bytes: tests build requests and expected answers
 * with GramJS's classes (an independent serializer) and hand them to the emulator's codec, and back.
 */
import { BinaryReader } from 'telegram/extensions/index.js'
import { readObject, writeObject, type TlObject } from '../../src/emulator/tl/codec.js'
import { GRAMJS_LAYER, layerView } from '../../src/emulator/tl/schemas.js'

/** A GramJS object (anything with `getBytes`) as a plain TL object. */
export function fromGramJs(obj: { getBytes(): Buffer }): TlObject {
  return readObject(obj.getBytes())
}

/** A plain TL object as GramJS reads it, written in GramJS's layer. */
export function toGramJs<T = unknown>(obj: TlObject): T {
  return new BinaryReader(writeObject(layerView(GRAMJS_LAYER), obj)).tgReadObject() as T
}
