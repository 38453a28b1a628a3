/**
 * Users and their profiles: `users.getUsers`, `users.getFullUser`, `contacts.resolveUsername` (users, and public chats through chats.ts),
 * `photos.getUserPhotos` and `users.getSavedMusic`.
 *
 * - `users.getUsers` leaves out users it cannot resolve (wrong access hash, unknown id) rather than failing the call.
 * - A deactivated user has no photos and no audios: `photos.getUserPhotos` answers an empty `photos.photos`.
 * - Tolerance: `photos.getUserPhotos` takes a negative offset, counted back from the first photo below `max_id`
 *   (never before the newest): offset -1 with `max_id` = a photo's id answers that very photo. mtcute's
 *   `getProfilePhoto` asks for one photo exactly so and works against Telegram, so Telegram evidently accepts it.
 * - `users.getSavedMusic`'s `hash` is Telegram's list hash of the document ids of the page the call would return.
 */
import type { CallContext } from '../rpc.js'
import type { TlObject, TlValue } from '../tl/codec.js'
import { int, long, str, vec } from '../tl/fields.js'
import { isValidUsername } from '../../spec/limits.js'
import { err, type AppCore, type Handler } from './core.js'
import { resolveChatUsername } from './chats.js'
import { audioObject, idsHash, photoObject } from './objects.js'

const usernameNotOccupied = (): never => {
  throw err(400, 'USERNAME_NOT_OCCUPIED')
}

/** At most this many photos or audios in one page, whatever `limit` asks. */
const PAGE_MAX = 100

/** The user and profile handlers over one world. */
export function userHandlers(core: AppCore): Record<string, Handler> {
  const world = core.world

  const getUsers = (r: TlObject, ctx: CallContext): TlObject[] => {
    const viewer = core.viewer(ctx)
    const out: TlObject[] = []
    for (const input of vec<TlValue>(r, 'id')) {
      const user = core.resolveInputUser(input, viewer)
      if (user !== undefined) out.push(core.user(viewer, user))
    }
    return out
  }

  const getFullUser = (r: TlObject, ctx: CallContext): TlObject => {
    const viewer = core.viewer(ctx)
    const user = core.inputUserOrThrow(r['id'], viewer)
    const newest = user.photoCount > 0 ? world.photoAt(user, 0) : undefined
    return {
      _: 'users.userFull',
      full_user: {
        _: 'userFull',
        id: user.id,
        settings: { _: 'peerSettings' },
        notify_settings: { _: 'peerNotifySettings' },
        profile_photo: newest !== undefined ? photoObject(world, newest, core.nowSec()) : undefined,
        common_chats_count: 0,
      },
      chats: [],
      users: [core.user(viewer, user)],
    }
  }

  const resolveUsername = (r: TlObject, ctx: CallContext): TlObject => {
    const viewer = core.viewer(ctx)
    const name = str(r, 'username').replace(/^@/, '')
    if (!isValidUsername(name)) throw err(400, 'USERNAME_INVALID')
    const user = world.userByUsername(name)
    if (user === undefined) return resolveChatUsername(core, viewer, name) ?? usernameNotOccupied()
    return { _: 'contacts.resolvedPeer', peer: { _: 'peerUser', user_id: user.id }, chats: [], users: [core.user(viewer, user)] }
  }

  const getUserPhotos = (r: TlObject, ctx: CallContext): TlObject => {
    const viewer = core.viewer(ctx)
    const user = core.inputUserOrThrow(r['user_id'], viewer)
    const maxId = long(r, 'max_id')
    const offset = int(r, 'offset')
    if (maxId < 0n) throw err(400, 'MAX_ID_INVALID')
    const limit = Math.min(Math.max(int(r, 'limit'), 0), PAGE_MAX)
    const total = user.photoCount
    // positions (newest first) whose id < max_id: ids decrease with position, so it is a suffix
    let start = 0
    if (maxId > 0n) {
      let lo = 0
      let hi = total
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (world.photoAt(user, mid).id < maxId) hi = mid
        else lo = mid + 1
      }
      start = lo
    }
    const from = Math.min(total, Math.max(0, start + offset))
    const to = Math.min(total, from + limit)
    const now = core.nowSec()
    const photos: TlObject[] = []
    for (let p = from; p < to; p++) photos.push(photoObject(world, world.photoAt(user, p), now))
    const users = [core.user(viewer, user)]
    if (from === 0 && to === total) return { _: 'photos.photos', photos, users }
    return { _: 'photos.photosSlice', count: total, photos, users }
  }

  const getSavedMusic = (r: TlObject, ctx: CallContext): TlObject => {
    const viewer = core.viewer(ctx)
    const user = core.inputUserOrThrow(r['id'], viewer)
    const offset = int(r, 'offset')
    if (offset < 0) throw err(400, 'OFFSET_INVALID')
    const limit = Math.min(Math.max(int(r, 'limit'), 0), PAGE_MAX)
    const from = Math.min(user.audioCount, offset)
    const to = Math.min(user.audioCount, from + limit)
    const audios = []
    for (let k = from; k < to; k++) audios.push(world.audio(user, k))
    const hash = idsHash(audios.map((a) => a.id))
    const asked = long(r, 'hash')
    if (asked !== 0n && asked === hash) return { _: 'users.savedMusicNotModified', count: user.audioCount }
    const now = core.nowSec()
    return { _: 'users.savedMusic', count: user.audioCount, documents: audios.map((a) => audioObject(world, a, now)) }
  }

  return {
    'users.getUsers': getUsers,
    'users.getFullUser': getFullUser,
    'contacts.resolveUsername': resolveUsername,
    'photos.getUserPhotos': getUserPhotos,
    'users.getSavedMusic': getSavedMusic,
  }
}
