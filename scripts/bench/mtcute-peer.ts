/**
 * The peer contender: the profile-photo archiver a user of mtcute (`@mtcute/node`, unmodified) writes with its own
 * high-level API, with nothing of tg-profile loaded. `mtcute-child.ts` runs it in its own process (`harness.ts`
 * measures it the way it measures the GramJS contenders); the `realistic` scenario runs it in the bench's.
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
import { tl, type FileLocation, type Photo, type TelegramClient, type User } from '@mtcute/node'
import type { EmulatorConnection } from '../../src/spec/emulator-connection.js'
import type { Outcome } from './harness.js'
import { mtcuteForEmulator } from './mtcute-client.js'
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

/** Files saved so far by this process's peer (read by the memory log). */
export function peerFilesSaved(): number {
  return filesSaved
}

/** A user as the peer gets it: a username, or a user object that carries its access hash (a chat's member). */
export type PeerUser = string | User

/** Where a user's files go: its username as given, or its id. */
function folderKey(user: PeerUser): string {
  return typeof user === 'string' ? user : String(user.id)
}

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

/** The peer's client: mtcute for the emulator, without updates (an archiver needs none). */
export function createClient(connection: EmulatorConnection): TelegramClient {
  return mtcuteForEmulator(connection, { disableUpdates: true })
}

/** Every photo of a user, newest first, 100 a call. */
async function listPhotos(tg: TelegramClient, user: PeerUser): Promise<Photo[]> {
  const photos: Photo[] = []
  for (let offset = 0; ; ) {
    const page = await tg.getProfilePhotos(user, { offset, limit: PAGE })
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
  user: PeerUser,
  out: string,
  download: <T>(task: () => Promise<T>) => Promise<T>,
): Promise<number[]> {
  const photos = await listPhotos(tg, user)
  const username = folderKey(user)
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

/** How the peer runs: where it writes, when it stops starting users, how it sleeps through a long flood wait. */
export interface PeerRun {
  readonly out: string
  /** `performance.now()` after which no new user is started. */
  readonly deadline: number
  /**
   * Sleeps `ms`. mtcute sits out flood waits up to 10 s by itself and throws longer ones; the user of mtcute sleeps
   * through those and tries the same user again, as for GramJS.
   */
  readonly sleep: (ms: number) => Promise<void>
}

/** Runs the peer over `users`, {@link USERS_AT_ONCE} at a time. */
export async function runPeer(tg: TelegramClient, users: Iterable<PeerUser>, run: PeerRun): Promise<Outcome> {
  const download = limiter(DOWNLOADS_IN_FLIGHT)
  const failures: string[] = []
  const queue = users[Symbol.iterator]()
  let usersDone = 0
  let usersFailed = 0
  let files = 0
  let bytes = 0
  let truncated = false
  const worker = async (): Promise<void> => {
    for (;;) {
      if (performance.now() > run.deadline) {
        truncated = true
        return
      }
      const next = queue.next()
      if (next.done === true) return
      const user = next.value
      for (;;) {
        try {
          const sizes = await archiveUser(tg, user, run.out, download)
          files += sizes.length
          bytes += sizes.reduce((a, b) => a + b, 0)
          usersDone++
        } catch (e) {
          if (tl.RpcError.is(e, 'FLOOD_WAIT_%d')) {
            await run.sleep(e.seconds * 1000)
            continue
          }
          usersFailed++
          if (failures.length < FAILURES_KEPT) failures.push(`${folderKey(user)}: ${e instanceof Error ? e.message : String(e)}`)
        }
        break
      }
    }
  }
  await Promise.all(Array.from({ length: USERS_AT_ONCE }, worker))
  return { usersDone, usersFailed, truncated, files, bytes, ...(failures.length > 0 ? { failures } : {}) }
}

/** Logs the test account of the connection file in, as mtcute's guide does. */
export async function startPeer(connection: EmulatorConnection): Promise<TelegramClient> {
  const tg = createClient(connection)
  const who = connection.testAccount
  await tg.start({
    phone: who.phone,
    code: who.code,
    ...(who.password !== undefined ? { password: who.password } : {}),
    codeSentCallback: () => undefined,
  })
  return tg
}
