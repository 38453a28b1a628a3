/**
 * A download through the endpoint that Telegram interrupts still delivers the whole file: an expired file reference
 * is replaced by one listed again from the profile that named the file, and a flood wait between two parts is waited
 * out and the download resumes at the part it stopped at, on the same response.
 */
import { iterUserProfilePhotos, resolveUser } from '../../../src/methods/index.js'
import type { WorldUser } from '../../../src/emulator/index.js'
import { sha256, startServeHarness, truthOfFileId } from './helpers.js'
import type { ServeHarness } from './helpers.js'

async function download(s: ServeHarness, fileId: string): Promise<{ status: number; bytes: number; sha256: string }> {
  const file = (await (await fetch(`${s.bot}/getFile?file_id=${fileId}`)).json()) as { result: { file_path: string } }
  const res = await fetch(`${s.server.url}/file/bot${s.token}/${file.result.file_path}`)
  const body = new Uint8Array(await res.arrayBuffer().catch(() => new ArrayBuffer(0)))
  return { status: res.status, bytes: body.length, sha256: sha256(body) }
}

function calls(s: ServeHarness, method: string): number {
  return s.h.emu.stats().callsPerMethod[method] ?? 0
}

describe('an expired file reference', () => {
  let s: ServeHarness
  let skewMs = 0

  beforeAll(async () => {
    s = await startServeHarness({ clock: { now: () => Date.now() + skewMs }, fileReferenceTtlSeconds: 600 })
  })

  afterAll(async () => {
    await s?.close()
  })

  it('is refreshed from the listing that named the file, and the download completes', async () => {
    const page = (await (await fetch(`${s.bot}/getUserProfilePhotos?user_id=${s.user.id}&limit=1`)).json()) as { result: { photos: { file_id: string }[][] } }
    const fileId = page.result.photos[0]!.at(-1)!.file_id
    const truth = truthOfFileId(s.user, fileId)!
    skewMs += 3600_000
    const listings = calls(s, 'photos.GetUserPhotos')
    expect(await download(s, fileId)).toEqual({ status: 200, bytes: truth.bytes, sha256: truth.sha256 })
    expect(calls(s, 'photos.GetUserPhotos') - listings).toBe(1)
  })
})

describe('a flood wait between two parts', () => {
  let s: ServeHarness

  beforeAll(async () => {
    // Every second upload.getFile waits a second: the second part of a two-part file meets a flood wait.
    s = await startServeHarness({ floodRules: { 'upload.GetFile': { requests: 1, waitSeconds: 1 } } })
  })

  afterAll(async () => {
    await s?.close()
  })

  /** A video avatar (two 1 MiB parts) of a user with one, and the user. */
  async function videoFileId(): Promise<[string, WorldUser]> {
    const user = s.h.truth.users.find((u) => u.account !== true && !u.deactivated && u.usernames.length > 0 && u.photos.some((p) => (p.videoSizes ?? []).some((v) => v.bytes > 1024 * 1024)))
    if (user === undefined) throw new Error('the world has no video avatar over 1 MiB')
    await resolveUser(s.h.client, `@${user.usernames[0]}`)
    for await (const photo of iterUserProfilePhotos(s.h.client, user.id)) {
      const video = photo.video_sizes.find((v) => (truthOfFileId(user, v.file_id)?.bytes ?? 0) > 1024 * 1024)
      if (video !== undefined) return [video.file_id, user]
    }
    throw new Error('no video size over 1 MiB was listed')
  }

  it('is waited out and the download resumes at the part it stopped at', async () => {
    const [fileId, user] = await videoFileId()
    const truth = truthOfFileId(user, fileId)!
    const before = { getFile: calls(s, 'upload.GetFile'), waits: s.h.emu.stats().floodWaitsIssued['upload.GetFile'] ?? 0 }
    expect(await download(s, fileId)).toEqual({ status: 200, bytes: truth.bytes, sha256: truth.sha256 })
    // Part one, part two refused with FLOOD_WAIT_1, part two again: no part is fetched twice.
    expect([calls(s, 'upload.GetFile') - before.getFile, (s.h.emu.stats().floodWaitsIssued['upload.GetFile'] ?? 0) - before.waits]).toEqual([3, 1])
  })
})
