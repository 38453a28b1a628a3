/**
 * Bot API object shapes, exactly as telegram-bot-api prints them (key order included).
 *
 * @see https://core.telegram.org/bots/api#available-types
 */

/**
 * One size of a photo or a file / sticker thumbnail.
 *
 * Key order is the Bot API's: `file_id`, `file_unique_id`, `file_size` (only when known and non-zero), `width`,
 * `height`.
 *
 * @see https://core.telegram.org/bots/api#photosize
 */
export interface PhotoSize {
  /** Identifier for this file, which can be used to download or reuse the file. */
  file_id: string
  /** Unique identifier for this file, the same over time and for different accounts; can't be used to download. */
  file_unique_id: string
  /** Optional. File size in bytes. */
  file_size?: number
  /** Photo width. */
  width: number
  /** Photo height. */
  height: number
}

/**
 * A user's profile pictures.
 *
 * @see https://core.telegram.org/bots/api#userprofilephotos
 */
export interface UserProfilePhotos {
  /** Total number of profile pictures the target user has (not the length of this page). */
  total_count: number
  /** Requested profile pictures, each in up to 4 sizes, smallest first. */
  photos: PhotoSize[][]
}

/**
 * An audio file to be treated as music by the Telegram clients.
 *
 * Key order is the one telegram-bot-api prints: `duration`, `file_name`, `mime_type`, `title`, `performer`,
 * `thumbnail`, `file_id`, `file_unique_id`, `file_size`; optional fields are omitted when empty.
 *
 * @see https://core.telegram.org/bots/api#audio
 */
export interface Audio {
  /** Duration of the audio in seconds as defined by the sender. */
  duration: number
  /** Optional. Original filename as defined by the sender. */
  file_name?: string
  /** Optional. MIME type of the file as defined by the sender. */
  mime_type?: string
  /** Optional. Title of the audio as defined by the sender or by audio tags. */
  title?: string
  /** Optional. Performer of the audio as defined by the sender or by audio tags. */
  performer?: string
  /** Optional. Thumbnail of the album cover to which the music file belongs. */
  thumbnail?: PhotoSize
  /** Identifier for this file, which can be used to download or reuse the file. */
  file_id: string
  /** Unique identifier for this file, the same over time and for different accounts; can't be used to download. */
  file_unique_id: string
  /** Optional. File size in bytes. */
  file_size?: number
}

/**
 * The audios displayed on a user's profile (Bot API 9.4).
 *
 * @see https://core.telegram.org/bots/api#userprofileaudios
 */
export interface UserProfileAudios {
  /** Total number of profile audios of the target user (not the length of this page). */
  total_count: number
  /** Requested profile audios. */
  audios: Audio[]
}

/**
 * One animated (video) size of a profile photo. Not part of the Bot API (which hides animated profile photos from
 * `getUserProfilePhotos`), kept for archival use; ids use the same TDLib format as {@link PhotoSize}.
 */
export interface ProfileVideoSize {
  /** Size letter from MTProto `videoSize.type` (`u` or `v` for profile videos). */
  type: string
  /** TDLib persistent file id (file type Photo, thumbnail source with this size letter). */
  file_id: string
  /** TDLib unique file id of this size. */
  file_unique_id: string
  /** File size in bytes, omitted when unknown. */
  file_size?: number
  /** Video width. */
  width: number
  /** Video height. */
  height: number
  /** Timestamp (seconds) of the frame to use as the still image, when the server gives one. */
  video_start_ts?: number
}
