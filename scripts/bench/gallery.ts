/**
 * The `gallery` bench scenario: a synthetic manifest of N users (a seeded mix of photo counts, `--sizes all` users,
 * video avatars, gone and back marks; no image on disk, the gallery never reads one) and `buildGallery` over it
 * twice, each build in its own child process so its peak RSS is its own: the first writes every page, the second
 * (nothing changed) must write none.
 */
import { execFile } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const CHILD = fileURLToPath(new URL('./gallery-child.js', import.meta.url))

/** What one build in its child measured. */
export interface GalleryBuild {
  readonly wallMs: number
  readonly maxRssBytes: number
  readonly users: number
  readonly photos: number
  readonly files: { readonly written: number; readonly unchanged: number; readonly bytes: number }
}

/** Both builds, and what the manifest held. */
export interface GalleryBench {
  readonly users: number
  readonly manifestRecords: number
  readonly manifestBytes: number
  readonly first: GalleryBuild
  readonly again: GalleryBuild
}

/** A small seeded generator (mulberry32): the same manifest for the same seed. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function photoLines(uid: number, photoId: string, date: number, letters: readonly string[], video: boolean): string[] {
  const file = (kind: string, size: string, px: number, ext: string): string =>
    JSON.stringify({
      type: 'file', user_id: uid, kind, photo_id: photoId, date, size, width: px, height: px,
      file_id: `AgACAgIAAxkBAAI${photoId}${size}`, file_unique_id: `AQAD${photoId}${size}`,
      bytes: px * 40, sha256: '0'.repeat(64), path: `${uid}/${photoId}_${size}.${ext}`, saved_at: date + 60,
    })
  const px: Readonly<Record<string, number>> = { a: 160, b: 320, c: 640 }
  const lines = letters.map((l) => file('photo', l, px[l] ?? 640, 'jpg'))
  if (video) lines.push(file('video', 'u', 720, 'mp4'))
  return lines
}

/** Writes `<dir>/manifest.ndjson` for `users` users; returns its record count and size. */
export async function writeSyntheticManifest(dir: string, users: number, seed: number): Promise<{ records: number; bytes: number }> {
  await mkdir(dir, { recursive: true })
  const out = createWriteStream(join(dir, 'manifest.ndjson'))
  const next = random(seed)
  let records = 0
  let bytes = 0
  for (let u = 0; u < users; u++) {
    const uid = 100_000_000 + u * 7919
    const lines = [JSON.stringify({ type: 'user', user_id: uid, username: `user_${u.toString(36)}`, seen_at: 1_800_000_000 })]
    const photos = Math.floor(next() * next() * 60)
    const letters = next() < 0.25 ? ['a', 'b', 'c'] : ['c']
    for (let p = 0; p < photos; p++) {
      const photoId = String(5_764_607_523_000_000_000n + BigInt(u * 100 + p))
      lines.push(...photoLines(uid, photoId, 1_600_000_000 + Math.floor(next() * 200_000_000), letters, next() < 0.1))
      const fate = next()
      if (fate < 0.06) {
        const mark = { user_id: uid, kind: 'photo', photo_id: photoId, size: 'c', path: `${uid}/${photoId}_c.jpg`, noticed_at: 1_810_000_000 }
        lines.push(JSON.stringify({ type: 'gone', ...mark }))
        if (fate < 0.02) lines.push(JSON.stringify({ type: 'back', ...mark, noticed_at: 1_820_000_000 }))
      }
    }
    const chunk = `${lines.join('\n')}\n`
    records += lines.length
    bytes += Buffer.byteLength(chunk)
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
  return { records, bytes }
}

async function build(dir: string): Promise<GalleryBuild> {
  const { stdout } = await promisify(execFile)(process.execPath, [CHILD, dir], { maxBuffer: 1 << 20 })
  return JSON.parse(stdout) as GalleryBuild
}

/** Runs the scenario in `dir` (created) over `users` synthetic users. */
export async function benchGallery(dir: string, users: number, seed: number): Promise<GalleryBench> {
  const manifest = await writeSyntheticManifest(dir, users, seed)
  const first = await build(dir)
  const again = await build(dir)
  return { users, manifestRecords: manifest.records, manifestBytes: manifest.bytes, first, again }
}
