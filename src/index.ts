/**
 * tg-profile: Bot API answers about user profiles from a logged-in Telegram user account over MTProto.
 *
 * @packageDocumentation
 */

// GramJS 2.26 leaves requests unsettled forever in two cases real Telegram triggers (an rpc_error inside a
// msg_container; transport error -404 for an unknown auth key);
// importing tg-profile patches both before any client connects. Import tg-profile before creating your client.
import './client/gramjs-fixes.js'

// Library methods (client first, options last).
export {
  getUserProfilePhotos,
  iterUserProfilePhotos,
  getUserProfileAudios,
  resolveUser,
  fileIdToLocation,
  downloadFile,
  partCount,
  fetchUserPhotosPage,
  parseUserArgument,
  isValidUsername,
  normalizeLimit,
  normalizeOffset,
  normalizeMaxId,
  MAX_LIMIT,
  MAX_PART_SIZE,
  PART_ALIGNMENT,
  FILE_REFERENCE_HINT,
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
  FileLocation,
  DownloadFileOptions,
  DownloadFileStreamOptions,
  UserArgument,
  ParsedUser,
} from './methods/index.js'

// Client plumbing: the entity cache and the client surface the methods need.
export {
  EntityCache,
  attachEntityCache,
  getEntityCache,
  entityCachePathFor,
  rememberUsers,
} from './client/entity-cache.js'
export type { CachedUser, EntityCacheOptions } from './client/entity-cache.js'
export type { ProfileClient } from './client/invoke.js'
export { DEFAULT_TIMEOUT_MS } from './client/deadline.js'
export type { CallOptions } from './client/deadline.js'
export { MultiDcSession, attachDcKeys, loadDcKeys, saveDcKeys, dcKeysPathFor } from './client/dc-keys.js'

// The bulk archiver (plan → list → download → manifest; crash-safe and incremental).
export { archiveProfiles } from './archive/archive.js'
export { keepYoungGenerationSmall } from './archive/memory.js'
export { installGramjsSpeedups } from './archive/gramjs-speedups.js'
export type { ArchiveOptions } from './archive/archive.js'
export type {
  ArchiveEvent,
  ArchiveSummary,
  FileRecord,
  GoneRecord,
  BackRecord,
  UserFailedRecord,
  ManifestRecord,
  UserCounts,
} from './archive/types.js'

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
  toBotApiError,
  DESCRIPTIONS,
  USER_NOT_CACHED_HINT,
  tooManyRequests,
} from './errors/index.js'
export type { BotApiErrorEnvelope, BotApiErrorOptions, ResponseParameters, TranslatedError } from './errors/index.js'

// TL combinators newer than GramJS's bundled layer.
export { GetSavedMusic, SavedMusic, SavedMusicNotModified, registerTl, REGISTERED_LAYER } from './tl/index.js'
export type { GetSavedMusicArgs, TypeSavedMusic } from './tl/index.js'
