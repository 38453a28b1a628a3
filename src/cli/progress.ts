/**
 * The `archive` command's progress display on a terminal: one line, redrawn in place, driven by the archiver's
 * events. It says how many users are finished of how many, what was saved and how fast, about when the run ends, which
 * flood wait the run is sitting out and for how long, and the latest failure.
 */
import type { ArchiveEvent, BotApiErrorJson } from '../archive/types.js'
import { redact } from '../client/redact.js'

/** Shortest time between two draws, so a fast run does not spend itself on the terminal. */
const DRAW_EVERY_MS = 100

/** How many characters a line has when the terminal width is unknown. */
const DEFAULT_WIDTH = 120

/** Carriage return, then erase the whole line: the next draw replaces the last one. */
const REDRAW = '\r\u001b[2K'

const SEPARATOR = ' | '

// C0 and C1 controls: a newline or escape sequence in a reference or an error text would break the line in place.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g

/** Options of {@link ArchiveProgress}. */
export interface ArchiveProgressOptions {
  /** Where the display is drawn (a TTY stream: stderr). `columns` is the terminal width when known. Required. */
  readonly out: { write(chunk: string): unknown; readonly columns?: number }
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number
  /**
   * Users known to be in the run from the start (references given on the command line / in the list file).
   * Default 0 (unknown).
   */
  readonly total?: number
}

/** `512 B`, `1.5 KiB`, `80.2 MiB`, `1.25 GiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`
  return `${(n / 1024 ** 3).toFixed(2)} GiB`
}

/**
 * A duration in its two largest units, rounded to whole seconds: `45s`, `3m 20s`, `4h 12m`, `2d 3h`. Negative and
 * non-finite values are `0s`.
 */
export function formatDuration(seconds: number): string {
  const s = Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds) : 0
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`
}

function failureNote(subject: string, error: BotApiErrorJson): string {
  return `${subject}: ${error.description}`
}

/** `text` cut to `width` characters, never inside a surrogate pair. */
function cut(text: string, width: number): string {
  const chars = Array.from(text)
  return chars.length <= width ? text : chars.slice(0, width).join('')
}

/**
 * A one-line progress display of an archive run on a terminal:
 * `users 15/24 (1 failed, 3 waiting) | files 654 | 80.2 MiB | 2.1 MiB/s | ETA 3m 20s |
 * waiting for contacts.resolveUsername: 4h 12m left | @bob: Bad Request: user not found`.
 * Parts with nothing to say are left out. Every line passes through `redact` before it is written.
 */
export class ArchiveProgress {
  private readonly out: ArchiveProgressOptions['out']
  private readonly now: () => number
  private readonly started: number
  private total: number
  /** Users done or failed. */
  private finished = 0
  private failed = 0
  /** References left waiting for a later pass or run, until they are done or failed. */
  private readonly waiting = new Set<string>()
  private files = 0
  private bytes = 0
  /** Member counts added to the total, by source, so a source's own count of its users can replace them. */
  private readonly counted = new Map<string, number>()
  /** Flood waits the run sits out: method → unix time the wait ends. */
  private readonly floodWaits = new Map<string, number>()
  private note = ''
  private lastDraw = -Infinity
  private drawn = false
  private ended = false

  constructor(options: ArchiveProgressOptions) {
    this.out = options.out
    this.now = options.now ?? Date.now
    this.total = Math.max(0, options.total ?? 0)
    this.started = this.now()
  }

  /** Takes one archiver event; redraws at most every 100 ms, and always on `summary`. Nothing after {@link end}. */
  on(event: ArchiveEvent): void {
    if (this.ended) return
    this.take(event)
    if (event.type === 'summary' || this.now() - this.lastDraw >= DRAW_EVERY_MS) this.draw()
  }

  /** Redraws now (called once a second, so a countdown moves while nothing else happens). Nothing after {@link end}. */
  tick(): void {
    if (!this.ended) this.draw()
  }

  /** Ends the display: the last line stays, brought up to date, followed by a newline. Idempotent. */
  end(): void {
    if (this.ended) return
    // A display never drawn leaves the terminal as it was, without an empty line.
    if (this.drawn) {
      this.draw()
      this.out.write('\n')
    }
    this.ended = true
  }

  private take(event: ArchiveEvent): void {
    switch (event.type) {
      case 'user-done':
      case 'user-done-before':
        this.finish(event.user)
        break
      case 'user-failed':
        this.failed++
        this.finish(event.user)
        this.note = failureNote(event.user, event.error)
        break
      case 'user-waiting':
        this.waiting.add(event.user)
        break
      case 'file-saved':
        this.files++
        this.bytes += event.bytes
        break
      case 'source-start':
        if (event.members !== undefined) this.count(event.source, event.members)
        break
      case 'source-done':
        // The users a source handed on (without the account itself and deleted accounts) replace the count it announced.
        this.count(event.source, event.users)
        break
      case 'source-failed':
        this.note = failureNote(event.source, event.error)
        break
      case 'source-waiting':
        this.note = `${event.source}: waits for ${event.method}`
        break
      case 'flood-wait':
        this.floodWaits.set(event.method, Math.max(event.until, this.floodWaits.get(event.method) ?? 0))
        break
      default:
        break
    }
  }

  private finish(user: string): void {
    this.finished++
    this.waiting.delete(user)
  }

  private count(source: string, users: number): void {
    this.total += users - (this.counted.get(source) ?? 0)
    this.counted.set(source, users)
  }

  private draw(): void {
    this.lastDraw = this.now()
    this.drawn = true
    const columns = this.out.columns
    const width = columns !== undefined && columns > 0 ? columns - 1 : DEFAULT_WIDTH
    // Redacted before the cut, so a cut can never leave part of a secret too short to be recognised.
    const line = redact(this.line()).replace(CONTROLS, ' ')
    this.out.write(`${REDRAW}${cut(line, width)}`)
  }

  private line(): string {
    const elapsed = (this.now() - this.started) / 1000
    const parts = [this.usersPart()]
    if (this.files > 0) parts.push(`files ${this.files}`)
    if (this.bytes > 0) parts.push(formatBytes(this.bytes))
    if (this.bytes > 0 && elapsed > 0) parts.push(`${formatBytes(this.bytes / elapsed)}/s`)
    const eta = this.eta(elapsed)
    if (eta !== undefined) parts.push(`ETA ${formatDuration(eta)}`)
    const flood = this.floodPart()
    if (flood !== undefined) parts.push(flood)
    if (this.note !== '') parts.push(this.note)
    return parts.join(SEPARATOR)
  }

  /** The total, when it is known and consistent with what was seen. */
  private knownTotal(): number | undefined {
    // More users seen than counted: the total missed some (a list read from stdin), so it says nothing.
    if (this.total === 0 || this.finished + this.waiting.size > this.total) return undefined
    return this.total
  }

  private usersPart(): string {
    const total = this.knownTotal()
    const counts = [
      ...(this.failed > 0 ? [`${this.failed} failed`] : []),
      ...(this.waiting.size > 0 ? [`${this.waiting.size} waiting`] : []),
    ]
    return `users ${this.finished}${total !== undefined ? `/${total}` : ''}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}`
  }

  /** Seconds until the last user is finished at the pace so far; users left waiting are not part of this run. */
  private eta(elapsed: number): number | undefined {
    const total = this.knownTotal()
    if (total === undefined || this.finished === 0 || elapsed <= 0) return undefined
    const remaining = total - this.finished - this.waiting.size
    if (remaining <= 0) return undefined
    return Math.ceil(remaining / (this.finished / elapsed))
  }

  /** The running flood wait that ends last, with the time left (rounded up, so a running wait never shows `0s`). */
  private floodPart(): string | undefined {
    const nowSeconds = this.now() / 1000
    let latest: [method: string, until: number] | undefined
    for (const [method, until] of this.floodWaits) {
      if (until <= nowSeconds) this.floodWaits.delete(method)
      else if (latest === undefined || until > latest[1]) latest = [method, until]
    }
    if (latest === undefined) return undefined
    return `waiting for ${latest[0]}: ${formatDuration(Math.ceil(latest[1] - nowSeconds))} left`
  }
}
