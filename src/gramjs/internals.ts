/**
 * The private shapes of GramJS 2.26 that tg-profile reads and writes, declared once. GramJS's typings mark these
 * members private or leave them out; each shape lists only what some module of src/gramjs/ uses, typed as the
 * installed GramJS has it (see `install.ts` for the version range). Everything else of tg-profile goes through the
 * functions of src/gramjs/ or GramJS's public API.
 */
import { createRequire } from 'node:module'
import { TelegramClient } from 'telegram'
import type { AuthKey } from 'telegram/crypto/AuthKey.js'
import { MTProtoSender } from 'telegram/network/index.js'

/** A request GramJS keeps until it settles: queued, or sent and waiting for its answer. */
export interface RequestState {
  /** The TL request (or a service message: `classType` tells). */
  request: { readonly classType?: string }
  msgId?: unknown
  reject(reason: unknown): void
}

/** The constructor parameters of a GramJS `Connection`. */
export interface ConnectionParams {
  ip: string
  port: number
  dcId: number
  loggers: unknown
  proxy: unknown
  testServers: boolean
  socket: unknown
}

/** A GramJS `Connection` (e.g. `ConnectionTCPFull`): what a reconnect needs to make another of the same class. */
export interface ConnectionInternals {
  _ip: string
  _port: number
  _dcId: number
  _log: unknown
  _proxy: unknown
  _testServers: boolean
  constructor: new (params: ConnectionParams) => ConnectionInternals
}

/** The marks tg-profile's fixes keep on a sender (none are GramJS's). */
export interface SenderMarks {
  /** The error of the latest failed connect attempt. */
  tgProfileConnectError?: unknown
  /** Every connect attempt failed (not a disconnect the user asked for): the next request reconnects it. */
  tgProfileGaveUp?: boolean
  /** The reconnect a request started on a sender that had given up, shared by requests arriving meanwhile. */
  tgProfileReopening?: Promise<void>
}

/** GramJS's `MTProtoSender`: one connection to one DC, its send queue and its requests waiting for answers. */
export interface SenderInternals extends SenderMarks {
  authKey?: AuthKey
  dcId?: number
  _dcId: number
  _isMainSender: boolean
  _userConnected: boolean
  isConnecting: boolean
  isReconnecting: boolean
  userDisconnected: boolean
  _retries: number
  _connection: ConnectionInternals
  _client: { networkSocket: unknown; _errorHandler?: (error: unknown) => Promise<void> }
  _log: { warn(message: string): void }
  _pendingState: { values(): RequestState[]; delete(msgId: unknown): void; clear(): void }
  _sendQueue: {
    _queue: (RequestState | undefined)[]
    _pendingStates: RequestState[]
    prepend(states: RequestState[]): void
    clear(): void
  }
  _state: { reset(): void }
  _autoReconnectCallback?: () => Promise<void>
  connect(connection: ConnectionInternals, force: boolean): Promise<boolean>
  _connect(): Promise<void>
  disconnect(): Promise<void>
  _disconnect(): Promise<void>
  _reconnect(): Promise<void>
  send(request: unknown): Promise<unknown>
  addStateToQueue(state: RequestState): void
  isConnected(): boolean
  _processMessage(message: unknown): Promise<void>
  _handleContainer(message: { obj: { messages: readonly unknown[] } }): Promise<void>
  _handleBadAuthKey(shouldSkipForMain?: boolean): void
}

/** GramJS's `Deferred`: a promise with its resolve and reject. */
export interface Deferred {
  readonly promise: Promise<void>
  resolve(): void
  reject(error: unknown): void
}

/** GramJS's `TelegramClient`: its home connection, its connections to other DCs, and its entity cache. */
export interface ClientInternals {
  session?: unknown
  _sender?: SenderInternals
  /** Other DCs' connections, by DC id (GramJS 2.26 keeps these in a Map). */
  _exportedSenderPromises?: Map<number, Promise<SenderInternals | undefined>>
  /** The timers that release an idle connection to another DC, by DC id. */
  _exportedSenderReleaseTimeouts?: Map<number, NodeJS.Timeout>
  _entityCache?: { cacheMap?: Map<string, unknown> }
  /** What `connect()` resolves once it succeeds, and `invoke` waits for (GramJS's `Deferred`). */
  _connectedDeferred: Deferred
  /** A `connect()` of this client has succeeded (the first-connect fix). */
  tgProfileConnectedOnce?: boolean
  /** The `connect()` under way, if any (the first-connect fix). */
  tgProfileConnecting?: Promise<boolean>
  connect(): Promise<boolean>
  getSender(dcId: number): Promise<SenderInternals>
  invoke(request: unknown, dcId?: number, otherSender?: unknown): Promise<unknown>
  invokeWithSender?(request: unknown, sender: SenderInternals): Promise<unknown>
}

/**
 * `sender` (a GramJS `MTProtoSender`, from GramJS itself or from {@link ClientInternals}) seen with its private
 * members. GramJS's typings do not list them: this is the one place that says they are there.
 */
export function senderInternals(sender: unknown): SenderInternals {
  return sender as SenderInternals
}

/** `client` (a GramJS `TelegramClient`, or an object standing for one in a test) seen with its private members. */
export function clientInternals(client: object): ClientInternals {
  return client as ClientInternals
}

/** `MTProtoSender.prototype` with its private members, and `marks` for the fixes that patch it. */
export function senderPrototype<Marks extends object>(): SenderInternals & Marks {
  return MTProtoSender.prototype as unknown as SenderInternals & Marks
}

/** `TelegramClient.prototype` with its private members, and `marks` for the fixes that patch it. */
export function clientPrototype<Marks extends object>(): ClientInternals & Marks {
  return TelegramClient.prototype as unknown as ClientInternals & Marks
}

const require = createRequire(import.meta.url)

/**
 * GramJS's CommonJS module object at `path` (e.g. `telegram/Helpers.js`), typed as `T`. GramJS reads its own modules'
 * members through these objects at call time, so replacing a member there takes effect for every client.
 */
export function gramjsModule<T>(path: string): T {
  return require(path) as T
}

/** The error classes of `telegram/errors` that the speedups throw, as GramJS itself would. */
export interface GramjsErrors {
  InvalidBufferError: new (body: Buffer) => Error
  InvalidChecksumError: new (checksum: number, valid: number) => Error
  SecurityError: new (message: string) => Error
}
