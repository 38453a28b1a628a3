/**
 * `Helpers.convertToLittle` (called on every AES-IGE result) wrote each 32-bit word with `writeUInt32BE`, one call
 * per 4 bytes; here the AES output's own memory is byte-swapped in place by `Buffer#swap32` (native, no copy).
 */
import { gramjsModule } from '../internals.js'

/** `telegram/Helpers.js`, with the mark of the installed speedups. */
export interface HelpersModule {
  convertToLittle: (words: Uint32Array | number[]) => Buffer
  __tgProfileSpeedups?: true
}

/** GramJS's `Helpers` module object. */
export function helpersModule(): HelpersModule {
  return gramjsModule<HelpersModule>('telegram/Helpers.js')
}

/** Replaces `Helpers.convertToLittle` by a byte swap in place. */
export function installLittleEndianSwap(): void {
  const helpers = helpersModule()
  const original = helpers.convertToLittle
  helpers.convertToLittle = (words) => {
    if (!(words instanceof Uint32Array)) return original(words)
    // Big-endian bytes of each word: the words' little-endian memory, swapped in place (the array is the AES
    // output, owned by the caller that immediately drops it).
    return Buffer.from(words.buffer, words.byteOffset, words.byteLength).swap32()
  }
}
