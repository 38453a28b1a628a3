/**
 * tg-profile: Bot API answers about user profiles from a logged-in Telegram user account over MTProto.
 *
 * This entry point is the library's public surface: the operations, the bulk archiver, the Bot API types and their
 * pure mappers, and the error classes. Tuning knobs, the entity cache, multi-DC session keys, the TL additions and
 * the spec constants are under `tg-profile/advanced`; the loopback emulator under `tg-profile/emulator`.
 *
 * @packageDocumentation
 */

// GramJS 2.26 leaves requests unsettled forever in cases real Telegram triggers (an rpc_error inside a
// msg_container; transport error -404 for an unknown auth key; a reconnect that drops queued requests):
// importing tg-profile patches them before any client connects. Import tg-profile before creating your client.
import './gramjs/installed.js'

// Operations (client first, options last).
export {
  getUserProfilePhotos,
  iterUserProfilePhotos,
  getUserProfileAudios,
  resolveUser,
  resolveChat,
  iterChatMembers,
  getContacts,
  fileIdToLocation,
  downloadFile,
  findFileId,
  withFreshFileReference,
} from './methods/index.js'
export type {
  GetUserProfilePhotosParams,
  GetUserProfilePhotosOptions,
  IterUserProfilePhotosOptions,
  ProfilePhotoItem,
  GetUserProfileAudiosParams,
  GetUserProfileAudiosOptions,
  ResolveUserOptions,
  ResolvedUser,
  ResolveChatOptions,
  ResolvedChat,
  IterChatMembersOptions,
  GetContactsOptions,
  FileLocation,
  DownloadFileOptions,
  DownloadFileStreamOptions,
  FreshReferenceOptions,
  FreshReferenceResult,
  UserArgument,
  ChatArgument,
} from './methods/index.js'
export type { ProfileClient } from './client/invoke.js'
export { DEFAULT_TIMEOUT_MS } from './client/deadline.js'
export type { CallOptions } from './client/deadline.js'

// The bulk archiver (list → plan → save → manifest; crash-safe and incremental).
export { archiveProfiles } from './archive/archive.js'
export type { ArchiveOptions } from './archive/archive.js'
export type {
  ArchiveEvent,
  ArchiveSummary,
  FileRecord,
  GoneRecord,
  BackRecord,
  UserFailedRecord,
  UserRecord,
  SourceFailedRecord,
  ManifestRecord,
  UserCounts,
  WaitingUser,
  ArchiveSources,
} from './archive/types.js'

// The archive's static HTML gallery (`tg-profile gallery`), built from its manifest.
export { buildGallery } from './gallery/index.js'
export type { GalleryOptions, GallerySummary, WriteStats } from './gallery/index.js'

// The Bot-API-compatible HTTP endpoint (`tg-profile serve`).
export { startServer, loadServeToken, tokenPathFor } from './serve/index.js'
export type { ServeOptions, RunningServer, LoadServeTokenOptions, ServeToken } from './serve/index.js'

// Bot API types and the pure mappers.
export type { PhotoSize, UserProfilePhotos, Audio, UserProfileAudios, ProfileVideoSize } from './botapi/types.js'
export { toPhotoSizes, toProfileVideoSizes, toUserProfilePhotos } from './botapi/photo.js'
export { toAudio, toUserProfileAudios } from './botapi/audio.js'
export {
  photoSizeFileId,
  photoSizeUniqueId,
  audioFileId,
  documentUniqueId,
  documentThumbnailFileId,
  documentThumbnailUniqueId,
  parseProfileFileId,
} from './botapi/file-id.js'
export type { ParsedFileId, PhotoRef, DocumentRef } from './botapi/file-id.js'

// Errors: one root, one translation point.
export {
  TgProfileError,
  BotApiError,
  NetworkError,
  TimeoutError,
  ConfigError,
  SessionFileError,
  NotLoggedInError,
  LoginError,
  ArchiveLockedError,
  toBotApiError,
  isFileReferenceError,
  FILE_REFERENCE_HINT,
} from './errors/index.js'
export type { BotApiErrorEnvelope, BotApiErrorOptions, ResponseParameters, TranslatedError } from './errors/index.js'
