/**
 * The emulator's seeded world: users, profile photos (with their sizes and video avatars), profile audios and the
 * test accounts, all derived deterministically from a seed.
 *
 * {@link World} is the one object the rest of the emulator holds; it indexes the seeded peers and hands each question
 * to the module under `world/` that answers it:
 * - `users.ts` seeds the users and test accounts; `ids.ts` numbers them and their files;
 * - `chats.ts` seeds the chats (members derived on demand), the test accounts' contacts and dialogs;
 * - `profile-media.ts` derives photos and audios on demand from `(seed, user index, sequence number)`;
 * - `secrets.ts` keys access hashes and file references by the world's secret;
 * - `rendering.ts` renders file bytes lazily via `src/emulator/media`, with an LRU;
 * - `ground-truth.ts` exports the world in world-file.ts's format.
 */
import type { EmulatorAccount } from '../spec/emulator-connection.js'
import * as defaultMedia from './media/index.js'
import type { WorldChat, WorldFile, WorldPhoto, WorldUser } from './world-file.js'
import * as chats from './world/chats.js'
import { GroundTruth } from './world/ground-truth.js'
import { composeId, PeerUniques, PHOTO_ID_BASE } from './world/ids.js'
import type { AudioMeta, ChatMeta, ChatRole, ContactMeta, PhotoMeta, PhotoSizeMeta, UserMeta } from './world/model.js'
import { audioById, deriveAudio, derivePhoto, photoById } from './world/profile-media.js'
import { WorldRenderer, type WorldMedia } from './world/rendering.js'
import * as secrets from './world/secrets.js'
import { seedUsers } from './world/users.js'

export type { DialogMeta } from './world/chats.js'
export type {
  AudioMeta,
  ChatKind,
  ChatMeta,
  ChatRole,
  ContactMeta,
  FileMeta,
  PhotoMeta,
  PhotoSizeMeta,
  UserMeta,
} from './world/model.js'
export { VIDEO_SIZE } from './world/profile-media.js'
export type { WorldMedia } from './world/rendering.js'

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
  /**
   * At most this many photos per ordinary user (a world of thousands of users to archive quickly, as most users of a
   * big chat have few photos). Default: no cap (the classes `users.ts` seeds, up to 330).
   */
  readonly maxPhotosPerUser?: number
  /** The media renderer. Default `src/emulator/media` (tests may inject a cheaper one). */
  readonly media?: WorldMedia
  /** How many rendered files to keep in memory. Default 64. */
  readonly fileCacheSize?: number
  /** At most this many bytes of rendered files in memory. Default 32 MiB. */
  readonly fileCacheBytes?: number
}

const DEFAULT_NOW = 1_760_000_000

/** The seeded world. Create with {@link createWorld}. */
export class World {
  readonly seed: number
  readonly now: number
  readonly dcIds: readonly number[]
  readonly homeDcId: number
  /** Every user: ordinary users first, then the test accounts. */
  readonly users: readonly UserMeta[]
  /** The test accounts (first: without 2FA, second: with 2FA, third: with Premium). */
  readonly accounts: readonly EmulatorAccount[]
  /** Every chat: basic groups, supergroups and channels (docs/emulator.md lists them). */
  readonly chats: readonly ChatMeta[]
  /** Number of ordinary users (the first of `users`). */
  readonly ordinaryUserCount: number
  /** Secret every access hash, file reference and export token is derived from. */
  readonly secret: Buffer
  private readonly byId = new Map<bigint, UserMeta>()
  private readonly byUsername = new Map<string, UserMeta>()
  private readonly byPhone = new Map<string, UserMeta>()
  private readonly chatsById = new Map<bigint, ChatMeta>()
  private readonly chatsByUsername = new Map<string, ChatMeta>()
  private readonly contactsByAccount = new Map<number, readonly ContactMeta[]>()
  private readonly renderer: WorldRenderer
  private readonly truth: GroundTruth

  constructor(options: WorldOptions) {
    this.seed = options.seed
    this.now = options.now ?? DEFAULT_NOW
    this.dcIds = options.dcIds ?? [1, 2, 3, 4, 5]
    if (this.dcIds.length === 0) throw new RangeError('createWorld: dcIds must not be empty')
    this.homeDcId = options.homeDcId ?? (this.dcIds[0] as number)
    this.secret = secrets.worldSecret(options.seed)
    this.renderer = new WorldRenderer({
      seed: this.seed,
      media: options.media ?? defaultMedia,
      fileCacheSize: options.fileCacheSize ?? 64,
      fileCacheBytes: options.fileCacheBytes ?? 32 * 1024 * 1024,
    })
    this.truth = new GroundTruth(this, this.renderer)
    const unique = new PeerUniques(this.secret)
    const seeded = seedUsers(
      {
        seed: this.seed,
        secret: this.secret,
        users: options.users,
        homeDcId: this.homeDcId,
        ...(options.maxPhotosPerUser !== undefined ? { maxPhotosPerUser: options.maxPhotosPerUser } : {}),
      },
      unique,
    )
    this.users = seeded.users
    this.accounts = seeded.accounts
    for (const u of this.users) {
      this.byId.set(u.id, u)
      for (const name of u.usernames) this.byUsername.set(name.toLowerCase(), u)
      if (u.account !== undefined) this.byPhone.set(u.account.phone, u)
    }
    this.ordinaryUserCount = options.users
    // chats are seeded after users, so adding them changes no user's id or username
    const seeding = {
      secret: this.secret,
      now: this.now,
      ordinaryUsers: options.users,
      users: this.users,
      accounts: this.users.filter((u) => u.account !== undefined),
    }
    this.chats = chats.seedChats(seeding, unique)
    for (const c of this.chats) {
      this.chatsById.set(c.id, c)
      if (c.username !== undefined) this.chatsByUsername.set(c.username.toLowerCase(), c)
    }
    for (const a of seeding.accounts) this.contactsByAccount.set(a.index, chats.seedContacts(seeding, a))
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

  // ---- chats, contacts, dialogs -------------------------------------------------------------------------------

  /** A chat (basic group or channel) by id. */
  chatById(id: bigint): ChatMeta | undefined {
    return this.chatsById.get(id)
  }

  /** A public chat by username (case-insensitive). */
  chatByUsername(username: string): ChatMeta | undefined {
    return this.chatsByUsername.get(username.toLowerCase())
  }

  /** Number of members of a chat, test accounts included. */
  memberCount(chat: ChatMeta): number {
    return chats.memberCount(chat)
  }

  /** The member at `position` of a chat's list (newest joined first; 0 ≤ position < {@link memberCount}). */
  memberAt(chat: ChatMeta, position: number): { user: UserMeta; role: ChatRole; date: number } {
    const user = this.users[chats.memberAt(chat, position, this.ordinaryUserCount)] as UserMeta
    return { user, role: chats.roleAt(chat, position), date: chats.joinDate(chat, position) }
  }

  /** Every member of a chat, in list order (materialized: for tests and ground truth, not for serving pages). */
  members(chat: ChatMeta): UserMeta[] {
    const out: UserMeta[] = []
    for (let p = 0; p < chats.memberCount(chat); p++) out.push(this.memberAt(chat, p).user)
    return out
  }

  /** A test account's role in a chat, or undefined when it is not a member. */
  roleOf(chat: ChatMeta, user: UserMeta): ChatRole | undefined {
    return chats.accountRole(chat, user.index)
  }

  /** A test account's contacts (empty for any other user). */
  contactsOf(user: UserMeta): readonly ContactMeta[] {
    return this.contactsByAccount.get(user.index) ?? []
  }

  /** A test account's dialogs, newest first (empty for any other user). */
  dialogsOf(user: UserMeta): chats.DialogMeta[] {
    if (user.account === undefined) return []
    return chats.dialogsOf(this.chats, this.contactsOf(user), user, this.now)
  }

  /** The access hash `viewer` sees for a channel (HMAC of the world secret; differs per viewer). */
  channelAccessHash(viewerUserId: bigint, channelId: bigint): bigint {
    return secrets.channelAccessHash(this.secret, viewerUserId, channelId)
  }

  // ---- secrets -------------------------------------------------------------------------------------------------

  /** The access hash `viewer` sees for `user` (HMAC of the world secret; differs per viewer). */
  accessHash(viewerUserId: bigint, userId: bigint): bigint {
    return secrets.accessHash(this.secret, viewerUserId, userId)
  }

  /** Access hash of a photo or document. */
  fileAccessHash(id: bigint): bigint {
    return secrets.fileAccessHash(this.secret, id)
  }

  /**
   * A file reference issued at `issuedAt` (unix seconds): 1 version byte, 4 bytes issue time, 12 bytes HMAC.
   * {@link fileReferenceIssuedAt} gives the time back when the reference is genuine for that id.
   */
  fileReference(id: bigint, issuedAt: number): Buffer {
    return secrets.fileReference(this.secret, id, issuedAt)
  }

  /** Issue time of a genuine file reference for `id`, or undefined when it is not one. */
  fileReferenceIssuedAt(id: bigint, ref: Buffer): number | undefined {
    return secrets.fileReferenceIssuedAt(this.secret, id, ref)
  }

  // ---- photos and audios ---------------------------------------------------------------------------------------

  /** Id of the user's photo with sequence number `seq` (0 = oldest). */
  photoId(user: UserMeta, seq: number): bigint {
    return composeId(PHOTO_ID_BASE, user.index, seq)
  }

  /** The user's photo at position `position` of the newest-first list. */
  photoAt(user: UserMeta, position: number): PhotoMeta {
    return this.photo(user, user.photoCount - 1 - position)
  }

  /** A photo by its owner and sequence number (0 = oldest). */
  photo(user: UserMeta, seq: number): PhotoMeta {
    return derivePhoto(this, user, seq)
  }

  /** Finds a photo by id (undefined if no such photo exists). */
  photoById(id: bigint): PhotoMeta | undefined {
    return photoById(this, id)
  }

  /** The user's audio at profile position `position` (0 = first shown). */
  audio(user: UserMeta, position: number): AudioMeta {
    return deriveAudio(this, user, position)
  }

  /** Finds an audio document by id. */
  audioById(id: bigint): AudioMeta | undefined {
    return audioById(this, id)
  }

  // ---- bytes ---------------------------------------------------------------------------------------------------

  /**
   * Renders every base file once (JPEG classes, stripped thumbs, MP4s), so the first RPCs after startup do not pay
   * for it. Optional: everything is also rendered on first use.
   */
  prepareMedia(): void {
    this.renderer.prepareMedia()
  }

  /** Byte length of one photo size file (renders only the cached base). */
  photoSizeLength(photo: PhotoMeta, size: PhotoSizeMeta): number {
    return this.renderer.photoSizeLength(photo, size)
  }

  /** `photoSizeProgressive` byte offsets of a size's file (shifted by the tag). */
  photoSizeScanEnds(photo: PhotoMeta, size: PhotoSizeMeta): number[] {
    return this.renderer.photoSizeScanEnds(photo, size)
  }

  /** The stripped thumbnail (`i`) of a photo. */
  strippedThumb(photo: PhotoMeta): Buffer {
    return this.renderer.strippedThumb(photo)
  }

  /** Byte length of a video avatar. */
  videoLength(photo: PhotoMeta): number {
    return this.renderer.videoLength(photo)
  }

  /** Byte length of an audio file (rendered once, then remembered). */
  audioLength(audio: AudioMeta): number {
    return this.renderer.audioLength(audio)
  }

  /** Bytes of a photo size. */
  photoSizeBytes(photo: PhotoMeta, size: PhotoSizeMeta): Buffer {
    return this.renderer.photoSizeBytes(photo, size)
  }

  /** Bytes of a video avatar. */
  videoBytes(photo: PhotoMeta): Buffer {
    return this.renderer.videoBytes(photo)
  }

  /** Bytes of an audio. */
  audioBytes(audio: AudioMeta): Buffer {
    return this.renderer.audioBytes(audio)
  }

  // ---- ground truth --------------------------------------------------------------------------------------------

  /** Ground truth of one photo. */
  photoToFile(photo: PhotoMeta): WorldPhoto {
    return this.truth.photoToFile(photo)
  }

  /** Ground truth of one user (renders every file of the user to hash it). */
  userToFile(user: UserMeta): WorldUser {
    return this.truth.userToFile(user)
  }

  /** Ground truth of one chat: its members' ids in list order, its admins (the creator first). */
  chatToFile(chat: ChatMeta): WorldChat {
    return this.truth.chatToFile(chat)
  }

  /** The whole ground truth (renders and hashes every file: slow for big worlds, fine when asked). */
  toFile(): WorldFile {
    return this.truth.toFile()
  }

  /**
   * Writes {@link toFile} as JSON, one user at a time (a 10 000-user world never sits in memory as one string).
   * The result parses to exactly `toFile()`.
   */
  writeWorldFile(path: string): Promise<void> {
    return this.truth.writeWorldFile(path)
  }
}

/** Creates the world for a seed. */
export function createWorld(options: WorldOptions): World {
  return new World(options)
}
