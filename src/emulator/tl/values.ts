/** The values the TL codec reads and writes (codec.ts has the conventions), and its errors. */
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
