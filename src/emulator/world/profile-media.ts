/**
 * Profile photos and audios, derived on demand from `(secret, user index, sequence number)`: nothing per photo or
 * audio is stored, so a world of 10 000 users with hundreds of photos each stays small.
 */
import { composeId, DOC_ID_BASE, PHOTO_ID_BASE, splitId } from './ids.js'
import type { AudioMeta, PhotoMeta, PhotoSizeMeta, UserMeta } from './model.js'
import { h32 } from './secrets.js'
import { WORDS } from './users.js'

/** Width and height of every video avatar (`videoSize` `u`). */
export const VIDEO_SIZE = 640
/** Photos come in this many looks; the renderer makes one base file per look and size. */
export const PHOTO_VARIANTS = 4

const PERFORMERS = ['The Loopbacks', 'DC Five', 'Auth Key Trio', 'Salt & Nonce', 'Padding Oracle']

/** What deriving photos and audios depends on. */
export interface ProfileMediaSource {
  readonly secret: Buffer
  /** The world's "now" in unix seconds; photo and audio dates lie before it. */
  readonly now: number
  readonly dcIds: readonly number[]
  readonly users: readonly UserMeta[]
}

/** The sizes of a photo, smallest first; only the largest may be progressive. */
export function photoSizes(progressive: boolean): PhotoSizeMeta[] {
  return [
    { type: 'a', w: 160, h: 160, progressive: false },
    { type: 'b', w: 320, h: 320, progressive: false },
    { type: 'c', w: 640, h: 640, progressive },
  ]
}

/** A photo by its owner and sequence number (0 = oldest). */
export function derivePhoto(world: ProfileMediaSource, user: UserMeta, seq: number): PhotoMeta {
  const r = (label: string): number => h32(world.secret, `photo/${user.index}/${seq}/${label}`)
  // dates increase with seq, one photo every 1-5 days, the newest a day before "now"
  const step = 86_400 * (1 + (h32(world.secret, `photostep/${user.index}`) % 5))
  const date = world.now - 86_400 - (user.photoCount - 1 - seq) * step - (r('jitter') % 3600)
  return {
    id: composeId(PHOTO_ID_BASE, user.index, seq),
    ownerIndex: user.index,
    seq,
    date,
    dcId: world.dcIds[r('dc') % world.dcIds.length] as number,
    variant: r('variant') % PHOTO_VARIANTS,
    sizes: photoSizes(r('progressive') % 4 !== 0),
    videoStartTs: r('video') % 10 === 0 ? (r('vts') % 20) / 10 : undefined,
  }
}

/** A photo by id, or undefined when no such photo exists. */
export function photoById(world: ProfileMediaSource, id: bigint): PhotoMeta | undefined {
  const at = splitId(PHOTO_ID_BASE, id)
  const user = at === undefined ? undefined : world.users[at.index]
  if (at === undefined || user === undefined || at.seq >= user.photoCount) return undefined
  return derivePhoto(world, user, at.seq)
}

/** The user's audio at profile position `position` (0 = first shown). */
export function deriveAudio(world: ProfileMediaSource, user: UserMeta, position: number): AudioMeta {
  const r = (label: string): number => h32(world.secret, `audio/${user.index}/${position}/${label}`)
  const title = `${WORDS[r('t1') % WORDS.length] as string} ${WORDS[r('t2') % WORDS.length] as string}`
  const performer = PERFORMERS[r('perf') % PERFORMERS.length] as string
  return {
    id: composeId(DOC_ID_BASE, user.index, position),
    ownerIndex: user.index,
    seq: position,
    date: world.now - 3600 - position * 86_400 - (r('jitter') % 3600),
    dcId: world.dcIds[r('dc') % world.dcIds.length] as number,
    duration: 5 + (r('dur') % 40),
    performer,
    title,
    fileName: `${performer} - ${title}.mp3`,
  }
}

/** An audio document by id, or undefined when no such audio exists. */
export function audioById(world: ProfileMediaSource, id: bigint): AudioMeta | undefined {
  const at = splitId(DOC_ID_BASE, id)
  const user = at === undefined ? undefined : world.users[at.index]
  if (at === undefined || user === undefined || at.seq >= user.audioCount) return undefined
  return deriveAudio(world, user, at.seq)
}
