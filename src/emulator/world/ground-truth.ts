/**
 * The world's ground truth in world-file.ts's format: every user, photo, size and file, every chat's members, with the byte length and
 * sha256 of every file the emulator serves, for tests and the benchmark to compare downloads against. Hashes are
 * cached by file key, and a video avatar is hashed from its base's hash state, so exporting a big world renders each
 * file at most once.
 */
import { createHash, type Hash } from 'node:crypto'
import { open } from 'node:fs/promises'
import type {
  WorldAudio,
  WorldChat,
  WorldContacts,
  WorldFile,
  WorldFileEntry,
  WorldPhoto,
  WorldPhotoSize,
  WorldUser,
  WorldVideoSize,
} from '../world-file.js'
import { Lru } from './lru.js'
import type { AudioMeta, ChatMeta, ChatRole, ContactMeta, PhotoMeta, UserMeta } from './model.js'
import { VIDEO_SIZE } from './profile-media.js'
import { audioFileKey, photoFileKey, videoFileKey, type WorldRenderer } from './rendering.js'

/** What the ground truth is exported from. */
export interface GroundTruthSource {
  readonly seed: number
  readonly users: readonly UserMeta[]
  /** The user's photo at position `position` of the newest-first list. */
  photoAt(user: UserMeta, position: number): PhotoMeta
  /** The user's audio at profile position `position`. */
  audio(user: UserMeta, position: number): AudioMeta
  readonly chats: readonly ChatMeta[]
  memberCount(chat: ChatMeta): number
  memberAt(chat: ChatMeta, position: number): { user: UserMeta; role: ChatRole }
  contactsOf(user: UserMeta): readonly ContactMeta[]
}

function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex')
}

/** Exports the ground truth of a world, remembering file hashes between calls. */
export class GroundTruth {
  private readonly shaCache = new Lru<string>(4096)
  private readonly hashStates = new Map<string, Hash>()

  constructor(
    private readonly world: GroundTruthSource,
    private readonly renderer: WorldRenderer,
  ) {}

  /** Ground truth of one photo. */
  photoToFile(photo: PhotoMeta): WorldPhoto {
    const r = this.renderer
    const stripped = r.strippedThumb(photo)
    const sizes: WorldPhotoSize[] = [
      { type: 'i', w: 0, h: 0, bytes: stripped.length, sha256: sha256Hex(stripped), stripped: true },
    ]
    for (const s of photo.sizes) {
      const e = this.entry(
        photoFileKey(photo, s),
        () => r.photoSizeLength(photo, s),
        () => r.photoSizeBytes(photo, s),
      )
      sizes.push({ type: s.type, w: s.w, h: s.h, ...e, ...(s.progressive ? { progressive: r.photoSizeScanEnds(photo, s) } : {}) })
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
    for (let p = 0; p < user.photoCount; p++) photos.push(this.photoToFile(this.world.photoAt(user, p)))
    const audios: WorldAudio[] = []
    for (let k = 0; k < user.audioCount; k++) {
      const a = this.world.audio(user, k)
      const e = this.entry(
        audioFileKey(a),
        () => this.renderer.audioLength(a),
        () => this.renderer.audioBytes(a),
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

  /** Ground truth of one chat. */
  chatToFile(chat: ChatMeta): WorldChat {
    const members: number[] = []
    const creator: number[] = []
    const admins: number[] = []
    for (let p = 0; p < this.world.memberCount(chat); p++) {
      const m = this.world.memberAt(chat, p)
      members.push(Number(m.user.id))
      if (m.role === 'creator') creator.push(Number(m.user.id))
      else if (m.role === 'admin') admins.push(Number(m.user.id))
    }
    return {
      id: Number(chat.id),
      kind: chat.kind,
      title: chat.title,
      ...(chat.username !== undefined ? { username: chat.username } : {}),
      membersHidden: chat.membersHidden,
      members,
      admins: [...creator, ...admins],
    }
  }

  /** Every test account's contacts. */
  contactsToFile(): WorldContacts[] {
    return this.world.users
      .filter((u) => u.account !== undefined)
      .map((u) => ({
        account: Number(u.id),
        users: this.world.contactsOf(u).map((c) => Number((this.world.users[c.userIndex] as UserMeta).id)),
      }))
  }

  /** The whole ground truth (renders and hashes every file: slow for big worlds, fine when asked). */
  toFile(): WorldFile {
    return {
      version: 1,
      seed: this.world.seed,
      users: this.world.users.map((u) => this.userToFile(u)),
      chats: this.world.chats.map((c) => this.chatToFile(c)),
      contacts: this.contactsToFile(),
    }
  }

  /** Writes {@link toFile} as JSON, one user at a time, so a big world never sits in memory as one string. */
  async writeWorldFile(path: string): Promise<void> {
    const file = await open(path, 'w')
    try {
      await file.write(`{"version":1,"seed":${JSON.stringify(this.world.seed)},"users":[`)
      for (const [i, user] of this.world.users.entries()) {
        await file.write(`${i === 0 ? '' : ','}\n${JSON.stringify(this.userToFile(user))}`)
      }
      await file.write('],\n"chats":[')
      for (const [i, chat] of this.world.chats.entries()) {
        await file.write(`${i === 0 ? '' : ','}\n${JSON.stringify(this.chatToFile(chat))}`)
      }
      await file.write(`],\n"contacts":${JSON.stringify(this.contactsToFile())}}\n`)
    } finally {
      await file.close()
    }
  }

  /**
   * Length and sha256 of a video avatar without hashing the whole file: the media module's tag box is appended
   * after the untouched base, so the hash continues from the base's hash state (checked against the bytes).
   */
  private videoEntry(photo: PhotoMeta): WorldFileEntry {
    const base = this.renderer.videoBase(photo)
    const tagged = this.renderer.renderVideo(photo)
    if (!tagged.subarray(0, base.bytes.length).equals(base.bytes)) {
      return this.entry(videoFileKey(photo), () => tagged.length, () => tagged)
    }
    let state = this.hashStates.get(base.key)
    if (state === undefined) {
      state = createHash('sha256').update(base.bytes)
      this.hashStates.set(base.key, state)
    }
    return { bytes: tagged.length, sha256: state.copy().update(tagged.subarray(base.bytes.length)).digest('hex') }
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
}
