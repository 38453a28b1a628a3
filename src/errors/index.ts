/** The error classes and the one translation table. */
export { TgProfileError } from './tg-profile-error.js'
export { BotApiError } from './bot-api-error.js'
export type { BotApiErrorEnvelope, BotApiErrorOptions, ResponseParameters } from './bot-api-error.js'
export { NetworkError } from './network-error.js'
export { TimeoutError } from './timeout-error.js'
export { toBotApiError } from './to-bot-api-error.js'
export type { TranslatedError } from './to-bot-api-error.js'
export {
  DESCRIPTIONS,
  UNAUTHORIZED_ERRORS,
  USER_NOT_CACHED_HINT,
  USER_NOT_FOUND_ERRORS,
  tooManyRequests,
} from './descriptions.js'
export { FILE_REFERENCE_HINT, isFileReferenceError } from './file-reference.js'
export { ArchiveLockedError, ConfigError, LoginError, NotLoggedInError, SessionFileError } from './usage-errors.js'
