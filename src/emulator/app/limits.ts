/**
 * The limits profile at work (../limits.ts has the numbers and their sources): the per-account quotas of
 * `contacts.resolveUsername` and `auth.exportAuthorization` (`420 FLOOD_WAIT_X`, X the true seconds until the
 * oldest charge leaves the window), the non-premium download budget of `upload.getFile` (`420 FLOOD_PREMIUM_WAIT_X`),
 * the count of `upload.getFile` requests in progress per account and DC, and `help.getAppConfig`, which publishes
 * the parallel-download advice.
 *
 * A request refused while a wait this limit issued to the account still runs counts in `requestsDuringFloodWait`
 * when the client sent it (by its msg_id) after an answer of that wait had reached it, else in
 * `requestsCrossingFloodWait`, as for the faults' flood rules.
 *
 * Our readings where Telegram is silent:
 * - A quota charges a request when it passes, whatever its answer (`USERNAME_NOT_OCCUPIED` included); a refused
 *   request is not charged.
 * - The download budget charges the bytes served; a request passes while the window holds less than the budget,
 *   so the last one may overshoot it by one part.
 * - `help.getAppConfig`'s hash is the first 4 bytes of the SHA-256 of the published JSON, as a signed int; asking
 *   with it answers `help.appConfigNotModified`.
 */
import { createHash } from 'node:crypto'
import { RpcError, type CallContext, type RpcAnswer, type TlRequest } from '../rpc.js'
import { FLOOD_WAIT_READ_GRACE_MS, msgIdSentMs, type Clock } from '../faults.js'
import { SlidingWindow, waitSeconds, type EmulatorLimits, type RequestQuota } from '../limits.js'
import type { StatsCollector } from '../stats.js'
import type { TlObject } from '../tl/codec.js'
import { int, str } from '../tl/fields.js'
import type { World } from '../world.js'
import type { Handler } from './core.js'

/** The account a request is charged to: its logged-in user, else its auth key. */
function accountOf(ctx: CallContext): string {
  return ctx.auth.userId !== undefined ? String(ctx.auth.userId) : `key:${ctx.auth.authKeyId}`
}

/** A file an `upload.getFile` location names, for counting distinct files in progress. */
function fileKeyOf(request: TlRequest): string {
  const loc = request['location'] as TlObject | undefined
  if (loc === undefined) return '?'
  const id = loc['id'] ?? loc['photo_id']
  return `${loc._}:${String(id)}:${String(loc['thumb_size'] ?? loc['big'] ?? '')}`
}

/** The `upload.getFile` requests of one account on one DC in progress, per file. */
class InProgress {
  requests = 0
  readonly files = new Map<string, number>()
}

/** A wait a limit issued to one account: until when, and when its first answer reached the client. */
interface IssuedWait {
  untilMs: number
  /** `Infinity` until an answer of this wait has been written to the client. */
  writtenMs: number
}

/** Quotas, budget and counters of one application layer. */
export class AppLimits {
  private readonly windows = new Map<string, SlidingWindow>()
  /** When each (account, username) was last charged, for a quota that does not charge repeats. */
  private readonly resolvedAt = new Map<string, number>()
  private readonly inProgress = new Map<string, InProgress>()
  private readonly waits = new Map<string, IssuedWait>()

  constructor(
    private readonly limits: EmulatorLimits,
    private readonly clock: Clock,
    private readonly collector: StatsCollector,
    private readonly world: World,
  ) {}

  private window(kind: string, account: string, capacity: number, windowSeconds: number): SlidingWindow {
    const key = `${kind}\u0000${account}`
    let w = this.windows.get(key)
    if (w === undefined) {
      w = new SlidingWindow(capacity, windowSeconds * 1000)
      this.windows.set(key, w)
    }
    return w
  }

  /** Passes `request` or throws the limit's answer; charges a quota for what passes. Runs after the login check. */
  admit(request: TlRequest, method: string, ctx: CallContext): void {
    const account = accountOf(ctx)
    const now = this.clock.now()
    if (request._ === 'contacts.resolveUsername' && this.limits.resolveUsername !== undefined) {
      const quota = this.limits.resolveUsername
      const name = str(request, 'username').replace(/^@/, '').toLowerCase()
      const seen = `${account}\u0000${name}`
      const last = this.resolvedAt.get(seen)
      if (!quota.chargeRepeats && last !== undefined && now < last + quota.windowSeconds * 1000) return
      this.takeQuota('resolve', account, method, quota, ctx, now)
      this.resolvedAt.set(seen, now)
    } else if (request._ === 'auth.exportAuthorization' && this.limits.exportAuthorization !== undefined) {
      this.takeQuota('export', account, method, this.limits.exportAuthorization, ctx, now)
    } else if (request._ === 'upload.getFile' && this.limits.downloadBudget !== undefined && !this.isPremium(ctx)) {
      const budget = this.limits.downloadBudget
      const wait = this.window('bytes', account, budget.bytes, budget.windowSeconds).waitMs(now)
      if (wait > 0) {
        this.collector.premiumWait(account)
        throw this.refusal('bytes', account, method, ctx, now, wait, 'FLOOD_PREMIUM_WAIT')
      }
    }
  }

  private takeQuota(kind: string, account: string, method: string, quota: RequestQuota, ctx: CallContext, now: number): void {
    const w = this.window(kind, account, quota.requests, quota.windowSeconds)
    const wait = w.waitMs(now)
    if (wait > 0) {
      this.collector.quotaRefusal(method)
      this.collector.floodWait(method)
      throw this.refusal(kind, account, method, ctx, now, wait, 'FLOOD_WAIT')
    }
    w.charge(now)
  }

  /**
   * The 420 answer of a wait of `waitMs`, counting a request the client sent after it had been told of a running
   * wait (`requestsDuringFloodWait`) apart from one that crossed the answer (`requestsCrossingFloodWait`), as the
   * faults' flood rules do.
   */
  private refusal(kind: string, account: string, method: string, ctx: CallContext, now: number, waitMs: number, name: string): RpcError {
    const key = `${kind}\u0000${account}`
    let issued = this.waits.get(key)
    if (issued !== undefined && now < issued.untilMs) {
      if (msgIdSentMs(ctx.msgId) >= issued.writtenMs + FLOOD_WAIT_READ_GRACE_MS) this.collector.duringFloodWait(method)
      else this.collector.crossingFloodWait(method)
    } else {
      issued = { untilMs: now + waitMs, writtenMs: Number.POSITIVE_INFINITY }
      this.waits.set(key, issued)
    }
    const wait = issued
    return new RpcError(420, `${name}_${waitSeconds(waitMs)}`, () => {
      wait.writtenMs = Math.min(wait.writtenMs, this.clock.now())
    })
  }

  private isPremium(ctx: CallContext): boolean {
    const id = ctx.auth.userId
    return id !== undefined && this.world.userById(id)?.account?.premium === true
  }

  /** Charges the bytes an `upload.getFile` answer carries to the download budget. */
  answered(request: TlRequest, ctx: CallContext, answer: RpcAnswer): void {
    const budget = this.limits.downloadBudget
    if (request._ !== 'upload.getFile' || budget === undefined || this.isPremium(ctx)) return
    const data = (answer as TlObject | undefined)?.['bytes']
    if (!Buffer.isBuffer(data) || data.length === 0) return
    this.window('bytes', accountOf(ctx), budget.bytes, budget.windowSeconds).charge(this.clock.now(), data.length)
  }

  /** Counts an `upload.getFile` request as in progress until the returned function is called. */
  begin(request: TlRequest, ctx: CallContext): () => void {
    if (request._ !== 'upload.getFile') return () => {}
    const account = accountOf(ctx)
    const key = `${account}\u0000${ctx.dcId}`
    let p = this.inProgress.get(key)
    if (p === undefined) {
      p = new InProgress()
      this.inProgress.set(key, p)
    }
    const progress = p
    const file = fileKeyOf(request)
    progress.requests++
    progress.files.set(file, (progress.files.get(file) ?? 0) + 1)
    this.collector.downloadsInProgress(account, ctx.dcId, progress.requests, progress.files.size)
    let ended = false
    return () => {
      if (ended) return
      ended = true
      progress.requests--
      const left = (progress.files.get(file) ?? 1) - 1
      if (left > 0) progress.files.set(file, left)
      else progress.files.delete(file)
    }
  }

  /** `help.getAppConfig`. */
  handlers(): Record<string, Handler> {
    const files = this.limits.parallelFiles
    const entries: [string, number][] = [
      ['small_queue_max_active_operations_count', files.smallQueue],
      ['large_queue_max_active_operations_count', files.largeQueue],
    ]
    const config: TlObject = {
      _: 'jsonObject',
      value: entries.map(([key, value]) => ({ _: 'jsonObjectValue', key, value: { _: 'jsonNumber', value } })),
    }
    const text = JSON.stringify(Object.fromEntries(entries))
    const hash = createHash('sha256').update(text).digest().readInt32LE(0)
    const getAppConfig = (r: TlObject): TlObject =>
      int(r, 'hash') === hash ? { _: 'help.appConfigNotModified' } : { _: 'help.appConfig', hash, config }
    return { 'help.getAppConfig': getAppConfig }
  }
}
