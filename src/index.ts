/**
 * tg-profile: Bot API answers about user profiles from a logged-in Telegram user account over MTProto.
 *
 * @packageDocumentation
 */
export { GetSavedMusic, SavedMusic, SavedMusicNotModified, registerTl, REGISTERED_LAYER } from './tl/index.js'
export type { GetSavedMusicArgs, TypeSavedMusic } from './tl/index.js'
