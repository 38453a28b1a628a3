/**
 * The emulator's seeded world: users, profile photos (with their sizes and video avatars), profile audios and the
 * test accounts, all derived deterministically from a seed.
 *
 * Scale: only per-user metadata is held (a few hundred bytes per user). Photos and audios are derived on demand from
 * `(seed, user index, sequence number)`, and file bytes are produced lazily by the media module: one base file is
 * rendered per (kind, dimensions, variant) class and cached, and each file is made unique by a fixed-length tag (a JPEG
 * COM segment, an MP4 box), so its byte length is known without rendering it. MP3s carry per-audio ID3 text and are
 * rendered on demand; their lengths are cached (numbers only). Rendered files live in a small LRU.
 *
 * Ids: a photo id is `0x5000…` | user index << 24 | sequence (0 = oldest), so a user's photos, listed newest first,
 * have strictly decreasing ids, as `photos.getUserPhotos`'s `max_id` requires. Documents use `0x6000…` the same way.
 */
import { createHash, createHmac, type Hash } from 'node:crypto'
import { open } from 'node:fs/promises'
import type { EmulatorAccount } from '../spec/emulator-connection.js'
import * as defaultMedia from './media/index.js'
import type {
  WorldAudio,
  WorldFile,
  WorldFileEntry,
  WorldPhoto,
  WorldPhotoSize,
  WorldUser,
  WorldVideoSize,
} from './world-file.js'

/** What the world needs from `src/emulator/media/` (injected so the world does not depend on how bytes are made). */
export interface WorldMedia {
  renderAvatarJpeg(
    seed: number,
    w: number,
    h: number,
    options: { progressive?: boolean; quality?: number },
  ): { bytes: Buffer; scanEnds?: number[] }
  strippedThumb(seed: number, w: number, h: number): Buffer
  insertJpegComment(jpeg: Buffer, comment: Buffer): Buffer
  makeMp4(options: { seed: number; width: number; height: number; durationMs: number; fps?: number }): Buffer
  setMp4Tag(mp4: Buffer, tag: Buffer): Buffer
  makeMp3(options: { seed: number; durationSec: number; title: string; performer: string }): Buffer
}

/** Options of {@link createWorld}. */
export interface WorldOptions {
  /** Seed of everything in the world. */
  readonly seed: number
  /** Number of ordinary users (test accounts come on top). */
  readonly users: number
  /** DC ids photos and audios are spread over. Default `[1, 2, 3, 4, 5]`. */
  readonly dcIds?: readonly number[]
  /** The world's "now" in unix seconds; photo dates lie before it. Default 1_760_000_000 (fixed, for determinism). */
  readonly now?: number
  /** The home DC (where test accounts live). Default the first of `dcIds`. */
  readonly homeDcId?: number
  /** The media renderer. Default `src/emulator/media` (tests may inject a cheaper one). */
  readonly media?: WorldMedia
  /** How many rendered files to keep in memory. Default 64. */
  readonly fileCacheSize?: number
  /** At most this many bytes of rendered files in memory. Default 32 MiB. */
  readonly fileCacheBytes?: number
}

/** One size of a photo as the world knows it (no bytes). */
export interface PhotoSizeMeta {
  readonly type: 'a' | 'b' | 'c'
  readonly w: number
  readonly h: number
  readonly progressive: boolean
}

/** A profile photo, derived on demand. */
export interface PhotoMeta {
  readonly id: bigint
  readonly ownerIndex: number
  readonly seq: number
  readonly date: number
  readonly dcId: number
  readonly variant: number
  readonly sizes: readonly PhotoSizeMeta[]
  /** Start timestamp (seconds) of the video avatar, when the photo has one (`videoSize` `u`, 640x640). */
  readonly videoStartTs: number | undefined
}

/** A profile audio, derived on demand. */
export interface AudioMeta {
  readonly id: bigint
  readonly ownerIndex: number
  readonly seq: number
  readonly date: number
  readonly dcId: number
  readonly duration: number
  readonly performer: string
  readonly title: string
  readonly fileName: string
}

/** A user as the world keeps it. */
export interface UserMeta {
  readonly index: number
  readonly id: bigint
  readonly firstName: string
  readonly lastName: string | undefined
  readonly usernames: readonly string[]
  readonly deactivated: boolean
  readonly photoCount: number
  readonly audioCount: number
  /** Present on test accounts. */
  readonly account: EmulatorAccount | undefined
}

/** A file the emulator serves. `key` is unique per file (`photo:<id>:<type>`, `video:<id>:u`, `audio:<id>`). */
export interface FileMeta {
  readonly key: string
  readonly kind: 'jpeg' | 'mp4' | 'mp3'
  readonly dcId: number
}

export const VIDEO_SIZE = 640
const PHOTO_ID_BASE = 0x5000_0000_0000_0000n
const DOC_ID_BASE = 0x6000_0000_0000_0000n
const SEQ_BITS = 24n
const VARIANTS = 4
/** Video avatars are costlier to encode: fewer base variants. */
const VIDEO_VARIANTS = 2
const TAG_LENGTH = 24
const DEFAULT_NOW = 1_760_000_000

const FIRST_NAMES = ['Alice', 'Boris', 'Chen', 'Dana', 'Emil', 'Fatima', 'Giulia', 'Hiro', 'Ines', 'Jonas', 'Kira', 'Lev', 'Maya', 'Nikolai', 'Olga', 'Pavel', 'Quinn', 'Rosa', 'Sami', 'Tanya']
const LAST_NAMES = ['Ivanova', 'Smith', 'Kowalski', 'Nakamura', 'Rossi', 'Haddad', 'Müller', 'Silva', 'Novak', 'Petrov']
const WORDS = ['sun', 'river', 'pixel', 'quiet', 'nova', 'echo', 'maple', 'orbit', 'delta', 'lumen', 'fjord', 'cobalt']
const PERFORMERS = ['The Loopbacks', 'DC Five', 'Auth Key Trio', 'Salt & Nonce', 'Padding Oracle']

/** Deterministic 32-bit values from a label. */
function h32(secret: Buffer, label: string): number {
  return createHmac('sha256', secret).update(label).digest().readUInt32LE(0)
}

function h64(secret: Buffer, label: string): bigint {
  return createHmac('sha256', secret).update(label).digest().readBigInt64LE(0)
}

function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex')
}

/** A tiny LRU, bounded by entry count and (for buffers) by total bytes. */
class Lru<V> {
  private readonly map = new Map<string, V>()
  private bytes = 0
  constructor(
    private readonly max: number,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}
  private static sizeOf(v: unknown): number {
    return Buffer.isBuffer(v) ? v.length : 0
  }
  get(key: string): V | undefined {
    const v = this.map.get(key)
    if (v !== undefined) {
      this.map.delete(key)
      this.map.set(key, v)
    }
    return v
  }
  set(key: string, v: V): void {
    const old = this.map.get(key)
    if (old !== undefined) {
      this.bytes -= Lru.sizeOf(old)
      this.map.delete(key)
    }
    this.map.set(key, v)
    this.bytes += Lru.sizeOf(v)
    while (this.map.size > 1 && (this.map.size > this.max || this.bytes > this.maxBytes)) {
      const first = this.map.entries().next()
      if (first.done === true) break
      this.map.delete(first.value[0])
      this.bytes -= Lru.sizeOf(first.value[1])
    }
  }
}

/** The seeded world. Create with {@link createWorld}. */
export class World {
  readonly seed: number
  readonly now: number
  readonly dcIds: readonly number[]
  readonly homeDcId: number
  /** Every user: ordinary users first, then the test accounts. */
  readonly users: readonly UserMeta[]
  /** The test accounts (first: without 2FA, second: with 2FA). */
  readonly accounts: readonly EmulatorAccount[]
  /** Secret every access hash, file reference and export token is derived from. */
  readonly secret: Buffer
  private readonly byId = new Map<bigint, UserMeta>()
  private readonly byUsername = new Map<string, UserMeta>()
  private readonly byPhone = new Map<string, UserMeta>()
  private readonly media: WorldMedia
  private readonly files: Lru<Buffer>
  private readonly baseCache = new Map<string, { bytes: Buffer; scanEnds: readonly number[] }>()
  private readonly lengthCache = new Map<string, number>()
  private readonly shaCache: Lru<string>
  private readonly hashStates = new Map<string, Hash>()

  constructor(options: WorldOptions) {
    this.seed = options.seed
    this.now = options.now ?? DEFAULT_NOW
    this.dcIds = options.dcIds ?? [1, 2, 3, 4, 5]
    if (this.dcIds.length === 0) throw new RangeError('createWorld: dcIds must not be empty')
    this.homeDcId = options.homeDcId ?? (this.dcIds[0] as number)
    this.media = options.media ?? defaultMedia
    this.files = new Lru(options.fileCacheSize ?? 64, options.fileCacheBytes ?? 32 * 1024 * 1024)
    this.shaCache = new Lru(4096)
    this.secret = createHash('sha256').update(`tg-profile emulator world ${options.seed}`).digest()
    const users: UserMeta[] = []
    const usedIds = new Set<bigint>()
    const usedNames = new Set<string>()
    const uniqueId = (label: string): bigint => {
      for (let i = 0; ; i++) {
        // realistic positive ids below 2^40
        const id = (BigInt.asUintN(64, h64(this.secret, `${label}/${i}`)) % 0xff_0000_0000n) + 0x1_0000_0000n
        if (!usedIds.has(id)) {
          usedIds.add(id)
          return id
        }
      }
    }
    const uniqueUsername = (base: string): string => {
      let name = base
      for (let i = 2; usedNames.has(name.toLowerCase()); i++) name = `${base}${i}`
      usedNames.add(name.toLowerCase())
      return name
    }
    const deactivatedIndex = options.users >= 4 ? 3 : -1
    for (let index = 0; index < options.users; index++) {
      const r = (label: string): number => h32(this.secret, `user/${index}/${label}`)
      const id = uniqueId(`user/${index}`)
      const firstName = FIRST_NAMES[r('first') % FIRST_NAMES.length] as string
      const hasLast = r('haslast') % 3 !== 0
      const lastName = hasLast ? (LAST_NAMES[r('last') % LAST_NAMES.length] as string) : undefined
      const deactivated = index === deactivatedIndex
      // photo count classes, guaranteed all present in any 10 consecutive users
      const cls = index % 10
      const pc = r('photos')
      const photoCount = deactivated
        ? 0
        : cls === 0 || cls === 5
          ? 0
          : cls === 1 || cls === 6
            ? 1
            : cls === 4
              ? 101 + (pc % 100)
              : cls === 9
                ? 251 + (pc % 80)
                : 2 + (pc % 7)
      const audioCount = deactivated ? 0 : r('audios') % 5 === 0 ? 1 + (r('audiocount') % 4) : 0
      const nameCount = deactivated ? 0 : [0, 1, 1, 1, 2, 3][r('names') % 6] as number
      const usernames: string[] = []
      for (let k = 0; k < nameCount; k++) {
        const word = WORDS[r(`word${k}`) % WORDS.length] as string
        usernames.push(uniqueUsername(`${firstName.toLowerCase().replace(/[^a-z]/g, 'x')}_${word}${r(`num${k}`) % 1000}`))
      }
      users.push({
        index,
        id,
        firstName: deactivated ? 'Deleted Account' : firstName,
        lastName: deactivated ? undefined : lastName,
        usernames,
        deactivated,
        photoCount,
        audioCount,
        account: undefined,
      })
    }
    const accounts: EmulatorAccount[] = []
    for (const [k, withPassword] of [false, true].entries()) {
      const index = users.length
      const id = uniqueId(`account/${k}`)
      const firstName = withPassword ? 'Tess (2FA)' : 'Tess'
      const username = uniqueUsername(withPassword ? 'emulator_tester_2fa' : 'emulator_tester')
      const account: EmulatorAccount = {
        userId: Number(id),
        phone: `99966${this.homeDcId}${String(1000 + k * 1111 + (this.seed % 1000)).padStart(4, '0').slice(-4)}`,
        code: withPassword ? '54321' : '12345',
        ...(withPassword ? { password: 'correct horse battery staple' } : {}),
        firstName,
        username,
      }
      accounts.push(account)
      users.push({
        index,
        id,
        firstName,
        lastName: undefined,
        usernames: [username],
        deactivated: false,
        photoCount: 1,
        audioCount: 0,
        account,
      })
    }
    this.users = users
    this.accounts = accounts
    for (const u of users) {
      this.byId.set(u.id, u)
      for (const name of u.usernames) this.byUsername.set(name.toLowerCase(), u)
      if (u.account !== undefined) this.byPhone.set(u.account.phone, u)
    }
  }

  /** A user by id. */
  userById(id: bigint): UserMeta | undefined {
    return this.byId.get(id)
  }

  /** A user by one of its usernames (case-insensitive). */
  userByUsername(username: string): UserMeta | undefined {
    return this.byUsername.get(username.toLowerCase())
  }

  /** A test account's user by phone (digits only). */
  userByPhone(phone: string): UserMeta | undefined {
    return this.byPhone.get(phone)
  }

  /** The access hash `viewer` sees for `user` (HMAC of the world secret; differs per viewer). */
  accessHash(viewerUserId: bigint, userId: bigint): bigint {
    return h64(this.secret, `access/${viewerUserId}/${userId}`)
  }

  /** Access hash of a photo or document. */
  fileAccessHash(id: bigint): bigint {
    return h64(this.secret, `file-access/${id}`)
  }

  /**
   * A file reference issued at `issuedAt` (unix seconds): 1 version byte, 4 bytes issue time, 12 bytes HMAC.
   * {@link fileReferenceIssuedAt} gives the time back when the reference is genuine for that id.
   */
  fileReference(id: bigint, issuedAt: number): Buffer {
    const head = Buffer.alloc(5)
    head.writeUInt8(1, 0)
    head.writeUInt32BE(issuedAt >>> 0, 1)
    const mac = createHmac('sha256', this.secret).update(`fileref/${id}/`).update(head).digest().subarray(0, 12)
    return Buffer.concat([head, mac])
  }

  /** Issue time of a genuine file reference for `id`, or undefined when it is not one. */
  fileReferenceIssuedAt(id: bigint, ref: Buffer): number | undefined {
    if (ref.length !== 17 || ref[0] !== 1) return undefined
    const issuedAt = ref.readUInt32BE(1)
    return this.fileReference(id, issuedAt).equals(ref) ? issuedAt : undefined
  }

  /** Photo ids of a user, newest first. */
  photoId(user: UserMeta, seq: number): bigint {
    return PHOTO_ID_BASE | (BigInt(user.index) << SEQ_BITS) | BigInt(seq)
  }

  /** The user's photo at position `position` of the newest-first list. */
  photoAt(user: UserMeta, position: number): PhotoMeta {
    return this.photo(user, user.photoCount - 1 - position)
  }

  /** A photo by its owner and sequence number (0 = oldest). */
  photo(user: UserMeta, seq: number): PhotoMeta {
    const r = (label: string): number => h32(this.secret, `photo/${user.index}/${seq}/${label}`)
    const id = this.photoId(user, seq)
    // dates increase with seq, one photo every 1-5 days, the newest a day before "now"
    const step = 86_400 * (1 + (h32(this.secret, `photostep/${user.index}`) % 5))
    const date = this.now - 86_400 - (user.photoCount - 1 - seq) * step - (r('jitter') % 3600)
    const progressive = r('progressive') % 4 !== 0
    const sizes: PhotoSizeMeta[] = [
      { type: 'a', w: 160, h: 160, progressive: false },
      { type: 'b', w: 320, h: 320, progressive: false },
      { type: 'c', w: 640, h: 640, progressive },
    ]
    return {
      id,
      ownerIndex: user.index,
      seq,
      date,
      dcId: this.dcIds[r('dc') % this.dcIds.length] as number,
      variant: r('variant') % VARIANTS,
      sizes,
      videoStartTs: r('video') % 10 === 0 ? (r('vts') % 20) / 10 : undefined,
    }
  }

  /** Finds a photo by id (undefined if no such photo exists). */
  photoById(id: bigint): PhotoMeta | undefined {
    if ((id & ~((1n << 60n) - 1n)) !== PHOTO_ID_BASE) return undefined
    const index = Number((id >> SEQ_BITS) & ((1n << 36n) - 1n))
    const seq = Number(id & ((1n << SEQ_BITS) - 1n))
    const user = this.users[index]
    if (user === undefined || seq >= user.photoCount) return undefined
    return this.photo(user, seq)
  }

  /** The user's audio at profile position `position` (0 = first shown). */
  audio(user: UserMeta, position: number): AudioMeta {
    const r = (label: string): number => h32(this.secret, `audio/${user.index}/${position}/${label}`)
    const id = DOC_ID_BASE | (BigInt(user.index) << SEQ_BITS) | BigInt(position)
    const title = `${WORDS[r('t1') % WORDS.length] as string} ${WORDS[r('t2') % WORDS.length] as string}`
    const performer = PERFORMERS[r('perf') % PERFORMERS.length] as string
    return {
      id,
      ownerIndex: user.index,
      seq: position,
      date: this.now - 3600 - position * 86_400 - (r('jitter') % 3600),
      dcId: this.dcIds[r('dc') % this.dcIds.length] as number,
      duration: 5 + (r('dur') % 40),
      performer,
      title,
      fileName: `${performer} - ${title}.mp3`,
    }
  }

  /** Finds an audio document by id. */
  audioById(id: bigint): AudioMeta | undefined {
    if ((id & ~((1n << 60n) - 1n)) !== DOC_ID_BASE) return undefined
    const index = Number((id >> SEQ_BITS) & ((1n << 36n) - 1n))
    const position = Number(id & ((1n << SEQ_BITS) - 1n))
    const user = this.users[index]
    if (user === undefined || position >= user.audioCount) return undefined
    return this.audio(user, position)
  }

  // ---- bytes ---------------------------------------------------------------------------------------------------

  private requireMedia(): WorldMedia {
    return this.media
  }

  private tag(key: string): Buffer {
    const tag = Buffer.alloc(TAG_LENGTH, 0x20)
    tag.write(`tgp:${createHash('sha256').update(key).digest('hex')}`.slice(0, TAG_LENGTH), 'latin1')
    return tag
  }

  private jpegBase(size: PhotoSizeMeta, variant: number): { bytes: Buffer; scanEnds: readonly number[] } {
    const key = `jpeg/${size.w}x${size.h}/${size.progressive ? 'p' : 'b'}/${variant}`
    let base = this.baseCache.get(key)
    if (base === undefined) {
      const r = this.requireMedia().renderAvatarJpeg(this.seed * 31 + variant, size.w, size.h, {
        progressive: size.progressive,
      })
      base = { bytes: r.bytes, scanEnds: r.scanEnds ?? [] }
      this.baseCache.set(key, base)
    }
    return base
  }

  private mp4Base(photoVariant: number): Buffer {
    const variant = photoVariant % VIDEO_VARIANTS
    const key = `mp4/${variant}`
    let base = this.baseCache.get(key)
    if (base === undefined) {
      const bytes = this.requireMedia().makeMp4({
        seed: this.seed * 31 + variant,
        width: VIDEO_SIZE,
        height: VIDEO_SIZE,
        // few frames: the media module's frames are uncompressed (I_PCM), ~600 KB each at 640x640
        durationMs: 1000,
        fps: 2,
      })
      base = { bytes, scanEnds: [] }
      this.baseCache.set(key, base)
    }
    return base.bytes
  }

  /**
   * Renders every base file once (JPEG classes, stripped thumbs, MP4s), so the first RPCs after startup do not pay
   * for it. Optional: everything is also rendered on first use.
   */
  prepareMedia(): void {
    const sizes: PhotoSizeMeta[] = [
      { type: 'a', w: 160, h: 160, progressive: false },
      { type: 'b', w: 320, h: 320, progressive: false },
      { type: 'c', w: 640, h: 640, progressive: false },
      { type: 'c', w: 640, h: 640, progressive: true },
    ]
    for (let variant = 0; variant < VARIANTS; variant++) {
      for (const size of sizes) this.jpegBase(size, variant)
      this.strippedByVariant(variant)
      this.videoLengthByVariant(variant)
    }
  }

  /** Byte overhead the JPEG COM tag adds (4 + tag length). */
  private static readonly JPEG_OVERHEAD = 4 + TAG_LENGTH

  /** Byte length of one photo size file (renders only the cached base). */
  photoSizeLength(photo: PhotoMeta, size: PhotoSizeMeta): number {
    return this.jpegBase(size, photo.variant).bytes.length + World.JPEG_OVERHEAD
  }

  /** `photoSizeProgressive` byte offsets of a size's file (shifted by the tag). */
  photoSizeScanEnds(photo: PhotoMeta, size: PhotoSizeMeta): number[] {
    const length = this.photoSizeLength(photo, size)
    const ends = this.jpegBase(size, photo.variant).scanEnds.map((e) => e + World.JPEG_OVERHEAD)
    // photoSizeProgressive.sizes ends with the full length: a client reading all of it has the final image
    if (ends[ends.length - 1] !== length) ends.push(length)
    return ends
  }

  /** The stripped thumbnail (`i`) of a photo. */
  strippedThumb(photo: PhotoMeta): Buffer {
    return this.strippedByVariant(photo.variant)
  }

  private strippedByVariant(variant: number): Buffer {
    const key = `stripped/${variant}`
    let base = this.baseCache.get(key)
    if (base === undefined) {
      base = { bytes: this.requireMedia().strippedThumb(this.seed * 31 + variant, 40, 40), scanEnds: [] }
      this.baseCache.set(key, base)
    }
    return base.bytes
  }

  /** Byte length of a video avatar. */
  videoLength(photo: PhotoMeta): number {
    return this.videoLengthByVariant(photo.variant)
  }

  private videoLengthByVariant(photoVariant: number): number {
    const key = `mp4len/${photoVariant % VIDEO_VARIANTS}`
    let n = this.lengthCache.get(key)
    if (n === undefined) {
      n = this.requireMedia().setMp4Tag(this.mp4Base(photoVariant), this.tag('probe')).length
      this.lengthCache.set(key, n)
    }
    return n
  }

  /** Byte length of an audio file (rendered once, then remembered). */
  audioLength(audio: AudioMeta): number {
    const key = `audio:${audio.id}`
    const known = this.lengthCache.get(key)
    if (known !== undefined) return known
    return this.audioBytes(audio).length
  }

  /** Bytes of a photo size. */
  photoSizeBytes(photo: PhotoMeta, size: PhotoSizeMeta): Buffer {
    const key = `photo:${photo.id}:${size.type}`
    let b = this.files.get(key)
    if (b === undefined) {
      b = this.requireMedia().insertJpegComment(this.jpegBase(size, photo.variant).bytes, this.tag(key))
      this.files.set(key, b)
    }
    return b
  }

  /** Bytes of a video avatar. */
  videoBytes(photo: PhotoMeta): Buffer {
    const key = `video:${photo.id}:u`
    let b = this.files.get(key)
    if (b === undefined) {
      b = this.requireMedia().setMp4Tag(this.mp4Base(photo.variant), this.tag(key))
      this.files.set(key, b)
    }
    return b
  }

  /** Bytes of an audio. */
  audioBytes(audio: AudioMeta): Buffer {
    const key = `audio:${audio.id}`
    let b = this.files.get(key)
    if (b === undefined) {
      b = this.requireMedia().makeMp3({
        seed: Number(BigInt.asUintN(31, audio.id ^ BigInt(this.seed))),
        durationSec: audio.duration,
        title: audio.title,
        performer: audio.performer,
      })
      this.files.set(key, b)
      this.lengthCache.set(key, b.length)
    }
    return b
  }

  /**
   * Length and sha256 of a video avatar without hashing the whole file: the media module's tag box is appended
   * after the untouched base, so the hash continues from the base's hash state (checked against the bytes).
   */
  private videoEntry(photo: PhotoMeta): WorldFileEntry {
    const key = `video:${photo.id}:u`
    const base = this.mp4Base(photo.variant)
    const tagged = this.requireMedia().setMp4Tag(base, this.tag(key))
    if (!tagged.subarray(0, base.length).equals(base)) return this.entry(key, () => tagged.length, () => tagged)
    const stateKey = `mp4/${photo.variant % VIDEO_VARIANTS}`
    let state = this.hashStates.get(stateKey)
    if (state === undefined) {
      state = createHash('sha256').update(base)
      this.hashStates.set(stateKey, state)
    }
    return { bytes: tagged.length, sha256: state.copy().update(tagged.subarray(base.length)).digest('hex') }
  }

  /** Length and sha256 of a file; renders it only when its hash is not cached. */
  private entry(key: string, length: () => number, bytes: () => Buffer): WorldFileEntry {
    const cached = this.shaCache.get(key)
    if (cached !== undefined) return { bytes: length(), sha256: cached }
    const b = bytes()
    const sha = sha256Hex(b)
    this.shaCache.set(key, sha)
    return { bytes: b.length, sha256: sha }
  }

  // ---- ground truth --------------------------------------------------------------------------------------------

  /** Ground truth of one photo. */
  photoToFile(photo: PhotoMeta): WorldPhoto {
    const stripped = this.strippedThumb(photo)
    const sizes: WorldPhotoSize[] = [
      { type: 'i', w: 0, h: 0, bytes: stripped.length, sha256: sha256Hex(stripped), stripped: true },
    ]
    for (const s of photo.sizes) {
      const e = this.entry(
        `photo:${photo.id}:${s.type}`,
        () => this.photoSizeLength(photo, s),
        () => this.photoSizeBytes(photo, s),
      )
      sizes.push({ type: s.type, w: s.w, h: s.h, ...e, ...(s.progressive ? { progressive: this.photoSizeScanEnds(photo, s) } : {}) })
    }
    const videoSizes: WorldVideoSize[] = []
    if (photo.videoStartTs !== undefined) {
      const e = this.videoEntry(photo)
      videoSizes.push({ type: 'u', w: VIDEO_SIZE, h: VIDEO_SIZE, ...e, videoStartTs: photo.videoStartTs })
    }
    return { id: photo.id.toString(), date: photo.date, dcId: photo.dcId, sizes, videoSizes }
  }

  /** Ground truth of one user (renders every file of the user to hash it). */
  userToFile(user: UserMeta): WorldUser {
    const photos: WorldPhoto[] = []
    for (let p = 0; p < user.photoCount; p++) photos.push(this.photoToFile(this.photoAt(user, p)))
    const audios: WorldAudio[] = []
    for (let k = 0; k < user.audioCount; k++) {
      const a = this.audio(user, k)
      const e = this.entry(
        `audio:${a.id}`,
        () => this.audioLength(a),
        () => this.audioBytes(a),
      )
      audios.push({
        id: a.id.toString(),
        date: a.date,
        dcId: a.dcId,
        mimeType: 'audio/mpeg',
        fileName: a.fileName,
        duration: a.duration,
        performer: a.performer,
        title: a.title,
        ...e,
      })
    }
    return {
      id: Number(user.id),
      firstName: user.firstName,
      ...(user.lastName !== undefined ? { lastName: user.lastName } : {}),
      usernames: user.usernames,
      deactivated: user.deactivated,
      ...(user.account !== undefined ? { account: true as const } : {}),
      photos,
      audios,
    }
  }

  /** The whole ground truth (renders and hashes every file: slow for big worlds, fine when asked). */
  toFile(): WorldFile {
    return { version: 1, seed: this.seed, users: this.users.map((u) => this.userToFile(u)) }
  }

  /**
   * Writes {@link toFile} as JSON, one user at a time (a 10 000-user world never sits in memory as one string).
   * The result parses to exactly `toFile()`.
   */
  async writeWorldFile(path: string): Promise<void> {
    const file = await open(path, 'w')
    try {
      await file.write(`{"version":1,"seed":${JSON.stringify(this.seed)},"users":[`)
      for (const [i, user] of this.users.entries()) {
        await file.write(`${i === 0 ? '' : ','}\n${JSON.stringify(this.userToFile(user))}`)
      }
      await file.write(']}\n')
    } finally {
      await file.close()
    }
  }
}

/** Creates the world for a seed. */
export function createWorld(options: WorldOptions): World {
  return new World(options)
}
