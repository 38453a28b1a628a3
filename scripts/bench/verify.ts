/**
 * The byte check of the contenders that keep the archiver's default selection (tg-profile's archiver and the mtcute
 * peer): every file they should have written, with the world's sha256, and the files on disk hashed against it.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import type { World } from '../../src/emulator/world.js'
import type { BenchUser } from './world-users.js'

/** Where a contender keeps one photo's file (the largest size, or the video avatar). */
export type FilePath = (user: BenchUser, photoId: string, type: string, video: boolean) => string

/** The outcome of {@link checkFiles}. */
export interface FileCheck {
  /** Files expected. */
  readonly expected: number
  /** Files on disk whose sha256 is the world's. */
  readonly matching: number
  /** The first few that are missing or differ. */
  readonly bad: readonly string[]
}

/**
 * The files of the archiver's defaults (the largest size of every photo and its video avatar) for `users`, as
 * `path` places them, each with the world's sha256.
 */
export function expectedFiles(world: World, users: readonly BenchUser[], path: FilePath): Map<string, string> {
  const expected = new Map<string, string>()
  for (const u of users) {
    const meta = world.userById(u.userId)
    if (meta === undefined) throw new Error(`bench: user ${u.userId} is not in the world`)
    for (let position = 0; position < meta.photoCount; position++) {
      const photo = world.photoToFile(world.photoAt(meta, position))
      const largest = photo.sizes[photo.sizes.length - 1]
      if (largest === undefined) throw new Error(`bench: photo ${photo.id} has no size`)
      expected.set(path(u, photo.id, largest.type, false), largest.sha256)
      for (const v of photo.videoSizes) expected.set(path(u, photo.id, v.type, true), v.sha256)
    }
  }
  return expected
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Hashes every expected file under `out` against the world's sha256. */
export async function checkFiles(out: string, expected: ReadonlyMap<string, string>): Promise<FileCheck> {
  const bad: string[] = []
  let matching = 0
  for (const [path, sha] of expected) {
    const onDisk = await sha256File(join(out, path)).catch(() => 'missing')
    if (onDisk === sha) matching++
    else if (bad.length < 5) bad.push(`${path}: ${onDisk === 'missing' ? 'missing' : `sha256 ${onDisk}`}`)
  }
  return { expected: expected.size, matching, bad }
}

/** `matching/expected`, with the first bad files when some are. */
export function formatCheck(check: FileCheck): string {
  const all = `${check.matching}/${check.expected}`
  return check.bad.length === 0 ? all : `${all} (${check.bad.join('; ')})`
}
