/**
 * What every stage of a run shares: the gated client, the manifest, the download slots, the events, and how a
 * failure is reported. Built once by `run.ts`.
 */
import type { EntityCache } from '../client/entity-cache.js'
import { BotApiError, toBotApiError } from '../errors/index.js'
import type { Clock } from './clock.js'
import { methodWaitingIn, type FloodGate } from './flood-gate.js'
import type { GatedClient, Limit } from './gated-client.js'
import type { Manifest } from './manifest.js'
import type { MemoryPacer } from './memory.js'
import type { WaitingList } from './waiting.js'
import type { DcSlots } from './dc-limits.js'
import type { ArchiveEvent, BotApiErrorJson } from './types.js'

/** Which files a run keeps (`ArchiveOptions.sizes`, `videos`, `audios` with their defaults applied). */
export interface Selection {
  readonly sizes: 'largest' | 'all'
  readonly videos: boolean
  readonly audios: boolean
}

/** One run's shared state. */
export interface RunContext {
  /** The archive folder. */
  readonly out: string
  readonly manifest: Manifest
  readonly gate: FloodGate
  readonly gated: GatedClient
  readonly cache: EntityCache
  readonly clock: Clock
  readonly selection: Selection
  /** `upload.getFile` requests in flight at most: `concurrency` (a slot is held per request, not per file). */
  readonly downloads: Limit
  /**
   * Files being prepared and downloaded at most: twice `concurrency`, so that each freed download slot has a file
   * (or the next part of one) waiting for it.
   */
  readonly saving: Limit
  /** Files downloaded at once per DC: Telegram's small-file queue from `help.getAppConfig` (`dc-limits.ts`). */
  readonly dcSlots: DcSlots
  /** Downloaded files being committed (fsyncs, rename, manifest append) at most: four times `concurrency`. */
  readonly committing: Limit
  /** Set with `leanMemory`. */
  readonly pacer: MemoryPacer | undefined
  readonly emit: (event: ArchiveEvent) => void
  /** The users left for a later run (`waiting.ndjson`). */
  readonly waiting: WaitingList
  /** true once the run's signal was aborted: nothing new is started. */
  readonly stopped: () => boolean
}

/** The run was stopped by its signal. */
export class RunStopped extends Error {}

/** A Bot API error envelope for a failure (network failures become 500s naming the network). */
export function errorJson(error: unknown): BotApiErrorJson {
  // A method left waiting reports the flood wait Telegram sent for it.
  const waiting = methodWaitingIn(error)
  const e = toBotApiError(waiting?.error ?? error, 'archive')
  if (e instanceof BotApiError) return e.toJSON()
  return { ok: false, error_code: 500, description: `Internal Server Error: network error: ${e.message}` }
}

/** Seconds since the epoch on the run's clock, as the manifest's records carry them. */
export function unixNow(clock: Clock): number {
  return Math.floor(clock.now() / 1000)
}
