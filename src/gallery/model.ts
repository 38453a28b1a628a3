/**
 * What the gallery's pages are built from: the manifest's records folded into one timeline per user. Pure: records
 * in, users out; no I/O (the reader in `read.ts` feeds it line by line).
 *
 * The archiver's manifest (see `src/archive/types.ts`) has `file` records (one per archived size of a photo, video
 * avatar or audio), `gone` and `back` marks per archived file, `user` records (the username a user was last seen
 * under) and `user-failed` records (ignored here). The gallery reads them structurally, without importing the
 * archiver: both sit on the same layer.
 */

/** Whether an archived photo is still on the profile, as the last run that listed its user saw it. */
export type PhotoState = 'present' | 'gone' | 'back'

/** One archived file of a photo (a size or a video size) or an audio. */
export interface GalleryFile {
  /** Path relative to the archive folder, `/`-separated. */
  readonly path: string
  /** Size letter (`a`, `b`, `c`, `u`, …); empty for audios. */
  readonly size: string
  readonly width: number
  readonly height: number
  readonly bytes: number
  readonly fileId: string | undefined
  readonly fileUniqueId: string | undefined
}

/** One profile photo on a user's timeline. */
export interface GalleryPhoto {
  readonly photoId: string
  /** Unix time the photo was set. */
  readonly date: number
  /** Photo sizes archived, smallest first. */
  readonly sizes: readonly GalleryFile[]
  /** Video sizes archived (video avatars), smallest first. */
  readonly videos: readonly GalleryFile[]
  readonly state: PhotoState
  /** Unix time the last `gone` or `back` mark was noticed (absent while never marked). */
  readonly markedAt: number | undefined
}

/** One archived profile audio. */
export interface GalleryAudio {
  readonly documentId: string
  readonly date: number
  readonly file: GalleryFile
  readonly title: string | undefined
  readonly performer: string | undefined
  readonly mimeType: string | undefined
  readonly state: PhotoState
}

/** One user of the archive. */
export interface GalleryUser {
  readonly id: number
  /** The username the user was last seen under by the archiver (absent when never recorded). */
  readonly username: string | undefined
  /** Newest first (by date, then by photo id). */
  readonly photos: readonly GalleryPhoto[]
  readonly audios: readonly GalleryAudio[]
  /** Unix time of the newest photo (0 without photos). */
  readonly latest: number
}

type Json = Partial<Record<string, unknown>>

interface PhotoAcc {
  date: number
  sizes: GalleryFile[]
  videos: GalleryFile[]
}

interface UserAcc {
  /** Whether a `user` record named the user (a user without any photo is shown then too). */
  seen: boolean
  username: string | undefined
  photos: Map<string, PhotoAcc>
  audios: Map<string, { date: number; file: GalleryFile; title?: string; performer?: string; mimeType?: string }>
  /** Last gone/back mark per file key (`photo:<id>:<letter>`, `video:<id>:<letter>`, `audio:<id>`). */
  marks: Map<string, { type: 'gone' | 'back'; at: number }>
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)

function keyOf(r: Json): string | undefined {
  const kind = r['kind']
  if (kind === 'audio') return typeof r['document_id'] === 'string' ? `audio:${r['document_id']}` : undefined
  if (kind !== 'photo' && kind !== 'video') return undefined
  return typeof r['photo_id'] === 'string' ? `${kind}:${r['photo_id']}:${str(r['size']) ?? ''}` : undefined
}

function fileOf(r: Json): GalleryFile {
  return {
    path: str(r['path']) ?? '',
    size: str(r['size']) ?? '',
    width: num(r['width']),
    height: num(r['height']),
    bytes: num(r['bytes']),
    fileId: str(r['file_id']),
    fileUniqueId: str(r['file_unique_id']),
  }
}

/** Whether a manifest path is one the archiver writes: relative, `/`-separated, no `..`, no scheme. */
function safePath(path: unknown): path is string {
  return typeof path === 'string' && /^[0-9]+\/[A-Za-z0-9_.-]+$/.test(path) && !path.includes('..')
}

const bySize = (a: GalleryFile, b: GalleryFile): number => a.width * a.height - b.width * b.height || a.bytes - b.bytes

const FOLDED = new Set<unknown>(['user', 'file', 'gone', 'back'])

/**
 * The user a manifest record is about, when it is a record {@link GalleryModel} folds (`user`, `file`, `gone`,
 * `back` with a valid user id); `undefined` for anything it ignores. A user's records fold the same whatever other
 * users' records lie between them, so records may be grouped by this id before they are folded.
 */
export function recordUser(record: unknown): number | undefined {
  if (typeof record !== 'object' || record === null) return undefined
  const r = record as Json
  const uid = r['user_id']
  if (typeof uid !== 'number' || !Number.isSafeInteger(uid) || uid <= 0) return undefined
  return FOLDED.has(r['type']) ? uid : undefined
}

/** Folds manifest records into users; feed it every record in file order, then ask for {@link users}. */
export class GalleryModel {
  private readonly acc = new Map<number, UserAcc>()

  /** Adds one parsed manifest line; anything that is not a record the gallery shows is ignored. */
  add(record: unknown): void {
    const uid = recordUser(record)
    if (uid === undefined) return
    const r = record as Json
    if (r['type'] === 'user') return this.seen(uid, r)
    if (r['type'] !== 'file' && r['type'] !== 'gone' && r['type'] !== 'back') return
    const key = keyOf(r)
    if (key === undefined) return
    const user = this.user(uid)
    if (r['type'] === 'file') {
      if (!safePath(r['path'])) return
      user.marks.delete(key)
      this.file(user, r)
    } else user.marks.set(key, { type: r['type'], at: num(r['noticed_at']) })
  }

  /** Number of users seen so far. */
  get size(): number {
    return this.acc.size
  }

  /**
   * Every user the archiver recorded or archived a file of, by id. Empties the model (each user's working state is
   * dropped as it is converted, so a large archive is not held twice).
   */
  users(): GalleryUser[] {
    const ids = [...this.acc.keys()].sort((a, b) => a - b)
    const users: GalleryUser[] = []
    for (const id of ids) {
      const acc = this.acc.get(id) as UserAcc
      this.acc.delete(id)
      const user = toUser(id, acc)
      if (user.photos.length > 0 || user.audios.length > 0 || acc.seen) users.push(user)
    }
    return users
  }

  private user(uid: number): UserAcc {
    let user = this.acc.get(uid)
    if (user === undefined) {
      user = { seen: false, username: undefined, photos: new Map(), audios: new Map(), marks: new Map() }
      this.acc.set(uid, user)
    }
    return user
  }

  private seen(uid: number, r: Json): void {
    const user = this.user(uid)
    user.seen = true
    user.username = str(r['username'])
  }

  private file(user: UserAcc, r: Json): void {
    const file = fileOf(r)
    if (r['kind'] === 'audio') {
      const extra = { title: str(r['title']), performer: str(r['performer']), mimeType: str(r['mime_type']) }
      user.audios.set(str(r['document_id']) ?? '', { date: num(r['date']), file, ...definedOnly(extra) })
      return
    }
    const id = str(r['photo_id']) ?? ''
    let photo = user.photos.get(id)
    if (photo === undefined) {
      photo = { date: num(r['date']), sizes: [], videos: [] }
      user.photos.set(id, photo)
    }
    // A photo has a handful of sizes: a list costs far less than a map per photo, over a large archive.
    const list = r['kind'] === 'video' ? photo.videos : photo.sizes
    const same = list.findIndex((f) => f.size === file.size)
    if (same >= 0) list[same] = file
    else list.push(file)
  }
}

function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> }
}

/** The state of a photo from the marks of its files: gone when any is gone, back when any came back. */
function stateOf(keys: readonly string[], marks: UserAcc['marks']): { state: PhotoState; markedAt: number | undefined } {
  let state: PhotoState = 'present'
  let markedAt: number | undefined
  for (const key of keys) {
    const mark = marks.get(key)
    if (mark === undefined) continue
    if (mark.type === 'gone' || state === 'present') state = mark.type
    markedAt = Math.max(markedAt ?? 0, mark.at)
  }
  return { state, markedAt }
}

function toUser(id: number, u: UserAcc): GalleryUser {
  const photos: GalleryPhoto[] = [...u.photos.entries()].map(([photoId, p]) => {
    const sizes = p.sizes.sort(bySize)
    const videos = p.videos.sort(bySize)
    const keys = [...sizes.map((s) => `photo:${photoId}:${s.size}`), ...videos.map((v) => `video:${photoId}:${v.size}`)]
    return { photoId, date: p.date, sizes, videos, ...stateOf(keys, u.marks) }
  })
  photos.sort((a, b) => b.date - a.date || compareIds(b.photoId, a.photoId))
  const audios: GalleryAudio[] = [...u.audios.entries()].map(([documentId, a]) => ({
    documentId,
    date: a.date,
    file: a.file,
    title: a.title,
    performer: a.performer,
    mimeType: a.mimeType,
    state: stateOf([`audio:${documentId}`], u.marks).state,
  }))
  audios.sort((a, b) => b.date - a.date || compareIds(b.documentId, a.documentId))
  return { id, username: u.username, photos, audios, latest: photos[0]?.date ?? 0 }
}

/** Orders decimal id strings numerically (they can exceed 2^53). */
export function compareIds(a: string, b: string): number {
  const na = a.replace(/^-/, '')
  const nb = b.replace(/^-/, '')
  return na.length - nb.length || (na < nb ? -1 : na > nb ? 1 : 0)
}
