/** The library operations, one per file. */
export { getUserProfilePhotos, fetchUserPhotosPage } from './get-user-profile-photos.js'
export type { GetUserProfilePhotosParams, GetUserProfilePhotosOptions } from './get-user-profile-photos.js'
export { iterUserProfilePhotos } from './iter-user-profile-photos.js'
export type { IterUserProfilePhotosOptions, ProfilePhotoItem } from './iter-user-profile-photos.js'
export { getUserProfileAudios } from './get-user-profile-audios.js'
export type { GetUserProfileAudiosParams, GetUserProfileAudiosOptions } from './get-user-profile-audios.js'
export { resolveUser, resolveParsedUser } from './resolve-user.js'
export type { ResolveUserOptions, ResolvedUser } from './resolve-user.js'
export { resolveChat } from './resolve-chat.js'
export type { ResolveChatOptions, ResolvedChat } from './resolve-chat.js'
export { iterChatMembers } from './iter-chat-members.js'
export type { IterChatMembersOptions } from './iter-chat-members.js'
export { getContacts } from './get-contacts.js'
export type { GetContactsOptions } from './get-contacts.js'
export { fileIdToLocation } from './file-location.js'
export type { FileLocation } from './file-location.js'
export { downloadFile, partCount, MAX_PART_SIZE, PART_ALIGNMENT } from './download-file.js'
export { FILE_REFERENCE_HINT } from '../errors/index.js'
export type { DownloadFileOptions, DownloadFileStreamOptions } from './download-file.js'
export {
  parseUserArgument,
  parseChatArgument,
  isValidUsername,
  normalizeLimit,
  normalizeOffset,
  normalizeMaxId,
  MAX_LIMIT,
  MIN_USERNAME_LENGTH,
  MAX_USERNAME_LENGTH,
} from './normalize.js'
export type { UserArgument, ParsedUser, ChatArgument, ParsedChat } from './normalize.js'
export { findFileId, withFreshFileReference } from './refresh-file-id.js'
export type { FreshReferenceOptions, FreshReferenceResult } from './refresh-file-id.js'
export { checkUserProfilePhotosParams, checkUserProfileAudiosParams } from './check-params.js'
export type { CheckedPageParams } from './check-params.js'
