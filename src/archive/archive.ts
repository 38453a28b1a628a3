/** The bulk archiver's public entry: {@link archiveProfiles} (wired in `run.ts`) and its options. */
export { archiveProfiles } from './run.js'
export type { ArchiveOptions } from './options.js'
