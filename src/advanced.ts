/**
 * tg-profile/advanced: what a caller needs to tune tg-profile or to build on its plumbing, kept apart from the
 * everyday surface in `tg-profile`: the entity cache and multi-DC session keys, process-wide speed and memory knobs,
 * the TL combinators newer than GramJS's bundled layer, argument normalizers and the spec constants they enforce,
 * and the error description table.
 *
 * @packageDocumentation
 */
import './gramjs/installed.js'

// Argument normalizers and the limits they enforce.
export {
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
} from './methods/index.js'
export type { ParsedUser } from './methods/index.js'

// Client plumbing: the entity cache (usernames → access hashes) and the other DCs' authorization keys.
export {
  EntityCache,
  attachEntityCache,
  getEntityCache,
  entityCachePathFor,
  rememberUsers,
} from './client/entity-cache.js'
export type { CachedUser, EntityCacheOptions } from './client/entity-cache.js'
export { MultiDcSession, attachDcKeys, loadDcKeys, saveDcKeys, dcKeysPathFor } from './client/dc-keys.js'

// Process-wide knobs a long archive run benefits from (see docs/internals.md).
export { keepYoungGenerationSmall } from './archive/memory.js'
// The GramJS fixes and speedups, version-checked (importing tg-profile already applies them; see docs/internals.md).
export { install as installGramjsSpeedups } from './gramjs/install.js'

// The error description table behind every Bot API error text.
export { DESCRIPTIONS, USER_NOT_CACHED_HINT, tooManyRequests } from './errors/index.js'

// TL combinators newer than GramJS's bundled layer.
export { GetSavedMusic, SavedMusic, SavedMusicNotModified, registerTl, REGISTERED_LAYER } from './tl/index.js'
export type { GetSavedMusicArgs, TypeSavedMusic } from './tl/index.js'
