import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createWorld } from '../../../src/emulator/world.js'
import { parseMp3Duration } from '../../../src/emulator/media/index.js'

const USERNAME = /^[a-zA-Z](?:[a-zA-Z0-9]|_(?!_)){3,31}$/

describe('createWorld', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = createWorld({ seed: 7, users: 30 })
    const b = createWorld({ seed: 7, users: 30 })
    const c = createWorld({ seed: 8, users: 30 })
    expect(a.users).toEqual(b.users)
    expect(a.users.map((u) => u.id)).not.toEqual(c.users.map((u) => u.id))
    const u = a.users.find((x) => x.photoCount > 3)!
    expect(a.photo(u, 2)).toEqual(b.photo(b.users[u.index]!, 2))
  })

  it('has every photo-count class, one deactivated user and three test accounts among 10 users', () => {
    const w = createWorld({ seed: 1, users: 10 })
    const counts = w.users.filter((u) => u.account === undefined).map((u) => u.photoCount)
    expect(counts).toContain(0)
    expect(counts).toContain(1)
    expect(counts.some((n) => n >= 2 && n <= 10)).toBe(true)
    expect(counts.some((n) => n > 100 && n <= 250)).toBe(true)
    expect(counts.some((n) => n > 250)).toBe(true)
    expect(w.users.filter((u) => u.deactivated)).toHaveLength(1)
    expect(w.accounts).toHaveLength(3)
    expect(w.accounts.filter((a) => a.password !== undefined)).toHaveLength(1)
    expect(w.accounts.filter((a) => a.premium === true).map((a) => a.firstName)).toEqual(['Tess (Premium)'])
    for (const a of w.accounts) expect(w.userByPhone(a.phone)?.account).toEqual(a)
  })

  it('gives unique positive ids below 2^40 and unique valid usernames, some users several', () => {
    const w = createWorld({ seed: 3, users: 500 })
    const ids = new Set(w.users.map((u) => u.id))
    expect(ids.size).toBe(w.users.length)
    for (const id of ids) expect(id > 0n && id < 2n ** 40n).toBe(true)
    const names = w.users.flatMap((u) => u.usernames)
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length)
    for (const n of names) expect(n).toMatch(USERNAME)
    expect(w.users.some((u) => u.usernames.length === 0)).toBe(true)
    expect(w.users.some((u) => u.usernames.length > 1)).toBe(true)
    expect(w.users.some((u) => u.audioCount > 0)).toBe(true)
    const sample = w.users.find((u) => u.usernames.length > 0)!
    expect(w.userByUsername(sample.usernames[0]!.toUpperCase())).toBe(sample)
  })

  it('lists photos newest first with strictly decreasing ids and dates, spread over DCs, about one in ten with video', () => {
    const w = createWorld({ seed: 5, users: 10 })
    const big = w.users.find((u) => u.photoCount > 250)!
    const photos = Array.from({ length: big.photoCount }, (_, p) => w.photoAt(big, p))
    for (let p = 1; p < photos.length; p++) {
      expect(photos[p]!.id < photos[p - 1]!.id).toBe(true)
      expect(photos[p]!.date < photos[p - 1]!.date).toBe(true)
    }
    expect(new Set(photos.map((p) => p.dcId)).size).toBe(5)
    const videos = photos.filter((p) => p.videoStartTs !== undefined).length
    expect(videos).toBeGreaterThan(photos.length / 25)
    expect(videos).toBeLessThan(photos.length / 4)
    expect(photos.some((p) => p.sizes.some((s) => s.progressive))).toBe(true)
    expect(w.photoById(photos[17]!.id)).toEqual(photos[17])
    expect(w.photoById(photos[0]!.id + 1n)).toBeUndefined()
  })

  it('derives per-viewer access hashes and file references that carry their issue time', () => {
    const w = createWorld({ seed: 5, users: 10 })
    const [u1, u2, u3] = w.users
    expect(w.accessHash(u1!.id, u3!.id)).toBe(w.accessHash(u1!.id, u3!.id))
    expect(w.accessHash(u1!.id, u3!.id)).not.toBe(w.accessHash(u2!.id, u3!.id))
    const ref = w.fileReference(42n, 1_700_000_123)
    expect(w.fileReferenceIssuedAt(42n, ref)).toBe(1_700_000_123)
    expect(w.fileReferenceIssuedAt(43n, ref)).toBeUndefined()
    const forged = Buffer.from(ref)
    forged[3] = forged[3]! ^ 1
    expect(w.fileReferenceIssuedAt(42n, forged)).toBeUndefined()
  })
})

describe('World files', () => {
  const w = createWorld({ seed: 11, users: 10 })
  const user = w.users.find((u) => u.photoCount > 100)!

  it('knows each file length without rendering it, and the bytes are unique per file and deterministic', () => {
    const p1 = w.photoAt(user, 0)
    const p2 = w.photoAt(user, 1)
    for (const size of p1.sizes) {
      const b1 = w.photoSizeBytes(p1, size)
      expect(b1.length).toBe(w.photoSizeLength(p1, size))
      expect(b1.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]))
      const again = createWorld({ seed: 11, users: 10 })
      expect(again.photoSizeBytes(again.photoAt(again.users[user.index]!, 0), size)).toEqual(b1)
    }
    const c = p1.sizes.find((s) => s.type === 'c')!
    const hash = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
    expect(hash(w.photoSizeBytes(p1, c))).not.toBe(hash(w.photoSizeBytes(p2, p2.sizes[2]!)))
  })

  it('ends progressive scan offsets at the file length', () => {
    const photo = Array.from({ length: user.photoCount }, (_, p) => w.photoAt(user, p)).find((p) => p.sizes[2]!.progressive)!
    const c = photo.sizes[2]!
    const ends = w.photoSizeScanEnds(photo, c)
    expect(ends.length).toBeGreaterThan(1)
    expect(ends[ends.length - 1]).toBe(w.photoSizeLength(photo, c))
  })

  it('knows video avatar lengths without rendering them and hashes them in the ground truth', () => {
    const photo = Array.from({ length: user.photoCount }, (_, p) => w.photoAt(user, p)).find((p) => p.videoStartTs !== undefined)!
    expect(w.videoBytes(photo).length).toBe(w.videoLength(photo))
    const truth = w.photoToFile(photo).videoSizes[0]!
    expect(truth).toMatchObject({
      type: 'u',
      w: 640,
      h: 640,
      bytes: w.videoLength(photo),
      sha256: createHash('sha256').update(w.videoBytes(photo)).digest('hex'),
    })
  })

  it('renders profile audios as MP3s of the stated duration, their length remembered', () => {
    const big = createWorld({ seed: 11, users: 60 })
    const owner = big.users.find((u) => u.audioCount > 0)!
    const audio = big.audio(owner, 0)
    const bytes = big.audioBytes(audio)
    expect(Math.round(parseMp3Duration(bytes))).toBe(audio.duration)
    expect(big.audioLength(audio)).toBe(bytes.length)
    expect(big.audioById(audio.id)).toEqual(audio)
  })

  it('writes the ground truth of every user, photo, size and file', () => {
    const small = createWorld({ seed: 2, users: 3 })
    const file = small.toFile()
    expect(file.version).toBe(1)
    expect(file.users).toHaveLength(6)
    const withPhoto = file.users.find((u) => u.photos.length > 0)!
    const photo = withPhoto.photos[0]!
    expect(photo.sizes.map((s) => s.type)).toEqual(['i', 'a', 'b', 'c'])
    const meta = small.photoById(BigInt(photo.id))!
    const a = meta.sizes[0]!
    expect(photo.sizes[1]).toMatchObject({
      bytes: small.photoSizeLength(meta, a),
      sha256: createHash('sha256').update(small.photoSizeBytes(meta, a)).digest('hex'),
    })
    expect(file.users.filter((u) => u.account === true)).toHaveLength(3)
  })

  it('writes a world file that parses to the ground truth', async () => {
    const small = createWorld({ seed: 2, users: 3 })
    const dir = await mkdtemp(join(tmpdir(), 'tgp-world-'))
    try {
      await small.writeWorldFile(join(dir, 'world.json'))
      expect(JSON.parse(await readFile(join(dir, 'world.json'), 'utf8'))).toEqual(small.toFile())
    } finally {
      await rm(dir, { recursive: true })
    }
  })
})
