/**
 * Where the archiver puts things under `out`: one folder per numeric user id, files named by Telegram ids only.
 *
 * Security: every path component is derived from a number Telegram gave us (user id, photo/document id) or a
 * single size letter, checked against a strict pattern here. A username, a file name or a mime type never shapes
 * a path, except that an audio's extension is taken from its file name when it is short and alphanumeric.
 */
import { posix } from 'node:path'

/** The manifest's file name, directly under `out`. */
export const MANIFEST_FILE = 'manifest.ndjson'

/** The users a run left for later (a method they need under a long flood wait), directly under `out`. */
export const WAITING_FILE = 'waiting.ndjson'

/** The lock file that keeps two runs out of the same `out` folder. */
export const LOCK_FILE = '.tg-profile-archive.lock'

/** Suffix of in-progress downloads; anything ending in it is ours and is swept on start. */
export const PARTIAL_SUFFIX = '.tgp-partial'

const USER_ID = /^[1-9][0-9]{0,19}$/
const LONG_ID = /^-?[0-9]{1,20}$/
const SIZE_LETTER = /^[a-z]$/
const EXTENSION = /^[a-z0-9]{1,10}$/

// Mime types Telegram uses for profile audios, when the file name has no usable extension.
const AUDIO_EXTENSIONS: Readonly<Record<string, string>> = {
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/aac': 'aac',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
}

function check(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new TypeError(`archive layout: invalid ${what} ${JSON.stringify(value)}`)
  return value
}

/** The folder (relative to `out`) of a user: the numeric user id, nothing else. */
export function userDirName(userId: number | bigint | string): string {
  return check(String(userId), USER_ID, 'user id')
}

/** `<photo_id>_<letter>.jpg` for photo sizes, `.mp4` for video sizes. */
export function photoFileName(photoId: string, letter: string, video: boolean): string {
  check(photoId, LONG_ID, 'photo id')
  check(letter, SIZE_LETTER, 'size letter')
  return `${photoId}_${letter}.${video ? 'mp4' : 'jpg'}`
}

/**
 * The real extension of an audio: from its file name when that ends in a short alphanumeric extension, else from
 * its mime type, else `bin`.
 */
export function audioExtension(fileName: string | undefined, mimeType: string | undefined): string {
  const dot = fileName === undefined ? -1 : fileName.lastIndexOf('.')
  if (fileName !== undefined && dot > 0) {
    const ext = fileName.slice(dot + 1).toLowerCase()
    if (EXTENSION.test(ext)) return ext
  }
  const byMime = mimeType === undefined ? undefined : AUDIO_EXTENSIONS[mimeType.toLowerCase()]
  return byMime ?? 'bin'
}

/** `<document_id>.<real ext>`. */
export function audioFileName(documentId: string, fileName: string | undefined, mimeType: string | undefined): string {
  check(documentId, LONG_ID, 'document id')
  return `${documentId}.${audioExtension(fileName, mimeType)}`
}

/** The relative (posix, `/`-separated) path of a file of a user, as the manifest records it. */
export function relativePath(userId: number | bigint | string, fileName: string): string {
  return posix.join(userDirName(userId), fileName)
}

/** The temporary name a download is written under before its atomic rename (same folder). */
export function partialName(fileName: string): string {
  return `.${fileName}${PARTIAL_SUFFIX}`
}

/** Whether a directory entry is one of our partial downloads (swept on start). */
export function isPartialName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(PARTIAL_SUFFIX) && name.length > PARTIAL_SUFFIX.length + 1
}

/** Whether a directory entry under `out` is a user folder. */
export function isUserDirName(name: string): boolean {
  return USER_ID.test(name)
}
