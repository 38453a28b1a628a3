/**
 * One call from configuration to a ready client: `connect(options) → { client, cache, close() }`.
 *
 * - With an emulator (`--emulator F` / `TG_EMULATOR`): reads the connection file, trusts its key, and logs in as
 *   its test account automatically when the session is not authorized. The session defaults to `<F>.session`, so an
 *   emulator run never touches the real Telegram session file.
 * - Otherwise real Telegram with `TG_API_ID`/`TG_API_HASH` and `TG_SESSION` or the session file; a session that is
 *   missing or not authorized is an error telling to run `tg-profile login`.
 *
 * GramJS's logger prints to stdout, which would corrupt the JSON envelopes: it is silenced, or with `verbose` sent to
 * stderr through the secrets redactor.
 *
 * `floodSleepThreshold` defaults to 0: a FLOOD_WAIT is reported (Bot API 429 with `retry_after`) instead of the
 * CLI sleeping silently; the archiver has its own per-method flood gate.
 */
import { TelegramClient } from 'telegram'
import { Logger } from 'telegram/extensions/index.js'
import { LogLevel } from 'telegram/extensions/Logger.js'
import { StringSession } from 'telegram/sessions/index.js'
import '../tl/index.js'
import '../gramjs/installed.js'
import { closeExportedSenders } from '../gramjs/senders.js'
import { readConnectionFile, type EmulatorConnection } from '../spec/emulator-connection.js'
import { NotLoggedInError } from '../errors/index.js'
import { checkCallOptions, connectTimeoutMs, withDeadline } from './deadline.js'
import { connectClient, isAuthorized } from './authorization.js'
import { EntityCache, attachEntityCache, entityCachePathFor } from './entity-cache.js'
import { createEmulatorClient, loginToEmulator } from './emulator.js'
import { loadConfig, requireApiCredentials } from './config.js'
import type { LoadConfigOptions, TgProfileConfig } from './config.js'
import { redact, registerSecret } from './redact.js'
import { readSessionFile, writeSessionFile } from './session.js'
import { MultiDcSession, attachDcKeys, dcKeysPathFor, isAuthKeyUnregistered, loadDcKeys, saveDcKeys } from './dc-keys.js'

/** Options of {@link connect} and {@link openClient}. Unset fields come from the environment / `.env`. */
export interface ConnectOptions extends LoadConfigOptions {
  /** GramJS logs to stderr (redacted) instead of nowhere. Default false. */
  verbose?: boolean
  /** GramJS `floodSleepThreshold` in seconds. Default 0 (report flood waits, never sleep). */
  floodSleepThreshold?: number
  /** GramJS `connectionRetries`. Default 5. */
  connectionRetries?: number
  /** Where verbose GramJS logs go. Default `process.stderr`. */
  logSink?: { write(chunk: string): unknown }
  /**
   * An in-process emulator to use instead of `--emulator` / `TG_EMULATOR` (e.g. `npm start`'s embedded one). Its
   * session and entity cache live in memory unless `sessionFile` is given explicitly.
   */
  emulatorConnection?: EmulatorConnection
  /**
   * Ignore the stored session of an emulator and log in afresh. Set by {@link connect} itself when the emulator no
   * longer knows the stored session's auth key (it was restarted). Never applies to Telegram. Default false.
   */
  freshEmulatorSession?: boolean
  /**
   * Milliseconds each request may wait for its answer (see `CallOptions`); connecting and logging in, a few round
   * trips and GramJS's own reconnect attempts, may take twice that before {@link connect} fails with a
   * `TimeoutError`. Default 30 000.
   */
  timeoutMs?: number
  /** Aborting it ends {@link connect} at once (rejecting with its reason) and disconnects. Default: none. */
  signal?: AbortSignal
}

/** A connected client, its persistent entity cache, and the way to shut both down. */
export interface Connected {
  client: TelegramClient
  cache: EntityCache
  config: TgProfileConfig
  /** The emulator's connection file contents, when connected to an emulator. */
  emulator: EmulatorConnection | undefined
  /** The session file this connection saves to (`undefined` when the session came from `TG_SESSION`). */
  sessionFile: string | undefined
  /** Saves the session (if it changed), the other DCs' keys and the entity cache, and disconnects. Idempotent. */
  close(): Promise<void>
}

/** GramJS's logger, silenced or redirected to stderr through the redactor. */
export function gramjsLogger(verbose: boolean, sink: { write(chunk: string): unknown } = process.stderr): Logger {
  if (!verbose) return new Logger(LogLevel.NONE)
  const logger = new Logger(LogLevel.INFO)
  logger.log = (level: LogLevel, message: string): void => {
    sink.write(redact(`[gramjs ${level}] ${message}\n`))
  }
  return logger
}

/**
 * Creates a (not yet connected) client from the configuration; used by {@link connect} and by `login`.
 * Does not require authorization.
 */
export async function openClient(options: ConnectOptions = {}): Promise<Omit<Connected, 'close' | 'cache'>> {
  const config = loadConfig(options)
  const params = {
    baseLogger: gramjsLogger(options.verbose === true, options.logSink),
    floodSleepThreshold: options.floodSleepThreshold ?? 0,
    connectionRetries: options.connectionRetries ?? 5,
  }
  if (options.emulatorConnection !== undefined) {
    const emulator = options.emulatorConnection
    const sessionFile = config.sessionFileSource === 'option' ? config.sessionFile : undefined
    const stored = sessionFile === undefined || options.freshEmulatorSession === true ? undefined : await readSessionFile(sessionFile)
    const client = createEmulatorClient(emulator, { ...params, session: new MultiDcSession(stored ?? '') })
    return { client, config, emulator, sessionFile }
  }
  if (config.emulatorFile !== undefined) {
    const emulator = await readConnectionFile(config.emulatorFile)
    // The emulator's own session unless --session / TG_SESSION_FILE was given explicitly.
    const sessionFile = config.sessionFileSource === 'default' ? `${config.emulatorFile}.session` : config.sessionFile
    const stored = options.freshEmulatorSession === true ? undefined : await readSessionFile(sessionFile)
    const client = createEmulatorClient(emulator, { ...params, session: new MultiDcSession(stored ?? '') })
    return { client, config, emulator, sessionFile }
  }
  const { apiId, apiHash } = requireApiCredentials(config)
  registerSecret(apiHash)
  let session: string
  let sessionFile: string | undefined
  if (config.sessionString !== undefined) {
    session = config.sessionString
    sessionFile = undefined
  } else {
    session = (await readSessionFile(config.sessionFile)) ?? ''
    sessionFile = config.sessionFile
  }
  const client = new TelegramClient(new MultiDcSession(session), apiId, apiHash, params)
  return { client, config, emulator: undefined, sessionFile }
}

/**
 * `client.destroy()`, plus what GramJS 2.26 forgets: it walks its per-DC sender and release-timer *Maps* with
 * `Object.values` (always empty), so the connections to other DCs (downloads) stay open and a 30 s release timer
 * keeps the process alive. We clear those timers and disconnect those senders ourselves.
 */
export async function shutdownClient(client: TelegramClient): Promise<void> {
  await closeExportedSenders(client)
  await client.destroy().catch(() => undefined)
}

/** Saves the client's session string to `path` when it differs from what is there. */
export async function saveSession(client: TelegramClient, path: string | undefined): Promise<void> {
  if (path === undefined) return
  const value = (client.session as StringSession).save()
  if (value === '') return
  registerSecret(value)
  const current = await readSessionFile(path).catch(() => undefined)
  if (current !== value) await writeSessionFile(path, value)
}

/**
 * Connects, makes sure the account is logged in (automatically on an emulator), and attaches the persistent entity
 * cache and the other DCs' authorized keys stored beside the session file (`<session>.entities.json`,
 * `<session>.dc-keys.json`, see `dc-keys.ts`); `close()` saves both.
 *
 * @throws {NotLoggedInError} on real Telegram without an authorized session ("run tg-profile login")
 */
export async function connect(options: ConnectOptions = {}): Promise<Connected> {
  checkCallOptions('connect', options)
  const opened = await openClient(options)
  const { client, config, emulator, sessionFile } = opened
  if (emulator === undefined && (client.session as StringSession).authKey === undefined) {
    throw new NotLoggedInError('not logged in: run "tg-profile login" (or set TG_SESSION)')
  }
  try {
    const ready = (async (): Promise<void> => {
      await connectClient(client)
      if (emulator !== undefined) {
        await loginToEmulator(client, emulator)
      } else if (!(await isAuthorized(client))) {
        throw new NotLoggedInError('the session is not logged in (expired or revoked): run "tg-profile login"')
      }
    })()
    const timeoutMs = connectTimeoutMs(options.timeoutMs)
    await withDeadline(ready, 'connecting and logging in', { timeoutMs, ...(options.signal !== undefined ? { signal: options.signal } : {}) })
    await saveSession(client, sessionFile)
  } catch (error) {
    await shutdownClient(client)
    // An emulator that was restarted has forgotten every auth key: its stored session is useless, log in afresh.
    if (emulator !== undefined && options.freshEmulatorSession !== true && isAuthKeyUnregistered(error)) {
      return connect({ ...options, freshEmulatorSession: true })
    }
    throw error
  }
  // TG_SESSION: the cache still persists beside the configured session file path, the other DCs' keys (secrets the
  // user chose not to keep in a file) stay in memory; an embedded emulator: both in memory.
  const besidePath = sessionFile ?? (options.emulatorConnection === undefined ? config.sessionFile : undefined)
  const dcKeysPath = sessionFile === undefined ? undefined : dcKeysPathFor(sessionFile)
  let cache: EntityCache
  try {
    if (dcKeysPath !== undefined) await loadDcKeys(dcKeysPath, client.session as MultiDcSession)
    cache = besidePath === undefined ? EntityCache.memory() : await EntityCache.open(entityCachePathFor(besidePath))
  } catch (error) {
    await shutdownClient(client)
    throw error
  }
  attachDcKeys(client)
  attachEntityCache(client, cache)
  let closed: Promise<void> | undefined
  const close = (): Promise<void> => {
    closed ??= (async () => {
      try {
        await saveSession(client, sessionFile)
        if (dcKeysPath !== undefined) await saveDcKeys(client, dcKeysPath)
        await cache.close()
      } finally {
        await shutdownClient(client)
      }
    })()
    return closed
  }
  return { client, cache, config, emulator, sessionFile, close }
}
