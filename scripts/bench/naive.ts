/**
 * The naive contender: what a user writes with GramJS alone. For each user in turn: resolve (unless the user came
 * with its access hash, as a chat's members do), list 100 photos at a time, `downloadMedia` each photo, write it.
 * A flood wait longer than GramJS sits out by itself (60 s) is slept through and the same user tried again, as
 * Telethon and GramJS scripts do (`except FloodWaitError as e: sleep(e.seconds)`); any other error fails the user.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Api, errors, type TelegramClient } from 'telegram'
import bigInt from 'big-integer'
import type { Outcome } from './harness.js'

/** A user as the naive loop gets it: a username, or a user object that carries its access hash. */
export type NaiveUser = string | Api.User

/** How the naive loop runs: where it writes, when it stops starting users, how it sleeps through a flood wait. */
export interface NaiveRun {
  readonly out: string
  /** `performance.now()` after which no new user is started. */
  readonly deadline: number
  /** Sleeps `ms`. */
  readonly sleep: (ms: number) => Promise<void>
}

async function archiveOne(client: TelegramClient, user: NaiveUser, out: string): Promise<{ files: number; bytes: number }> {
  const entity = typeof user === 'string' ? await client.getEntity(user) : user
  const dir = join(out, typeof user === 'string' ? user : user.id.toString())
  await mkdir(dir, { recursive: true })
  let files = 0
  let bytes = 0
  for (let offset = 0; ; ) {
    const page = await client.invoke(new Api.photos.GetUserPhotos({ userId: entity, offset, maxId: bigInt(0), limit: 100 }))
    for (const photo of page.photos) {
      if (!(photo instanceof Api.Photo)) continue
      const data = await client.downloadMedia(new Api.MessageMediaPhoto({ photo }))
      if (!Buffer.isBuffer(data)) throw new Error(`downloadMedia gave no bytes for photo ${photo.id.toString()}`)
      await writeFile(join(dir, `${photo.id.toString()}.jpg`), data)
      files++
      bytes += data.length
    }
    offset += page.photos.length
    const total = page instanceof Api.photos.PhotosSlice ? page.count : page.photos.length
    if (page.photos.length === 0 || offset >= total) return { files, bytes }
  }
}

/** Runs the naive loop over `users`, sequentially. */
export async function runNaive(
  client: TelegramClient,
  users: Iterable<NaiveUser> | AsyncIterable<NaiveUser>,
  run: NaiveRun,
): Promise<Pick<Outcome, 'usersDone' | 'usersFailed' | 'truncated' | 'files' | 'bytes'>> {
  let usersDone = 0
  let usersFailed = 0
  let files = 0
  let bytes = 0
  for await (const user of users) {
    if (performance.now() > run.deadline) return { usersDone, usersFailed, truncated: true, files, bytes }
    for (;;) {
      try {
        const got = await archiveOne(client, user, run.out)
        files += got.files
        bytes += got.bytes
        usersDone++
      } catch (e) {
        if (e instanceof errors.FloodWaitError) {
          await run.sleep(e.seconds * 1000)
          continue
        }
        usersFailed++
      }
      break
    }
  }
  return { usersDone, usersFailed, truncated: false, files, bytes }
}
