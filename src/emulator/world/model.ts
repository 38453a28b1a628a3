/**
 * What the world knows about its objects, without bytes: users, photos and their sizes, audios, and the files the
 * emulator serves. Every module under `world/` speaks these shapes, and the RPC layer reads them through the
 * {@link World} facade, so they live apart from any one module that makes them.
 */
import type { EmulatorAccount } from '../../spec/emulator-connection.js'

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

/** What a chat is: a basic group, a supergroup (megagroup) or a broadcast channel. */
export type ChatKind = 'group' | 'supergroup' | 'channel'

/** A member's standing in a chat. */
export type ChatRole = 'creator' | 'admin' | 'member'

/**
 * A chat as the world keeps it: a few numbers, never a member list. Its members are the test accounts of
 * `accounts` (listed first, in that order) followed by `userCount` ordinary users, the `k`th being the user at index
 * `(firstUser + k * stride) mod <ordinary users>` (`stride` is coprime to that number, so no user comes twice). The
 * list is the `channelParticipantsRecent` order: newest joined first.
 */
export interface ChatMeta {
  /** Position in `World.chats`. */
  readonly index: number
  readonly id: bigint
  readonly kind: ChatKind
  readonly title: string
  /** The public username; undefined for a private chat (basic groups are always private). */
  readonly username: string | undefined
  /** Creation date (unix seconds). */
  readonly date: number
  /** `participants_hidden`: only admins may list the members. */
  readonly membersHidden: boolean
  /** Test accounts that are members, by user index, with their roles. */
  readonly accounts: readonly { readonly userIndex: number; readonly role: ChatRole }[]
  /** Number of ordinary users among the members. */
  readonly userCount: number
  readonly firstUser: number
  readonly stride: number
}

/** A contact of a test account. */
export interface ContactMeta {
  /** Index of the contact's user. */
  readonly userIndex: number
  /** Whether the contact has the account in its contacts too. */
  readonly mutual: boolean
}
