import type { TelegramClient } from 'telegram'

/** The port telegram-bot-api listens on by default; `tg-profile serve` uses it too. */
export const DEFAULT_PORT = 8081
/** The interface the endpoint binds unless told otherwise: loopback only. */
export const DEFAULT_HOST = '127.0.0.1'

/**
 * Options of {@link startServer}.
 *
 * The defaults suit one account's worth of Bot API clients on the same machine.
 */
export interface ServeOptions {
  /** A connected, logged-in client (from `connect()`); every request shares it. The caller closes it. */
  client: TelegramClient
  /** The token clients put in their URLs (`/bot<token>/…`), e.g. from `loadServeToken`. */
  token: string
  /** Interface to bind. Default `127.0.0.1`. Anything but a loopback address needs {@link allowRemote}. */
  host?: string
  /** TCP port; 0 picks a free one. Default 8081. */
  port?: number
  /**
   * Allow binding an interface other than loopback: the token is all that stands between the network and the
   * account's view of Telegram, over plain HTTP. Default false.
   */
  allowRemote?: boolean
  /** Largest request body in bytes; a larger one is answered 413. Default 1 MiB. */
  maxBodyBytes?: number
  /** Milliseconds a client may take to send the request headers. Default 10 000. */
  headersTimeoutMs?: number
  /** Milliseconds a client may take to send the whole request. Default 30 000. */
  requestTimeoutMs?: number
  /** Requests worked on at once. Default 16. */
  maxInFlight?: number
  /** Requests waiting beyond {@link maxInFlight}; one more is answered 429. Default 64. */
  maxQueued?: number
  /** Milliseconds a request waits for its turn before it is answered 429. Default 10 000. */
  queueTimeoutMs?: number
  /**
   * Milliseconds one request may spend waiting out Telegram's FLOOD_WAITs before repeating the call; a wait that
   * does not fit is answered 429 with `retry_after`. Default 60 000.
   */
  floodWaitBudgetMs?: number
  /** Milliseconds each request to Telegram may wait for its answer. Default 30 000. */
  timeoutMs?: number
  /** Milliseconds {@link RunningServer.close} lets requests under way finish before cutting them. Default 10 000. */
  closeGraceMs?: number
  /** Where the access log and warnings go, one line each (the token never appears). Default: nowhere. */
  log?: { write(line: string): unknown }
  /** Aborting it closes the server, as {@link RunningServer.close} does. Default: none. */
  signal?: AbortSignal
}

/** A started endpoint. */
export interface RunningServer {
  /** The base URL, e.g. `http://127.0.0.1:8081`: the `apiRoot` of grammY, GramIO's `baseURL` without `/bot`. */
  readonly url: string
  /** The bound interface. */
  readonly host: string
  /** The bound port. */
  readonly port: number
  /**
   * Stops accepting connections, lets requests under way finish (cut after `closeGraceMs`), and resolves once
   * every connection is closed. Idempotent. The client is left connected.
   */
  close(): Promise<void>
}

/** {@link ServeOptions} with every default filled in. */
export type ResolvedServeOptions = Required<Omit<ServeOptions, 'log' | 'signal' | 'timeoutMs'>> &
  Pick<ServeOptions, 'log' | 'signal' | 'timeoutMs'>

/** Fills in the defaults. */
export function resolveServeOptions(options: ServeOptions): ResolvedServeOptions {
  return {
    host: DEFAULT_HOST,
    port: DEFAULT_PORT,
    allowRemote: false,
    maxBodyBytes: 1 << 20,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    maxInFlight: 16,
    maxQueued: 64,
    queueTimeoutMs: 10_000,
    floodWaitBudgetMs: 60_000,
    closeGraceMs: 10_000,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as ResolvedServeOptions
}

/** Whether `host` is a loopback address or name. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}
