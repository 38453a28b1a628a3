/** The options of the bulk archiver's one entry point, {@link archiveProfiles}. */
import type { EntityCache } from '../client/entity-cache.js'
import type { Clock } from './clock.js'
import type { ArchiveEvent, ArchiveSources } from './types.js'
// For the {@link archiveProfiles} links only.
import type { archiveProfiles } from './run.js'

/** Options of {@link archiveProfiles}. */
export interface ArchiveOptions {
  /** The archive folder. Required. */
  out: string
  /** Which photo sizes to keep: the largest of each photo, or every size. Default `largest`. */
  sizes?: 'largest' | 'all'
  /** Keep video avatars (the largest video size, or all with `sizes: 'all'`). Default true. */
  videos?: boolean
  /** Keep profile audios. Default false. */
  audios?: boolean
  /** Users archived at the same time, and downloads in flight at most. Default 8. */
  concurrency?: number
  /**
   * Longest flood wait (seconds) sat out. A longer one holds up only the users that need that method: they are left
   * waiting (in `waiting.ndjson`, taken first by the next run) while the run goes on with the others. Default 300.
   */
  maxFloodWait?: number
  /**
   * Sit out every flood wait instead, however long, once everything that needs no waiting method is done: the run
   * finishes by itself. Default false.
   */
  wait?: boolean
  /** Users from chats' members and the contacts, archived before `users`, with no resolve. Default: none. */
  sources?: ArchiveSources
  /** Told about progress. Default: nothing. */
  onEvent?: (event: ArchiveEvent) => void
  /** Time source (flood waits, backoff). Default: the system clock. */
  clock?: Clock
  /** Aborting stops the run after the files in flight (no new user or file is started). */
  signal?: AbortSignal
  /** Entity cache used to resolve users. Default: the one attached to the client. */
  cache?: EntityCache
  /** Retries of one RPC after network errors and 5xx answers. Default 8. */
  maxRetries?: number
  /**
   * An RPC without an answer after this many milliseconds counts as a network failure and is sent again (GramJS can
   * leave a request pending forever when its connection drops at the wrong moment). Default 30000.
   */
  rpcTimeoutMs?: number
  /**
   * Keep the process's memory flat over a long run (see `src/archive/memory.ts`): V8's young generation is kept at its
   * current size (`--semi-space-growth-factor=1`), and a full collection is started, without blocking, when Buffers
   * exceed 16 MiB (looked at every 4 MiB written), instead of V8's own ~64 MiB of dead Buffers. Both are process-wide
   * V8 settings; they cost CPU (about 15% more at 500 users). Also, each user is removed from GramJS's own entity
   * caches once archived (`client._entityCache` and the session's entity rows, which GramJS never empties): the
   * `cache` keeps the user's access hash, but `client.getInputEntity` no longer finds the user without asking
   * Telegram. Set `false` in a host process that tunes V8 itself or relies on those caches, or when CPU matters more
   * than memory. Default true.
   */
  leanMemory?: boolean
}
