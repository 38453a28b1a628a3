/**
 * The demo archive's gallery in a real browser: `tg-profile start` (the embedded emulator's 24 demo users) builds it,
 * headless Chromium opens it from `file://`, and the DOM is checked: one tile per user, search narrowing, sorting, a
 * user's timeline newest first, a video avatar that plays, the index readable without JavaScript, no console error,
 * and no request leaving `file://`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { chromiumIt } from '../../helpers/chromium.js'
import { runMain } from '../cli/spawn.js'

// What the callbacks run inside the page use of the DOM (the project compiles without the DOM library).
declare const document: {
  querySelectorAll(selector: string): { length: number }
  querySelector(selector: string): { textContent: string | null } | null
}
interface VideoElement {
  canPlayType(type: string): string
  play(): Promise<void>
  readonly readyState: number
  readonly currentTime: number
  readonly muted: boolean
  readonly loop: boolean
}
interface DatedElement {
  readonly dataset: Record<string, string | undefined>
}

/** Bounds every browser wait: a guard against a hang, far above an honest load of a local page. */
const WAIT_MS = 60_000

interface Demo {
  index: string
  /** Users as the manifest names them: id, username, photo count, whether one photo has a video avatar. */
  users: { id: number; username: string; photos: number; video: boolean }[]
}

async function demoArchive(cwd: string): Promise<Demo> {
  const r = await runMain(['start'], { cwd })
  if (r.code !== 0) throw new Error(`tg-profile start exited ${r.code}: ${r.stderr}`)
  const { result } = JSON.parse(r.stdout) as { result: { gallery: string; out: string } }
  const lines = (await readFile(join(result.out, 'manifest.ndjson'), 'utf8')).split('\n').filter((l) => l !== '')
  const users = new Map<number, Demo['users'][number] & { ids: Set<string> }>()
  for (const record of lines.map((l) => JSON.parse(l) as Record<string, unknown>)) {
    const id = record['user_id'] as number
    const user = users.get(id) ?? { id, username: '', photos: 0, video: false, ids: new Set<string>() }
    users.set(id, user)
    if (record['type'] === 'user') user.username = record['username'] as string
    if (record['type'] === 'file') user.ids.add(record['photo_id'] as string)
    if (record['type'] === 'file' && record['kind'] === 'video') user.video = true
  }
  return { index: result.gallery, users: [...users.values()].map(({ ids, ...u }) => ({ ...u, photos: ids.size })) }
}

/** A page whose console errors, page errors and requests are recorded, and whose requests off `file://` fail. */
async function watchedPage(context: BrowserContext): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const errors: string[] = []
  const requests: string[] = []
  await context.route(/^(?!file:)/, (route) => route.abort())
  const page = await context.newPage()
  page.setDefaultTimeout(WAIT_MS)
  page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined))
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('request', (r) => requests.push(r.url()))
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`))
  return { page, errors, requests }
}

const tileNames = (page: Page): Promise<string[]> => page.locator('#tiles .tile .name').allTextContents()

describe('the gallery in Chromium', () => {
  let dir: string
  let demo: Demo

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgp-gallery-browser-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  chromiumIt('shows every demo user, searches, sorts, and plays a user history from file://', async (executable) => {
    demo = await demoArchive(dir)
    expect(demo.users).toHaveLength(24)
    const browser: Browser = await chromium.launch({
      executablePath: executable,
      timeout: WAIT_MS,
      // Root (CI containers) cannot use Chromium's sandbox; video avatars autoplay without a click.
      args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'],
    })
    try {
      const context = await browser.newContext({ viewport: { width: 1100, height: 800 } })
      const { page, errors, requests } = await watchedPage(context)
      await page.goto(pathToFileURL(demo.index).href)
      await page.locator('form.controls:not([hidden])').waitFor()
      expect(await page.locator('#tiles .tile').count()).toBe(24)
      await page.screenshot({ path: join(dir, 'gallery-index.png') })

      // Search narrows to the usernames containing the text, typed from the keyboard.
      const word = demo.users[0]!.username.split('_')[0]!
      const matching = demo.users.filter((u) => u.username.includes(word)).map((u) => `@${u.username}`)
      expect(matching.length).toBeLessThan(24)
      await page.locator('#q').focus()
      await page.keyboard.type(word)
      await page.waitForFunction((n) => document.querySelectorAll('#tiles .tile').length === n, matching.length)
      expect((await tileNames(page)).sort()).toEqual(matching.sort())
      await page.locator('#q').fill(String(demo.users[1]!.id))
      await page.waitForFunction(() => document.querySelectorAll('#tiles .tile').length === 1)
      expect(await tileNames(page)).toEqual([`@${demo.users[1]!.username}`])
      await page.locator('#q').fill('')

      // Most photos first.
      await page.locator('#sort').selectOption('photos')
      const most = [...demo.users].sort((a, b) => b.photos - a.photos || a.id - b.id)
      await page.waitForFunction((name) => document.querySelector('#tiles .tile .name')?.textContent === name, `@${most[0]!.username}`)

      // A user with a video avatar: timeline newest first, one entry per photo, the video plays.
      const withVideo = most.find((u) => u.video)!
      await page.locator('#q').fill(withVideo.username)
      await page.locator(`#tiles a[href="gallery/users/${withVideo.id}.html"]`).click()
      await page.waitForURL(`**/gallery/users/${withVideo.id}.html`)
      const dates = await page.locator('.timeline > li').evaluateAll((items) => items.map((li) => Number((li as unknown as DatedElement).dataset['date'])))
      expect(dates).toHaveLength(withVideo.photos)
      expect(dates).toEqual([...dates].sort((a, b) => b - a))
      const video = page.locator('.timeline video').first()
      await video.scrollIntoViewIfNeeded()
      const canPlay = await video.evaluate((v) => (v as unknown as VideoElement).canPlayType('video/mp4; codecs="avc1.42E01E"'))
      if (canPlay === '') throw new Error(`this Chromium cannot play H.264 MP4 (canPlayType ""): the video avatars cannot play in it`)
      await video.evaluate((v) => (v as unknown as VideoElement).play())
      await page.waitForFunction((el) => (el as unknown as VideoElement).readyState >= 2 && (el as unknown as VideoElement).currentTime > 0, await video.elementHandle())
      expect(await video.evaluate((v) => [(v as unknown as VideoElement).muted, (v as unknown as VideoElement).loop])).toEqual([true, true])
      await page.screenshot({ path: join(dir, 'gallery-user.png') })

      // Readable without JavaScript: the index's first page is plain HTML.
      const noJs = await browser.newContext({ javaScriptEnabled: false })
      const plain = await watchedPage(noJs)
      await plain.page.goto(pathToFileURL(demo.index).href)
      expect(await plain.page.locator('#tiles .tile').count()).toBe(24)
      expect(await plain.page.locator('form.controls').isHidden()).toBe(true)

      expect([...errors, ...plain.errors]).toEqual([])
      expect([...requests, ...plain.requests].filter((u) => !u.startsWith('file://'))).toEqual([])
      expect(requests.length).toBeGreaterThan(24)
      expect((await readFile(join(dir, 'gallery-index.png'))).subarray(1, 4).toString('latin1')).toBe('PNG')
    } finally {
      await browser.close()
    }
  })
})
