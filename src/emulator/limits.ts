/**
 * Limits profiles of the emulator: `none` (today's permissive emulator, the default) and `telegram`, the walls a bulk
 * job meets on Telegram. Every number below names its source; "community figure" marks a number Telegram publishes
 * nowhere, taken from field reports; "emulator figure" one that no report pins down either.
 *
 * - `contacts.resolveUsername`: at most 200 resolves per account in any sliding 24-hour window (community figure:
 *   "about 200 a day" as the community cites it; Telegram's method page lists no flood limit at all; field reports of
 *   15–18-hour `FLOOD_WAIT`s after 160+ quick resolves, axisrow/tg_content_factory#551, 66 230 s and 56 785 s, and of
 *   48 038 s, LonamiWebs/Telethon#3107). A refused resolve answers `420 FLOOD_WAIT_X` with the true seconds until the
 *   oldest resolve in the window leaves it. Resolving a username the account already resolved is charged again:
 *   Telegram documents no exemption, field reports (ibid. #790) see duplicated resolves spend the budget faster, and
 *   clients (TDLib) cache resolved usernames themselves.
 * - Parallel downloads per DC: `help.getAppConfig` publishes `small_queue_max_active_operations_count` = 5 and
 *   `large_queue_max_active_operations_count` = 2 (the keys: https://core.telegram.org/api/config#client-configuration
 *   and https://core.telegram.org/api/files, "files smaller/bigger than 20MB"; the values: what Telegram's
 *   `help.getAppConfig` answers accounts today, as client configs dumped in public repositories show). Telegram does
 *   not refuse a client that exceeds them; the emulator counts the peak of concurrent `upload.getFile` requests (and of
 *   distinct files among them) per account and DC.
 * - Download speed of non-premium accounts: `420 FLOOD_PREMIUM_WAIT_X` "indicates that download speed is limited
 *   because the current account does not have a Premium subscription, and that the query must be automatically repeated
 *   by the client after X seconds" (https://core.telegram.org/api/files); premium accounts never receive it
 *   (https://core.telegram.org/api/premium, `faster_download`). The budget is an emulator figure: 64 MiB of
 *   `upload.getFile` bytes per account in any sliding 60-second window; a request while the window holds that much
 *   answers the seconds until it holds less.
 * - `auth.exportAuthorization`: at most 100 per account in any sliding hour (community figure: pyrogram#1287, a wait of
 *   1 076–2 856 s about every 100 downloads from other DCs; Telethon#3107, 849 s).
 *
 * Each is overridable: `{ profile: 'telegram', resolveUsername: { requests: 5 } }`, or `false` to switch one off.
 */

/** A quota of requests per account in a sliding window. */
export interface RequestQuota {
  /** Requests an account may make in any window. */
  readonly requests: number
  /** Length of the window in seconds. */
  readonly windowSeconds: number
}

/** The `contacts.resolveUsername` quota. */
export interface ResolveUsernameQuota extends RequestQuota {
  /** Whether resolving a username the account resolved within the window is charged again. */
  readonly chargeRepeats: boolean
}

/** The parallel-download advice `help.getAppConfig` publishes (files per DC at once). */
export interface ParallelFileLimits {
  /** `small_queue_max_active_operations_count`: files under 20 MB. */
  readonly smallQueue: number
  /** `large_queue_max_active_operations_count`: files of 20 MB and more. */
  readonly largeQueue: number
}

/** Bytes a non-premium account may download in a sliding window before `FLOOD_PREMIUM_WAIT_X`. */
export interface DownloadBudget {
  readonly bytes: number
  readonly windowSeconds: number
}

/** Resolved limits: an absent limit is off. */
export interface EmulatorLimits {
  readonly resolveUsername?: ResolveUsernameQuota
  readonly parallelFiles: ParallelFileLimits
  readonly downloadBudget?: DownloadBudget
  readonly exportAuthorization?: RequestQuota
}

/** A profile name. */
export type LimitsProfileName = 'none' | 'telegram'

/** A profile with some of its numbers overridden (`false` switches a limit off). */
export interface LimitsOverrides {
  /** The profile overridden. Default `telegram`. */
  readonly profile?: LimitsProfileName
  readonly resolveUsername?: Partial<ResolveUsernameQuota> | false
  readonly parallelFiles?: Partial<ParallelFileLimits>
  readonly downloadBudget?: Partial<DownloadBudget> | false
  readonly exportAuthorization?: Partial<RequestQuota> | false
}

/** What `startEmulator({ limits })` and `--limits` take. */
export type LimitsOption = LimitsProfileName | LimitsOverrides

/** The parallel-download advice Telegram publishes (see the header). */
export const TELEGRAM_PARALLEL_FILES: ParallelFileLimits = { smallQueue: 5, largeQueue: 2 }

/** Files of this size and more are in the large queue (https://core.telegram.org/api/files). */
export const LARGE_FILE_BYTES = 20 * 1024 * 1024

/** The `telegram` profile (see the header for each number's source). */
export const TELEGRAM_LIMITS: EmulatorLimits = {
  resolveUsername: { requests: 200, windowSeconds: 86_400, chargeRepeats: true },
  parallelFiles: TELEGRAM_PARALLEL_FILES,
  downloadBudget: { bytes: 64 * 1024 * 1024, windowSeconds: 60 },
  exportAuthorization: { requests: 100, windowSeconds: 3600 },
}

/** The `none` profile: nothing limited; the parallel-download advice is still published. */
export const NO_LIMITS: EmulatorLimits = { parallelFiles: TELEGRAM_PARALLEL_FILES }

function merged<T extends object>(base: T | undefined, fallback: T, over: Partial<T> | false | undefined): T | undefined {
  if (over === false) return undefined
  if (over === undefined) return base
  return { ...(base ?? fallback), ...over }
}

function checkQuota(name: string, count: number, windowSeconds: number): void {
  if (!(count >= 0) || !(windowSeconds > 0)) throw new RangeError(`limits.${name}: a count must be at least 0 and a window above 0`)
}

/** The limits an option names (default `none`); an override starts from the `telegram` profile's number. */
export function resolveLimits(option: LimitsOption = 'none'): EmulatorLimits {
  if (option === 'none') return NO_LIMITS
  if (option === 'telegram') return TELEGRAM_LIMITS
  const base = option.profile === 'none' ? NO_LIMITS : TELEGRAM_LIMITS
  const t = TELEGRAM_LIMITS as Required<EmulatorLimits>
  const resolveUsername = merged(base.resolveUsername, t.resolveUsername, option.resolveUsername)
  const downloadBudget = merged(base.downloadBudget, t.downloadBudget, option.downloadBudget)
  const exportAuthorization = merged(base.exportAuthorization, t.exportAuthorization, option.exportAuthorization)
  if (resolveUsername !== undefined) checkQuota('resolveUsername', resolveUsername.requests, resolveUsername.windowSeconds)
  if (downloadBudget !== undefined) checkQuota('downloadBudget', downloadBudget.bytes, downloadBudget.windowSeconds)
  if (exportAuthorization !== undefined) {
    checkQuota('exportAuthorization', exportAuthorization.requests, exportAuthorization.windowSeconds)
  }
  return {
    parallelFiles: { ...base.parallelFiles, ...option.parallelFiles },
    ...(resolveUsername !== undefined ? { resolveUsername } : {}),
    ...(downloadBudget !== undefined ? { downloadBudget } : {}),
    ...(exportAuthorization !== undefined ? { exportAuthorization } : {}),
  }
}

/** One charge in a {@link SlidingWindow}. */
interface Charge {
  readonly atMs: number
  readonly weight: number
}

/**
 * Charges of one account in a sliding window (requests of weight 1, or bytes): a new request passes while the
 * window holds less than `capacity`; when it does not, {@link waitMs} tells how long until it will.
 */
export class SlidingWindow {
  private readonly charges: Charge[] = []
  private head = 0
  private total = 0

  constructor(
    readonly capacity: number,
    readonly windowMs: number,
  ) {}

  /** Drops the charges that left the window at `nowMs` (a charge made at t is in the window until t + window). */
  private expire(nowMs: number): void {
    while (this.head < this.charges.length && this.charges[this.head]!.atMs + this.windowMs <= nowMs) {
      this.total -= this.charges[this.head]!.weight
      this.head++
    }
    if (this.head > 1024 && this.head * 2 > this.charges.length) {
      this.charges.splice(0, this.head)
      this.head = 0
    }
  }

  /** What the window holds at `nowMs`. */
  used(nowMs: number): number {
    this.expire(nowMs)
    return this.total
  }

  /**
   * 0 when a request may pass at `nowMs`, else the milliseconds until enough charges leave the window for the
   * window to hold less than `capacity - weight + 1` (for requests, weight 1: until the oldest leaves).
   */
  waitMs(nowMs: number, weight = 1): number {
    this.expire(nowMs)
    const limit = this.capacity - weight
    if (this.total <= limit) return 0
    let total = this.total
    for (let i = this.head; i < this.charges.length; i++) {
      const c = this.charges[i]!
      total -= c.weight
      if (total <= limit) return c.atMs + this.windowMs - nowMs
    }
    // A weight above the capacity never fits: it waits for the whole window to empty (a whole window when empty).
    const newest = this.charges[this.charges.length - 1]
    return newest !== undefined && this.head < this.charges.length ? newest.atMs + this.windowMs - nowMs : this.windowMs
  }

  /** Records a charge at `nowMs`. */
  charge(nowMs: number, weight = 1): void {
    this.expire(nowMs)
    this.charges.push({ atMs: nowMs, weight })
    this.total += weight
  }
}

/** Seconds of a `FLOOD_WAIT_X` for a wait of `ms`: whole seconds, rounded up, at least 1. */
export function waitSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}
