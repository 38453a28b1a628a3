/**
 * How the world numbers its objects. Photo and document ids encode their owner and sequence number, so a photo is
 * found from its id alone and nothing per photo is stored. Peer ids and usernames are drawn from the secret and kept
 * unique across every peer seeded into the world, whatever kind it is.
 *
 * A photo id is `0x5000…` | user index << 24 | sequence (0 = oldest), so a user's photos, listed newest first, have
 * strictly decreasing ids, as `photos.getUserPhotos`'s `max_id` requires. Documents use `0x6000…` the same way.
 */
import { h64 } from './secrets.js'

export const PHOTO_ID_BASE = 0x5000_0000_0000_0000n
export const DOC_ID_BASE = 0x6000_0000_0000_0000n
const SEQ_BITS = 24n

/** The id of the `seq`th object of kind `base` owned by the user at `index`. */
export function composeId(base: bigint, index: number, seq: number): bigint {
  return base | (BigInt(index) << SEQ_BITS) | BigInt(seq)
}

/** Owner index and sequence number of an id of kind `base`, or undefined when the id is of another kind. */
export function splitId(base: bigint, id: bigint): { index: number; seq: number } | undefined {
  if ((id & ~((1n << 60n) - 1n)) !== base) return undefined
  return {
    index: Number((id >> SEQ_BITS) & ((1n << 36n) - 1n)),
    seq: Number(id & ((1n << SEQ_BITS) - 1n)),
  }
}

/** Hands out peer ids and usernames no other peer of the world has. */
export class PeerUniques {
  private readonly ids = new Set<bigint>()
  private readonly names = new Set<string>()

  constructor(private readonly secret: Buffer) {}

  /** A realistic positive id below 2^40, derived from `label` (the next candidate on a collision). */
  id(label: string): bigint {
    for (let i = 0; ; i++) {
      const id = (BigInt.asUintN(64, h64(this.secret, `${label}/${i}`)) % 0xff_0000_0000n) + 0x1_0000_0000n
      if (!this.ids.has(id)) {
        this.ids.add(id)
        return id
      }
    }
  }

  /** `base`, or `base` with the first free number from 2 appended (usernames are unique case-insensitively). */
  username(base: string): string {
    let name = base
    for (let i = 2; this.names.has(name.toLowerCase()); i++) name = `${base}${i}`
    this.names.add(name.toLowerCase())
    return name
  }
}
