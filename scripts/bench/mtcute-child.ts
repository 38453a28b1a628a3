/**
 * The peer contender: the profile-photo archiver a user of mtcute (`@mtcute/node`, unmodified) writes with its own
 * high-level API, in its own child process, with nothing of tg-profile loaded (`harness.ts` measures it the way it
 * measures the GramJS contenders).
 *
 * Per user: `getProfilePhotos` 100 at a time, then `downloadAsBuffer` of each photo (mtcute's `Photo` is its
 * largest size) and of its video avatar (`getThumbnail('u')`), written to disk; the same files tg-profile's archiver
 * keeps with its defaults. Bounded concurrency, as the archiver's: {@link USERS_AT_ONCE} users and
 * {@link DOWNLOADS_IN_FLIGHT} downloads at once, each download on mtcute's own connection pools (it picks the
 * pool, the part size and the parts in flight per file itself).
 *
 * It pages by hand rather than with `iterProfilePhotos`: in mtcute 0.30.3 that iterator stops only on a page whose
 * `next` offset is 0, and `getProfilePhotos` gives `offset + photos.length` even on the empty page past the end of
 * a profile, so over a profile with photos it asks for that empty page forever.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BaseTelegramClient, MemoryStorage, TelegramClient, type FileLocation, type Photo } from '@mtcute/node'
import { addPublicKey } from '@mtcute/core/utils.js'
import type { EmulatorConnection } from '../../src/spec/emulator-connection.js'
import { serveJob, type ChildJob, type Outcome } from './harness.js'
import { peerFilePath, peerUserDir } from './mtcute-layout.js'

/** Users listed at once (the archiver's default concurrency). */
const USERS_AT_ONCE = 8
/** Files downloading at once (the archiver's default). */
const DOWNLOADS_IN_FLIGHT = 8
/** `photos.getUserPhotos` serves at most this many photos per call. */
const PAGE = 100
/** Failure lines kept for the report. */
const FAILURES_KEPT = 5

let filesSaved = 0

/** A limit of `n` tasks at once: a freed slot passes straight to the next waiting task. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0
  const waiting: (() => void)[] = []
  return async (task) => {
    if (active < n) active++
    else await new Promise<void>((resolve) => waiting.push(resolve))
    try {
      return await task()
    } finally {
      const next = waiting.shift()
      if (next !== undefined) next()
      else active--
    }
  }
}

/** mtcute configured as its guide says, for the emulator: its address, its RSA key and an in-memory storage. */
function createClient(connection: EmulatorConnection): TelegramClient {
  const home = connection.dcs.find((d) => d.id === connection.homeDcId)
  if (home === undefined) throw new Error('the connection file names no home DC')
  const dc = { id: home.id, ipAddress: home.host, port: home.port }
  const base = new BaseTelegramClient({
    apiId: connection.apiId,
    apiHash: connection.apiHash,
    storage: new MemoryStorage(),
    defaultDcs: { main: dc, media: dc },
    // an archiver needs no updates
    disableUpdates: true,
    logLevel: 0,
  })
  addPublicKey(base.mt.crypto, connection.publicKey.pem)
  return new TelegramClient({ client: base })
}

/** Every photo of a user, newest first, 100 a call. */
async function listPhotos(tg: TelegramClient, username: string): Promise<Photo[]> {
  const photos: Photo[] = []
  for (let offset = 0; ; ) {
    const page = await tg.getProfilePhotos(username, { offset, limit: PAGE })
    photos.push(...page)
    offset += page.length
    if (page.length === 0 || offset >= page.total) return photos
  }
}

/** Downloads one file and writes it; returns its length. */
async function save(tg: TelegramClient, file: FileLocation, path: string): Promise<number> {
  const bytes = await tg.downloadAsBuffer(file)
  await writeFile(path, bytes)
  filesSaved++
  return bytes.length
}

/** Lists a user and downloads its files; returns the files' lengths. */
async function archiveUser(
  tg: TelegramClient,
  username: string,
  out: string,
  download: <T>(task: () => Promise<T>) => Promise<T>,
): Promise<number[]> {
  const photos = await listPhotos(tg, username)
  await mkdir(join(out, peerUserDir(username)), { recursive: true })
  const saves: Promise<number>[] = []
  for (const photo of photos) {
    const id = photo.id.toString()
    saves.push(download(() => save(tg, photo, join(out, peerFilePath(username, id, false)))))
    const video = photo.getThumbnail('u')
    if (video !== null) saves.push(download(() => save(tg, video, join(out, peerFilePath(username, id, true)))))
  }
  const settled = await Promise.allSettled(saves)
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed !== undefined) throw failed.reason
  return settled.map((s) => (s.status === 'fulfilled' ? s.value : 0))
}

async function run(tg: TelegramClient, job: ChildJob, deadline: number): Promise<Outcome> {
  const download = limiter(DOWNLOADS_IN_FLIGHT)
  const failures: string[] = []
  let usersDone = 0
  let usersFailed = 0
  let files = 0
  let bytes = 0
  let truncated = false
  let next = 0
  const worker = async (): Promise<void> => {
    for (;;) {
      if (performance.now() > deadline) {
        truncated = true
        return
      }
      const username = job.users[next++]
      if (username === undefined) return
      try {
        const sizes = await archiveUser(tg, username, job.out, download)
        files += sizes.length
        bytes += sizes.reduce((a, b) => a + b, 0)
        usersDone++
      } catch (e) {
        usersFailed++
        if (failures.length < FAILURES_KEPT) failures.push(`${username}: ${e instanceof Error ? e.message : String(e)}`)
      }
    }
  }
  await Promise.all(Array.from({ length: USERS_AT_ONCE }, worker))
  return { usersDone, usersFailed, truncated, files, bytes, ...(failures.length > 0 ? { failures } : {}) }
}

serveJob(async (job) => {
  if (job.contender !== 'mtcute') throw new Error(`mtcute child: asked to run ${job.contender}`)
  const tg = createClient(job.connection)
  const who = job.connection.testAccount
  await tg.start({
    phone: who.phone,
    code: who.code,
    ...(who.password !== undefined ? { password: who.password } : {}),
    codeSentCallback: () => undefined,
  })
  return { run: (deadline) => run(tg, job, deadline), close: () => tg.destroy(), filesSaved: () => filesSaved }
}).catch((e: unknown) => {
  console.error(`mtcute child: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
  process.exit(1)
})
