import type { ArchiveEvent, ArchiveSummary, BotApiErrorJson } from '../../../src/archive/types.js'
import { ArchiveProgress, formatBytes, formatDuration } from '../../../src/cli/progress.js'
import { clearSecrets, registerSecret } from '../../../src/client/redact.js'

const REDRAW = '\r\u001b[2K'
/** The fake clock starts on a whole unix second, so flood-wait ends (unix seconds) line up with it. */
const START_MS = 1_700_000_000_000
const START_S = START_MS / 1000

const counts = { listed: 1, downloaded: 1, adopted: 0, unchanged: 0, gone: 0, bytes: 0 }
const done = (user: string): ArchiveEvent => ({ type: 'user-done', user, user_id: 1, counts })
const error = (description: string): BotApiErrorJson => ({ ok: false, error_code: 400, description })
const failed = (user: string, description: string): ArchiveEvent => ({ type: 'user-failed', user, error: error(description) })
const waiting = (user: string): ArchiveEvent => ({ type: 'user-waiting', user, method: 'contacts.resolveUsername', until: START_S + 86_400 })
const saved = (bytes: number): ArchiveEvent => ({ type: 'file-saved', user_id: 1, path: '1/1_c.jpg', bytes, adopted: false })
const summary: ArchiveSummary = {
  complete: true,
  out: 'archive',
  users: { done: 0, failed: 0, skipped_duplicates: 0, done_before: 0, waiting: 0 },
  files: { downloaded: 0, adopted: 0, unchanged: 0, gone: 0, bytes: 0 },
  rpc: {},
  flood_waits: {},
  retries: 0,
  swept_partials: 0,
  sources_failed: 0,
  duration_ms: 0,
}

/** A display on a fake terminal with a fake clock; `line()` is the last line drawn, without the redraw prefix. */
function display(options: { total?: number; columns?: number } = {}) {
  let now = START_MS
  const writes: string[] = []
  const out = { write: (chunk: string) => writes.push(chunk), ...(options.columns !== undefined ? { columns: options.columns } : {}) }
  const progress = new ArchiveProgress({ out, now: () => now, ...(options.total !== undefined ? { total: options.total } : {}) })
  return {
    progress,
    writes,
    advance: (ms: number): void => {
      now += ms
    },
    /** Redraws, then gives the line drawn. */
    line: (): string => {
      progress.tick()
      const last = writes.at(-1) ?? ''
      expect(last.startsWith(REDRAW)).toBe(true)
      return last.slice(REDRAW.length)
    },
  }
}

describe('formatDuration', () => {
  it('shows the two largest units', () => {
    expect([45, 200, 4 * 3600 + 12 * 60, 2 * 86_400 + 3 * 3600].map(formatDuration)).toEqual(['45s', '3m 20s', '4h 12m', '2d 3h'])
  })

  it('rounds to whole seconds and keeps a zero lower unit', () => {
    expect([0, 0.4, 59.6, 3600, 86_400].map(formatDuration)).toEqual(['0s', '0s', '1m 0s', '1h 0m', '1d 0h'])
  })

  it('shows 0s for negative and non-finite durations', () => {
    expect([-5, Number.NaN, Number.POSITIVE_INFINITY].map(formatDuration)).toEqual(['0s', '0s', '0s'])
  })
})

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect([512, 1536, 80.2 * 1024 * 1024, 1.25 * 1024 ** 3].map(formatBytes)).toEqual(['512 B', '1.5 KiB', '80.2 MiB', '1.25 GiB'])
  })
})

describe('ArchiveProgress', () => {
  it('shows users finished, files, bytes and rate without a total, and no ETA', () => {
    const d = display()
    expect(d.line()).toBe('users 0')
    d.advance(2000)
    d.progress.on(saved(1024))
    d.progress.on(saved(2048))
    d.progress.on(done('@a'))
    expect(d.line()).toBe('users 1 | files 2 | 3.0 KiB | 1.5 KiB/s')
  })

  it('shows users finished of the total and the ETA at the pace so far', () => {
    const d = display({ total: 4 })
    expect(d.line()).toBe('users 0/4')
    d.advance(10_000)
    d.progress.on(done('@a'))
    expect(d.line()).toBe('users 1/4 | ETA 30s')
    d.advance(190_000)
    d.progress.on(done('@b'))
    expect(d.line()).toBe('users 2/4 | ETA 3m 20s')
  })

  it('does not count users left waiting as remaining for the ETA', () => {
    const d = display({ total: 4 })
    d.advance(10_000)
    d.progress.on(done('@a'))
    d.progress.on(waiting('@w'))
    expect(d.line()).toBe('users 1/4 (1 waiting) | ETA 20s')
  })

  it('drops the ETA once every remaining user is finished or waiting', () => {
    const d = display({ total: 2 })
    d.advance(1000)
    d.progress.on(done('@a'))
    d.progress.on(waiting('@w'))
    expect(d.line()).toBe('users 1/2 (1 waiting)')
  })

  it('grows the total by the members a chat announces, and settles it on the users the chat handed on', () => {
    const d = display({ total: 2 })
    d.progress.on({ type: 'source-start', source: '@chat', title: 'Chat', members: 10 })
    expect(d.line()).toBe('users 0/12')
    d.progress.on({ type: 'source-done', source: '@chat', users: 8 })
    expect(d.line()).toBe('users 0/10')
  })

  it('takes a total from the chats alone when none was given, and counts a source without a count when it is done', () => {
    const d = display()
    d.progress.on({ type: 'source-start', source: '@chat', members: 5 })
    expect(d.line()).toBe('users 0/5')
    d.progress.on({ type: 'source-start', source: '@other' })
    expect(d.line()).toBe('users 0/5')
    d.progress.on({ type: 'source-done', source: '@other', users: 3 })
    expect(d.line()).toBe('users 0/8')
  })

  it('leaves the total out once more users are seen than it counts', () => {
    const d = display({ total: 1 })
    d.progress.on(done('@a'))
    d.progress.on(done('@b'))
    expect(d.line()).toBe('users 2')
  })

  it('counts failed and waiting users, and a waiting user finished later is no longer waiting', () => {
    const d = display()
    d.progress.on(waiting('@w'))
    d.progress.on(waiting('@v'))
    d.progress.on(waiting('@v'))
    expect(d.line()).toBe('users 0 (2 waiting)')
    d.progress.on(failed('@f', 'Bad Request: user not found'))
    d.progress.on(done('@v'))
    expect(d.line()).toBe('users 2 (1 failed, 1 waiting) | @f: Bad Request: user not found')
    d.progress.on(failed('@w', 'Bad Request: USERNAME_INVALID'))
    expect(d.line()).toBe('users 3 (2 failed) | @w: Bad Request: USERNAME_INVALID')
  })

  it('shows the latest failure of a user or a source as the note', () => {
    const d = display()
    d.progress.on(failed('@bob', 'Bad Request: user not found'))
    d.progress.on({ type: 'source-failed', source: '@chat', error: error('Bad Request: CHANNEL_PRIVATE') })
    d.progress.on(done('@a'))
    expect(d.line()).toBe('users 2 (1 failed) | @chat: Bad Request: CHANNEL_PRIVATE')
  })

  it('counts a user an earlier run of the job archived as finished', () => {
    const d = display({ total: 3 })
    d.progress.on({ type: 'user-done-before', user: '@a', user_id: 1 })
    d.progress.on({ type: 'user-done-before', user: '@b', user_id: 2 })
    d.progress.on(done('@c'))
    expect(d.line()).toBe('users 3/3')
  })

  it('names a source left waiting, and for what', () => {
    const d = display()
    d.progress.on({ type: 'source-waiting', source: '@emulator_open_square', method: 'contacts.resolveUsername', until: START_S + 86_400 })
    expect(d.line()).toBe('users 0 | @emulator_open_square: waits for contacts.resolveUsername')
  })

  it('counts a running flood wait down and drops it once its end has passed', () => {
    const d = display()
    d.progress.on({ type: 'flood-wait', method: 'contacts.resolveUsername', seconds: 15_120, until: START_S + 15_120 })
    expect(d.line()).toBe('users 0 | waiting for contacts.resolveUsername: 4h 12m left')
    d.advance(20 * 60_000)
    expect(d.line()).toBe('users 0 | waiting for contacts.resolveUsername: 3h 52m left')
    d.advance((15_120 - 20 * 60 - 1) * 1000)
    expect(d.line()).toBe('users 0 | waiting for contacts.resolveUsername: 1s left')
    d.advance(1000)
    expect(d.line()).toBe('users 0')
  })

  it('shows the running flood wait that ends last', () => {
    const d = display()
    d.progress.on({ type: 'flood-wait', method: 'upload.getFile', seconds: 30, until: START_S + 30 })
    d.progress.on({ type: 'flood-wait', method: 'photos.getUserPhotos', seconds: 45, until: START_S + 45 })
    d.progress.on({ type: 'flood-wait', method: 'upload.getFile', seconds: 10, until: START_S + 10 })
    expect(d.line()).toBe('users 0 | waiting for photos.getUserPhotos: 45s left')
    d.advance(45_000)
    expect(d.line()).toBe('users 0')
  })

  it('puts the parts in order: users, files, bytes, rate, ETA, flood wait, note', () => {
    const d = display({ total: 3, columns: 200 })
    d.advance(4000)
    d.progress.on(saved(4 * 1024 * 1024))
    d.progress.on(done('@a'))
    d.progress.on(failed('@bob', 'Bad Request: user not found'))
    d.progress.on({ type: 'flood-wait', method: 'contacts.resolveUsername', seconds: 200, until: START_S + 4 + 200 })
    expect(d.line()).toBe(
      'users 2/3 (1 failed) | files 1 | 4.0 MiB | 1.0 MiB/s | ETA 2s | waiting for contacts.resolveUsername: 3m 20s left | @bob: Bad Request: user not found',
    )
  })

  it('cuts the line to one character less than the terminal width', () => {
    const d = display({ columns: 20 })
    d.progress.on(failed('@bob', 'Bad Request: user not found'))
    expect(d.line()).toBe('users 1 (1 failed) ')
  })

  it('cuts the line to 120 characters when the terminal width is unknown', () => {
    const d = display()
    d.progress.on(failed('@bob', 'x'.repeat(300)))
    expect(d.line()).toBe(`users 1 (1 failed) | @bob: ${'x'.repeat(120 - 'users 1 (1 failed) | @bob: '.length)}`)
  })

  it('never writes a session string, even when the cut would fall inside it', () => {
    const session = `1${'AbCd+/09'.repeat(40)}=`
    const d = display({ columns: 60 })
    d.progress.on({ type: 'source-failed', source: '@chat', error: error(`Bad Request: ${session}`) })
    expect(d.writes.join('')).not.toContain(session.slice(0, 20))
    expect(d.line()).toBe('users 0 | @chat: Bad Request: [REDACTED]')
  })

  it('never writes a registered secret', () => {
    registerSecret('0123456789abcdef0123456789abcdef')
    try {
      const d = display()
      d.progress.on(failed('@bob', 'Unauthorized: api_hash 0123456789abcdef0123456789abcdef'))
      expect(d.line()).toBe('users 1 (1 failed) | @bob: Unauthorized: api_hash [REDACTED]')
    } finally {
      clearSecrets()
    }
  })

  it('keeps the line on one line when a note holds control characters', () => {
    const d = display()
    d.progress.on(failed('@bob\u001b[31m', 'Bad Request:\nuser not found'))
    expect(d.line()).toBe('users 1 (1 failed) | @bob [31m: Bad Request: user not found')
  })

  it('draws at most every 100 ms and always on the summary', () => {
    const d = display()
    d.progress.on(done('@a'))
    d.advance(50)
    d.progress.on(done('@b'))
    expect(d.writes).toEqual([`${REDRAW}users 1`])
    d.advance(49)
    d.progress.on(done('@c'))
    expect(d.writes).toHaveLength(1)
    d.advance(1)
    d.progress.on(done('@d'))
    expect(d.writes).toEqual([`${REDRAW}users 1`, `${REDRAW}users 4`])
    d.progress.on({ type: 'summary', summary })
    expect(d.writes).toEqual([`${REDRAW}users 1`, `${REDRAW}users 4`, `${REDRAW}users 4`])
  })

  it('draws on every tick, whatever the time since the last draw', () => {
    const d = display()
    d.progress.on(done('@a'))
    d.progress.on(done('@b'))
    d.progress.tick()
    expect(d.writes).toEqual([`${REDRAW}users 1`, `${REDRAW}users 2`])
  })

  it('ends by bringing the last line up to date and a newline, once; nothing is drawn after', () => {
    const d = display()
    d.progress.on(done('@a'))
    d.progress.on(done('@b'))
    d.progress.end()
    d.progress.end()
    d.progress.on(done('@c'))
    d.progress.tick()
    expect(d.writes).toEqual([`${REDRAW}users 1`, `${REDRAW}users 2`, '\n'])
  })

  it('ends without writing anything when nothing was drawn', () => {
    const d = display()
    d.progress.end()
    expect(d.writes).toEqual([])
  })
})
