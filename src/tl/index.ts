/**
 * TL combinators newer than GramJS's bundled layer, registered in one place.
 *
 * Importing this module registers them (idempotently) with GramJS's object table, so both GramJS's client
 * (`client.invoke`) and the emulator's request parser understand them.
 */
import { tlobjects } from 'telegram/tl/AllTLObjects.js'
import { GetSavedMusic, SavedMusic, SavedMusicNotModified } from './saved-music.js'

export { GetSavedMusic, SavedMusic, SavedMusicNotModified }
export type { GetSavedMusicArgs, TypeSavedMusic, TlReader } from './saved-music.js'

/** The API layer whose combinators this project registers on top of GramJS's bundled schema. */
export const REGISTERED_LAYER = 214

const EXTRA_TL = [GetSavedMusic, SavedMusic, SavedMusicNotModified] as const

/** Registers the extra combinators with GramJS (idempotent; also done on import). */
export function registerTl(): void {
  const table = tlobjects as Record<number, unknown>
  for (const cls of EXTRA_TL) table[cls.CONSTRUCTOR_ID] = cls
}

registerTl()
