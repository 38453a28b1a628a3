/**
 * The benchmark's input users and their ground truth, read from the emulator's world metadata (file lengths come
 * from the world's cached base renders: nothing is hashed or rendered per file).
 */
import type { World } from '../../src/emulator/world.js'
import type { LowerBoundUser } from './lower-bound.js'

/** What the archiver downloads with its defaults (largest photo size, video avatars, no audios). */
export interface Selection {
  readonly sizes: 'largest' | 'all'
  readonly videos: boolean
  readonly audios: boolean
}

export const ARCHIVER_DEFAULT_SELECTION: Selection = { sizes: 'largest', videos: true, audios: false }

/** A user the benchmark asks for, with the world's facts about it. */
export interface BenchUser extends LowerBoundUser {
  readonly username: string
  readonly userId: bigint
}

/** The ordinary users of the world split by whether a fresh account can reach them (only by username). */
export interface BenchUsers {
  /** Users with a username (given by their first username), in world order. */
  readonly reachable: readonly BenchUser[]
  /** Users without a username: a fresh account has no access hash for them, so they are skipped. */
  readonly skippedWithoutUsername: number
}

/** Reads the benchmark's users from `world` (test accounts excluded). */
export function benchUsers(world: World, selection: Selection = ARCHIVER_DEFAULT_SELECTION): BenchUsers {
  const reachable: BenchUser[] = []
  let skipped = 0
  for (const user of world.users) {
    if (user.account !== undefined) continue
    const username = user.usernames[0]
    if (username === undefined) {
      skipped++
      continue
    }
    const fileSizes: number[] = []
    for (let position = 0; position < user.photoCount; position++) {
      const photo = world.photoAt(user, position)
      const sizes = selection.sizes === 'largest' ? photo.sizes.slice(-1) : photo.sizes
      for (const size of sizes) fileSizes.push(world.photoSizeLength(photo, size))
      if (selection.videos && photo.videoStartTs !== undefined) fileSizes.push(world.videoLength(photo))
    }
    if (selection.audios) {
      for (let position = 0; position < user.audioCount; position++) {
        fileSizes.push(world.audioLength(world.audio(user, position)))
      }
    }
    reachable.push({
      username,
      userId: user.id,
      photoCount: user.photoCount,
      ...(selection.audios ? { audioCount: user.audioCount } : {}),
      resolve: true,
      fileSizes,
    })
  }
  return { reachable, skippedWithoutUsername: skipped }
}
