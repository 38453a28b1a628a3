/**
 * The ground truth of an emulated world, as written by `--world-file W` and returned by `startEmulator().world`'s
 * `toFile()`: every user, photo, size and file, every chat with its members, the test accounts' contacts, with the byte length and sha256 of every file the emulator serves.
 * Tests and the benchmark compare downloads against it. Ids that may exceed 2^53 are decimal strings.
 */

/** One downloadable file (a photo size, a video size, an audio, a thumbnail). */
export interface WorldFileEntry {
  /** Byte length of the file. */
  readonly bytes: number
  /** sha256 of the file, lowercase hex. */
  readonly sha256: string
}

/** One size of a photo: `type` is the MTProto size letter (`a`, `b`, `c`, `x`, `y`, `w`…, `i` for stripped). */
export interface WorldPhotoSize extends WorldFileEntry {
  readonly type: string
  readonly w: number
  readonly h: number
  /** `photoSizeProgressive` steps (byte offsets where each progressive scan ends), when progressive. */
  readonly progressive?: readonly number[]
  /** true for the stripped thumbnail (`i`), which is inlined in the photo and never downloaded. */
  readonly stripped?: true
}

/** A video size of an animated profile photo (type `u`). */
export interface WorldVideoSize extends WorldFileEntry {
  readonly type: string
  readonly w: number
  readonly h: number
  readonly videoStartTs?: number
}

/** A profile photo (static or animated): its id as a decimal string, upload date, DC and sizes. */
export interface WorldPhoto {
  readonly id: string
  readonly date: number
  readonly dcId: number
  readonly sizes: readonly WorldPhotoSize[]
  readonly videoSizes: readonly WorldVideoSize[]
}

/** A song on a user's profile (`users.getSavedMusic`), with its document id as a decimal string. */
export interface WorldAudio extends WorldFileEntry {
  readonly id: string
  readonly date: number
  readonly dcId: number
  readonly mimeType: string
  readonly fileName: string
  readonly duration: number
  readonly performer: string
  readonly title: string
}

/** A user of the world: names, usernames, profile photos (newest first) and profile audios (profile order). */
export interface WorldUser {
  readonly id: number
  readonly firstName: string
  readonly lastName?: string
  /** Usernames, the first being the main one; empty when the user has none. */
  readonly usernames: readonly string[]
  readonly deactivated: boolean
  /** true for a test account (the ones in the connection file). */
  readonly account?: true
  /** Profile photos, newest first (the order `photos.getUserPhotos` lists them). */
  readonly photos: readonly WorldPhoto[]
  /** Profile audios in profile order. */
  readonly audios: readonly WorldAudio[]
}

/**
 * A chat of the world: a basic group (`group`), a supergroup or a broadcast channel, with every member's user id in
 * the order `channels.getParticipants` (`channelParticipantsRecent`) and `messages.getFullChat` list them.
 */
export interface WorldChat {
  readonly id: number
  readonly kind: 'group' | 'supergroup' | 'channel'
  readonly title: string
  /** The public username, when the chat has one. */
  readonly username?: string
  /** true when only admins may list the members (`participants_hidden`). */
  readonly membersHidden: boolean
  /** Every member's user id, in list order (test accounts first). */
  readonly members: readonly number[]
  /** The creator's and the admins' user ids, the creator first. */
  readonly admins: readonly number[]
}

/** A test account's contacts (`contacts.getContacts`), in the order they are listed. */
export interface WorldContacts {
  /** The account's user id. */
  readonly account: number
  readonly users: readonly number[]
}

/** Contents of the world file (JSON). */
export interface WorldFile {
  readonly version: 1
  readonly seed: number
  readonly users: readonly WorldUser[]
  readonly chats: readonly WorldChat[]
  readonly contacts: readonly WorldContacts[]
}
