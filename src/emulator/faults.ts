/**
 * Fault injection for the emulator's application layer: per-RPC latency, per-method flood limits (token buckets,
 * or request counts, answering an honest `FLOOD_WAIT_X`), requests received and never answered, expiring file
 * references and occasional internal errors. All off by default. (Dropped connections belong to the protocol layer.)
 */
import { createHash } from 'node:crypto'

/** A clock in milliseconds since the epoch (injectable for tests). */
export interface Clock {
  now(): number
}

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() }

/** A token bucket limiting one method per account, refilled as the clock runs: how Telegram limits a method. */
export interface TokenBucketRule {
  /** Requests allowed in a burst. */
  readonly capacity: number
  /** Tokens added back per second. */
  readonly refillPerSecond: number
}

/**
 * A limit counted in requests, per account: `requests` requests of the method pass, the next one answers
 * `FLOOD_WAIT_<waitSeconds>` and starts a wait of that many seconds on the clock; requests during it answer the
 * time left; once it is over, `requests` more pass, and so on. Whether a wait is issued depends only on how many
 * requests were sent, never on how fast, which is what a test that must see a flood wait needs.
 */
export interface RequestCountRule {
  /** Requests that pass before each wait (0: none ever passes). */
  readonly requests: number
  /** Length of each wait in whole seconds, at least 1. */
  readonly waitSeconds: number
}

/** A flood limit of one method per account: a {@link TokenBucketRule} or a {@link RequestCountRule}. */
export type FloodRule = TokenBucketRule | RequestCountRule

/** Requests of one method to receive and never answer. */
export interface SwallowRule {
  /** How many of the method's next requests (counted over every account) go unanswered. Default: all of them. */
  readonly requests?: number
}

/**
 * A strict budget for `contacts.resolveUsername`, in the spirit of Telegram's (which is undocumented and much
 * stricter than for other methods): a burst of 50 and then one every 5 seconds.
 */
export const DEFAULT_RESOLVE_USERNAME_RULE: TokenBucketRule = { capacity: 50, refillPerSecond: 0.2 }

/** Fault options; every field is off when absent. */
export interface FaultOptions {
  /** Delay before every answer: `fixedMs` plus a seeded uniform jitter in `[0, jitterMs)`. Default none. */
  readonly latency?: { readonly fixedMs: number; readonly jitterMs?: number }
  /** Flood limits per method class name (e.g. `photos.GetUserPhotos`), per account. Default none. */
  readonly floodRules?: Readonly<Record<string, FloodRule>>
  /**
   * Methods (class names) whose requests are received and never answered, as when Telegram loses a query: the
   * client hears nothing until its own deadline. Default none.
   */
  readonly swallow?: Readonly<Record<string, SwallowRule>>
  /** File references older than this many seconds answer `FILE_REFERENCE_EXPIRED`. Default: never expire. */
  readonly fileReferenceTtlSeconds?: number
  /** Probability in [0, 1] of answering 500 `INTERNAL_SERVER_ERROR` instead of the real answer. Default 0. */
  readonly internalErrorRate?: number
  /** Seed of the jitter and the internal-error draws. Default 1. */
  readonly seed?: number
}

/** A seeded uniform [0, 1) generator (SHA-256 counter mode, reproducible per seed). */
export class SeededRandom {
  private counter = 0
  constructor(private readonly seed: number) {}
  next(): number {
    const d = createHash('sha256').update(`${this.seed}/${this.counter++}`).digest()
    return d.readUInt32LE(0) / 2 ** 32
  }
}

interface Bucket {
  /** Tokens left ({@link TokenBucketRule}), or requests left before the next wait ({@link RequestCountRule}). */
  tokens: number
  updatedMs: number
  /** The end of the last flood wait issued from this bucket (ms), 0 when none. */
  waitUntilMs: number
  /**
   * When the client was first sent an answer of the running flood wait (ms): `Infinity` from the moment it is
   * decided until one is written to the client's connection, 0 when there was never a wait.
   */
  waitIssuedMs: number
  /** Flood waits started from this bucket (a wait's answers belong to one of them). */
  wait: number
}

/** Outcome of {@link FloodLimiter.take}. */
export type FloodVerdict =
  | { readonly ok: true }
  /**
   * `seconds` is the honest wait until a token is available; `duringWait` when an earlier wait was still running;
   * `sentAfterWait` when, on top of that, the request was sent (by its msg_id) more than
   * {@link FLOOD_WAIT_READ_GRACE_MS} after an answer of that wait had been written to the client: the client had been
   * told to wait, so it should not have sent this one. A request sent before that (between the server's decision
   * and the answer reaching the client) is one the client could not have held back; it counts as crossing the wait,
   * like one already in flight. The server calls `delivered` once it has written this
   * `FLOOD_WAIT` answer to the client's connection.
   */
  | {
      readonly ok: false
      readonly seconds: number
      readonly duringWait: boolean
      readonly sentAfterWait: boolean
      readonly delivered: () => void
    }

/**
 * When the client sent a message, in ms since the epoch, from its msg_id (which MTProto defines as about
 * unixtime × 2^32). The spec's low 32 bits are a binary fraction of a second; GramJS writes nanoseconds × 4 there,
 * which reads up to 7% early. The later of the two readings is taken, so that no request a client sent after a flood
 * wait reached it passes for one sent before.
 */
export function msgIdSentMs(msgId: bigint): number {
  const seconds = Number(msgId >> 32n)
  const low = Number(msgId & 0xffff_ffffn)
  const spec = low / 2 ** 32
  const nanos = Math.min((low >>> 2) / 1e9, 0.999_999_999)
  return (seconds + Math.max(spec, nanos)) * 1000
}

/**
 * How long after a `FLOOD_WAIT` answer was written to a client the client may still send requests of that method
 * without having read it: delivery and the client's processing of the bytes before it (several megabytes of file
 * parts on a busy connection). msg_ids and the server clock have millisecond resolution on loopback, and a request
 * sent on another connection in the same few milliseconds as the answer left cannot have been held back.
 */
export const FLOOD_WAIT_READ_GRACE_MS = 50

/** Token buckets per (account, method). */
export class FloodLimiter {
  private readonly buckets = new Map<string, Bucket>()

  constructor(
    private readonly rules: Readonly<Record<string, FloodRule>>,
    private readonly clock: Clock,
  ) {}

  /** true when `method` is limited at all. */
  limits(method: string): boolean {
    return this.rules[method] !== undefined
  }

  /**
   * Whether a flood wait issued earlier for `method` to `account` is still running (the client should not have
   * sent this request).
   */
  inWait(account: string, method: string): boolean {
    const b = this.buckets.get(`${account}\u0000${method}`)
    return b !== undefined && this.clock.now() < b.waitUntilMs
  }

  /**
   * Takes a token for one request, or tells how long to wait. `sentMs` is when the client sent the request
   * ({@link msgIdSentMs}); without it a request during a running wait counts as sent after it.
   */
  take(account: string, method: string, sentMs = Number.POSITIVE_INFINITY): FloodVerdict {
    const rule = this.rules[method]
    if (rule === undefined) return { ok: true }
    const key = `${account}\u0000${method}`
    const now = this.clock.now()
    let b = this.buckets.get(key)
    if (b === undefined) {
      b = { tokens: 'capacity' in rule ? rule.capacity : rule.requests, updatedMs: now, waitUntilMs: 0, waitIssuedMs: 0, wait: 0 }
      this.buckets.set(key, b)
    }
    const duringWait = now < b.waitUntilMs
    const wait = 'capacity' in rule ? tokenBucketWait(rule, b, now) : requestCountWait(rule, b, now, duringWait)
    if (wait === undefined) return { ok: true }
    const seconds = Math.max(1, Math.ceil(wait))
    if (!duringWait) {
      b.wait += 1
      b.waitIssuedMs = Number.POSITIVE_INFINITY
    }
    b.waitUntilMs = Math.max(b.waitUntilMs, now + wait * 1000)
    const bucket = b
    const issued = b.wait
    const delivered = (): void => {
      // Only for the wait this answer belongs to (a later wait of the same bucket has its own answers).
      if (bucket.wait === issued) bucket.waitIssuedMs = Math.min(bucket.waitIssuedMs, this.clock.now())
    }
    const sentAfterWait = duringWait && sentMs >= b.waitIssuedMs + FLOOD_WAIT_READ_GRACE_MS
    return { ok: false, seconds, duringWait, sentAfterWait, delivered }
  }
}

/** Refills `b` and takes a token: `undefined` when one was there, else the seconds until the next. */
function tokenBucketWait(rule: TokenBucketRule, b: Bucket, now: number): number | undefined {
  b.tokens = Math.min(rule.capacity, b.tokens + ((now - b.updatedMs) / 1000) * rule.refillPerSecond)
  b.updatedMs = now
  if (b.tokens >= 1) {
    b.tokens -= 1
    return undefined
  }
  return (1 - b.tokens) / rule.refillPerSecond
}

/**
 * Counts one request against `b`: `undefined` when it passes, else the seconds left of the running wait or,
 * when the window's requests are used up, of the wait this request starts (the window then starts afresh).
 */
function requestCountWait(rule: RequestCountRule, b: Bucket, now: number, duringWait: boolean): number | undefined {
  if (duringWait) return (b.waitUntilMs - now) / 1000
  if (b.tokens >= 1) {
    b.tokens -= 1
    return undefined
  }
  b.tokens = rule.requests
  return rule.waitSeconds
}
