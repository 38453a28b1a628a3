/**
 * The emulator's application layer: answers parsed API queries from the seeded {@link World} with Telegram's
 * behaviour, injects the configured faults and counts everything. The methods live in groups along their seams:
 * help.ts (config, updates), login.ts, users.ts (users, profile photos and audios), files.ts (`upload.getFile`),
 * chats.ts (chats and their members, contacts, dialogs).
 *
 * Strict readings where Telegram's documentation is silent (each group's header has its own):
 * - Every method except `help.getConfig`, `help.getNearestDc`, `auth.sendCode`, `auth.signIn`,
 *   `account.getPassword` (during a 2FA login), `auth.checkPassword` and `auth.importAuthorization` needs a logged-in
 *   auth key, else 401 `AUTH_KEY_UNREGISTERED`.
 * - Methods the emulator does not implement answer 400 `INPUT_METHOD_INVALID`.
 * - Faults, flood rules and the counters know a method by its {@link methodKey} (`photos.GetUserPhotos`).
 * - The limits profile (limits.ts) answers after the login check and before the faults' flood rules.
 */
import {
  RpcError,
  methodKey,
  type CallContext,
  type ProtocolAnswer,
  type RpcAnswer,
  type RpcApp,
  type TlRequest,
} from '../rpc.js'
import { FloodLimiter, SeededRandom, msgIdSentMs, systemClock, type Clock, type FaultOptions, type SwallowRule } from '../faults.js'
import { StatsCollector, type EmulatorStats } from '../stats.js'
import type { World } from '../world.js'
import { resolveLimits, type LimitsOption } from '../limits.js'
import { chatHandlers } from './chats.js'
import { AppCore, err, type Handler } from './core.js'
import { fileHandlers } from './files.js'
import { helpHandlers } from './help.js'
import { AppLimits } from './limits.js'
import { Login } from './login.js'
import { userHandlers } from './users.js'

/** Options of {@link createApiApp}. */
export interface ApiAppOptions {
  /** Faults to inject; all off by default. */
  readonly faults?: FaultOptions
  /** Clock for file references, flood buckets and login codes. Default the system clock. */
  readonly clock?: Clock
  /** The limits profile (limits.ts). Default `none`. */
  readonly limits?: LimitsOption
  /** How to wait for latency (injectable for tests). Default `setTimeout`. */
  readonly sleep?: (ms: number) => Promise<void>
}

/** The application layer plus its counters. */
export interface ApiApp extends RpcApp {
  /** A snapshot of the counters. */
  stats(): EmulatorStats
  /** Zeroes the counters. */
  resetStats(): void
  /**
   * From now on, receives `method`'s requests and never answers them: the next `rule.requests` of them, or all.
   * Replaces the method's earlier swallow rule, if any.
   */
  swallow(method: string, rule?: SwallowRule): void
  /** Answers `method`'s requests again (those already swallowed stay unanswered). */
  stopSwallowing(method: string): void
}

const PUBLIC_METHODS = new Set([
  'help.getConfig',
  'help.getNearestDc',
  'auth.sendCode',
  'auth.signIn',
  'account.getPassword',
  'auth.checkPassword',
  'auth.importAuthorization',
])

class ApiAppImpl implements ApiApp {
  private readonly sleep: (ms: number) => Promise<void>
  private readonly faults: FaultOptions
  private readonly limiter: FloodLimiter
  private readonly random: SeededRandom
  private readonly limits: AppLimits
  private readonly collector = new StatsCollector()
  /** Requests left to swallow per method (`Infinity`: all). */
  private readonly swallowing = new Map<string, number>()
  private readonly handlers: Record<string, Handler>

  constructor(world: World, options: ApiAppOptions) {
    const clock = options.clock ?? systemClock
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    this.faults = options.faults ?? {}
    this.limiter = new FloodLimiter(this.faults.floodRules ?? {}, clock)
    this.random = new SeededRandom(this.faults.seed ?? 1)
    for (const [method, rule] of Object.entries(this.faults.swallow ?? {})) this.swallow(method, rule)
    const core = new AppCore(world, clock, this.faults, this.collector)
    this.limits = new AppLimits(resolveLimits(options.limits), clock, this.collector, world)
    this.handlers = {
      ...helpHandlers(core),
      ...new Login(core).handlers(),
      ...userHandlers(core),
      ...fileHandlers(core),
      ...this.limits.handlers(),
      ...chatHandlers(core),
    }
  }

  stats(): EmulatorStats {
    return this.collector.snapshot()
  }

  resetStats(): void {
    this.collector.reset()
  }

  swallow(method: string, rule: SwallowRule = {}): void {
    this.swallowing.set(method, rule.requests ?? Number.POSITIVE_INFINITY)
  }

  stopSwallowing(method: string): void {
    this.swallowing.delete(method)
  }

  /** Whether this request of `method` is one to swallow (counting it against the rule). */
  private swallows(method: string): boolean {
    const left = this.swallowing.get(method)
    if (left === undefined || left <= 0) return false
    this.swallowing.set(method, left - 1)
    return true
  }

  async call(request: TlRequest, ctx: CallContext): Promise<RpcAnswer> {
    const method = methodKey(request._)
    this.collector.call(method, ctx.dcId)
    if (this.swallows(method)) {
      this.collector.swallowed(method)
      // Received (the protocol layer acknowledges it) and never answered.
      return new Promise<never>(() => {})
    }
    const done = this.limits.begin(request, ctx)
    try {
      const latency = this.faults.latency
      if (latency !== undefined) {
        const ms = latency.fixedMs + (latency.jitterMs ?? 0) * this.random.next()
        if (ms > 0) await this.sleep(ms)
      }
      const handler = this.handlers[request._]
      if (handler === undefined) throw err(400, 'INPUT_METHOD_INVALID')
      if (!PUBLIC_METHODS.has(request._) && ctx.auth.userId === undefined) throw err(401, 'AUTH_KEY_UNREGISTERED')
      this.limits.admit(request, method, ctx)
      if (this.limiter.limits(method)) {
        const account = ctx.auth.userId !== undefined ? `user:${ctx.auth.userId}` : `key:${ctx.auth.authKeyId}`
        const verdict = this.limiter.take(account, method, msgIdSentMs(ctx.msgId))
        if (!verdict.ok) {
          if (verdict.sentAfterWait) this.collector.duringFloodWait(method)
          else if (verdict.duringWait) this.collector.crossingFloodWait(method)
          this.collector.floodWait(method)
          throw new RpcError(420, `FLOOD_WAIT_${verdict.seconds}`, verdict.delivered)
        }
      }
      const rate = this.faults.internalErrorRate ?? 0
      if (rate > 0 && this.random.next() < rate) throw err(500, 'INTERNAL_SERVER_ERROR')
      const answer = await handler(request, ctx)
      this.limits.answered(request, ctx, answer)
      return answer
    } catch (e) {
      // anything else is answered 500 INTERNAL_SERVER_ERROR by the protocol layer
      this.collector.error(e instanceof RpcError ? e.errorMessage : 'INTERNAL_SERVER_ERROR')
      throw e
    } finally {
      done()
    }
  }

  answeredByProtocol(answer: ProtocolAnswer): void {
    if (answer.method !== undefined) this.collector.call(answer.method, answer.dcId)
    else this.collector.unparsed(answer.constructorId)
    if (answer.error !== undefined) this.collector.error(answer.error)
  }
}

/** The application layer over a world. */
export function createApiApp(world: World, options: ApiAppOptions = {}): ApiApp {
  return new ApiAppImpl(world, options)
}
