/**
 * The loopback MTProto emulator: a real-protocol Telegram on 127.0.0.1 for tests, benchmarks and `npm start`.
 *
 * {@link startEmulator} wires the three layers: the seeded {@link World} (users, photos, audios and their bytes),
 * the application layer answering API methods with faults ({@link createApiApp}), and one MTProto TCP server per DC
 * ({@link startDcServers}). What it returns is everything a client needs ({@link EmulatorConnection}) plus the
 * ground truth and the counters.
 */
import { writeFile } from 'node:fs/promises'
import { createApiApp, type ApiApp } from './app/index.js'
import { writeConnectionFile, type EmulatorConnection } from '../spec/emulator-connection.js'
import { SeededRandom, type Clock, type FaultOptions, type FloodRule, type SwallowRule } from './faults.js'
import type { RsaKeyPair } from './protocol/crypto.js'
import type { ProtocolCounters } from './protocol/session.js'
import { startDcServers, type DcServers } from './server.js'
import type { EmulatorStats } from './stats.js'
import type { LimitsOption } from './limits.js'
import { createWorld, type World, type WorldMedia } from './world.js'

/** The `api_id` published in the connection file (the emulator accepts any non-zero id). */
export const EMULATOR_API_ID = 94575
/** The `api_hash` published in the connection file, with {@link EMULATOR_API_ID}. */
export const EMULATOR_API_HASH = 'a3406de8d171bb422bb6ddf3bbd800e2'

/** Options of {@link startEmulator}; every fault is off by default. */
export interface EmulatorOptions {
  /** Seed of the world. Default 1. */
  readonly seed?: number
  /** Number of ordinary users (the test accounts come on top). Default 40. */
  readonly users?: number
  /** Emulated DC ids. Default `[1, 2, 3, 4, 5]`; the first is the home DC. */
  readonly dcIds?: readonly number[]
  /** Interface to listen on. Default `127.0.0.1`. */
  readonly host?: string
  /** Port per DC id. Default 0 (any free port). */
  readonly ports?: Readonly<Record<number, number>>
  /** Per-RPC latency: fixed milliseconds plus a seeded jitter. Default none. */
  readonly latency?: { readonly fixedMs: number; readonly jitterMs?: number }
  /**
   * Flood limits per method class name (`photos.GetUserPhotos`, `contacts.ResolveUsername`, …): token buckets, or
   * request counts (a wait after every N requests, whatever the machine's speed). Default none.
   */
  readonly floodRules?: Readonly<Record<string, FloodRule>>
  /**
   * Methods whose requests are received and never answered (all of them, or the first `requests`); also switched
   * at run time with {@link RunningEmulator.swallow}. Default none.
   */
  readonly swallow?: Readonly<Record<string, SwallowRule>>
  /** Probability per incoming encrypted message that the connection is dropped instead. Default 0. */
  readonly dropRate?: number
  /** File references expire after this many seconds (`FILE_REFERENCE_EXPIRED`). Default: never. */
  readonly fileReferenceTtlSeconds?: number
  /** Probability of a 500 `INTERNAL_SERVER_ERROR` answer. Default 0. */
  readonly internalErrorRate?: number
  /**
   * The limits profile: `none` (nothing limited) or `telegram` (Telegram's walls for bulk jobs: the
   * `contacts.resolveUsername` and `auth.exportAuthorization` quotas, the non-premium download budget; see
   * `limits.ts` for each number's source), or a profile with some numbers overridden. Default `none`.
   */
  readonly limits?: LimitsOption
  /** Clock of the application layer (file references, flood buckets, login codes, temporary auth keys). Default the system clock. */
  readonly clock?: Clock
  /** Reuse an RSA key pair (saves generating one). Default: a fresh RSA-2048 key. */
  readonly rsaKey?: RsaKeyPair
  /** Media renderer (tests may inject a cheaper one). Default `src/emulator/media`. */
  readonly media?: WorldMedia
  /** At most this many photos per ordinary user. Default: no cap (up to 330). */
  readonly maxPhotosPerUser?: number
}

/** Counters of a running emulator: the application layer's plus the protocol layer's per DC. */
export interface EmulatorStatsSnapshot extends EmulatorStats {
  readonly protocol: Record<number, ProtocolCounters>
}

/** A running emulator. */
export interface RunningEmulator {
  /** What a client needs to connect (also what the connection file holds). */
  readonly connection: EmulatorConnection
  /** The seeded world (ground truth: `world.toFile()`). */
  readonly world: World
  /** The application layer (for tests that need its internals). */
  readonly app: ApiApp
  /** The TCP servers. */
  readonly servers: DcServers
  /** A snapshot of every counter. */
  stats(): EmulatorStatsSnapshot
  /** Zeroes the application counters (calls, bytes, flood waits). */
  resetStats(): void
  /**
   * From now on, receives `method`'s requests (a class name, `photos.GetUserPhotos`) and never answers them: the
   * next `rule.requests` of them, or all. Replaces the method's earlier rule.
   */
  swallow(method: string, rule?: SwallowRule): void
  /** Answers `method`'s requests again (those already swallowed stay unanswered). */
  stopSwallowing(method: string): void
  /** Writes the connection file (mode 0600). */
  writeConnectionFile(path: string): Promise<void>
  /** Writes the ground truth (renders and hashes every file). */
  writeWorldFile(path: string): Promise<void>
  /** Writes a stats snapshot as JSON. */
  writeStatsFile(path: string): Promise<void>
  /** Stops listening and closes every connection. */
  close(): Promise<void>
}

/** Starts an emulator on loopback (port 0 by default) and returns once every DC listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const seed = options.seed ?? 1
  const dcIds = options.dcIds ?? [1, 2, 3, 4, 5]
  const world = createWorld({
    seed,
    users: options.users ?? 40,
    dcIds,
    ...(options.media !== undefined ? { media: options.media } : {}),
    ...(options.maxPhotosPerUser !== undefined ? { maxPhotosPerUser: options.maxPhotosPerUser } : {}),
  })
  const faults: FaultOptions = {
    seed,
    ...(options.latency !== undefined ? { latency: options.latency } : {}),
    ...(options.floodRules !== undefined ? { floodRules: options.floodRules } : {}),
    ...(options.swallow !== undefined ? { swallow: options.swallow } : {}),
    ...(options.fileReferenceTtlSeconds !== undefined ? { fileReferenceTtlSeconds: options.fileReferenceTtlSeconds } : {}),
    ...(options.internalErrorRate !== undefined ? { internalErrorRate: options.internalErrorRate } : {}),
  }
  const app = createApiApp(world, {
    faults,
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    ...(options.limits !== undefined ? { limits: options.limits } : {}),
  })
  const dropRandom = new SeededRandom(seed ^ 0x5eed)
  const servers = await startDcServers({
    dcIds,
    app,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.ports !== undefined ? { ports: options.ports } : {}),
    ...(options.rsaKey !== undefined ? { rsaKey: options.rsaKey } : {}),
    dropRate: options.dropRate ?? 0,
    random: () => dropRandom.next(),
    ...(options.clock !== undefined ? { keyNowMs: () => options.clock!.now() } : {}),
  })
  const [testAccount] = world.accounts
  if (testAccount === undefined) throw new Error('the emulated world has no test account')
  const connection: EmulatorConnection = {
    version: 1,
    dcs: servers.dcs,
    homeDcId: world.homeDcId,
    publicKey: servers.publicKey,
    apiId: EMULATOR_API_ID,
    apiHash: EMULATOR_API_HASH,
    testAccount,
    accounts: world.accounts,
  }
  const stats = (): EmulatorStatsSnapshot => ({ ...app.stats(), protocol: servers.counters() })
  return {
    connection,
    world,
    app,
    servers,
    stats,
    resetStats: () => app.resetStats(),
    swallow: (method, rule) => app.swallow(method, rule),
    stopSwallowing: (method) => app.stopSwallowing(method),
    writeConnectionFile: (path) => writeConnectionFile(path, connection),
    writeWorldFile: (path) => world.writeWorldFile(path),
    writeStatsFile: async (path) => writeFile(path, `${JSON.stringify(stats(), null, 2)}\n`),
    close: () => servers.close(),
  }
}

export type { EmulatorConnection, EmulatorAccount, EmulatorPublicKey } from '../spec/emulator-connection.js'
export { readConnectionFile, writeConnectionFile } from '../spec/emulator-connection.js'
export type { WorldFile, WorldUser, WorldPhoto, WorldPhotoSize, WorldVideoSize, WorldAudio } from './world-file.js'
export type { EmulatorStats } from './stats.js'
export type { FloodRule, RequestCountRule, SwallowRule, TokenBucketRule } from './faults.js'
export type {
  DownloadBudget,
  EmulatorLimits,
  LimitsOption,
  LimitsOverrides,
  LimitsProfileName,
  ParallelFileLimits,
  RequestQuota,
  ResolveUsernameQuota,
} from './limits.js'
export { NO_LIMITS, TELEGRAM_LIMITS, resolveLimits } from './limits.js'
export { World } from './world.js'
