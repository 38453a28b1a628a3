import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createWorld } from '../../../src/emulator/world.js'
import { checkFiles, expectedFiles, formatCheck } from '../../../scripts/bench/verify.js'
import { peerFilePath } from '../../../scripts/bench/mtcute-layout.js'
import { benchUsers } from '../../../scripts/bench/world-users.js'

describe('the bench byte check', () => {
  // seed 1, 10 users: the third (index 2) has 5 photos, one of them with a video avatar
  const world = createWorld({ seed: 1, users: 10 })
  const user = benchUsers(world).reachable.find((u) => u.photoCount === 5)!
  const meta = world.userById(user.userId)!
  let out: string

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'bench-verify-'))
  })

  afterAll(async () => {
    await rm(out, { recursive: true, force: true })
  })

  it('expects the largest size of every photo and its video avatar, with the world sha256', () => {
    const expected = expectedFiles(world, [user], (u, id, type, video) => `${u.username}/${id}_${type}.${video ? 'mp4' : 'jpg'}`)
    const truth = world.userToFile(meta)
    const want = new Map<string, string>()
    for (const p of truth.photos) {
      const largest = p.sizes[p.sizes.length - 1]!
      want.set(`${user.username}/${p.id}_${largest.type}.jpg`, largest.sha256)
      for (const v of p.videoSizes) want.set(`${user.username}/${p.id}_${v.type}.mp4`, v.sha256)
    }
    expect(expected).toEqual(want)
    expect(expected.size).toBe(6)
  })

  it('counts the files on disk equal to the world, and names the missing and the different', async () => {
    const expected = expectedFiles(world, [user], (u, id, _type, video) => peerFilePath(u.username, id, video))
    const paths = [...expected.keys()]
    for (let p = 0; p < meta.photoCount; p++) {
      const photo = world.photoAt(meta, p)
      const path = join(out, peerFilePath(user.username, photo.id.toString(), false))
      await mkdir(dirname(path), { recursive: true })
      await writeFile(path, world.photoSizeBytes(photo, photo.sizes[photo.sizes.length - 1]!))
    }
    // the video avatar stays missing; one photo gets other bytes
    await writeFile(join(out, paths[0]!), 'not the photo')
    const check = await checkFiles(out, expected)
    expect(check.expected).toBe(6)
    expect(check.matching).toBe(4)
    expect(check.bad).toHaveLength(2)
    expect(check.bad[0]).toBe(`${paths[0]}: sha256 ${createHash('sha256').update('not the photo').digest('hex')}`)
    expect(check.bad.some((line) => line.endsWith('.mp4: missing'))).toBe(true)
    expect(formatCheck(check)).toBe(`4/6 (${check.bad.join('; ')})`)
  })
})
