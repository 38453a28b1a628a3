import { createHash } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EmulatorTelegramClient } from '../../../src/client/emulator.js'
import { emulatorTestClient, loginOrClose } from '../emulator/helpers.js'
import { shutdownClient } from '../../../src/client/connect.js'
import { generateRsaKeyPair, type RsaKeyPair } from '../../../src/emulator/protocol/crypto.js'
import { startEmulator, type EmulatorOptions, type RunningEmulator, type WorldFile } from '../../../src/emulator/index.js'
import type { FileRecord, ManifestRecord } from '../../../src/archive/types.js'
import { install } from '../../../src/gramjs/install.js'

let sharedKey: RsaKeyPair | undefined
/** One RSA key per test file: generating it is the slow part of starting an emulator. */
export function rsaKey(): RsaKeyPair {
  sharedKey ??= generateRsaKeyPair()
  return sharedKey
}

export interface Harness {
  emu: RunningEmulator
  client: EmulatorTelegramClient
  out: string
  truth: WorldFile
  close(): Promise<void>
}

export async function startHarness(options: EmulatorOptions): Promise<Harness> {
  const emu = await startEmulator({ rsaKey: rsaKey(), ...options })
  // As the command line does before it connects: every connection, the home DC's too, reads through the speedups.
  install()
  // GramJS's ping loop would keep Jest alive up to 10 s after destroy (see emulatorTestClient).
  const client = emulatorTestClient(emu.connection, { connectionRetries: 5 })
  const out = await mkdtemp(join(tmpdir(), 'tgp-archive-'))
  await loginOrClose(client, emu)
  return {
    emu,
    client,
    out,
    truth: emu.world.toFile(),
    close: async () => {
      await shutdownClient(client)
      await emu.close()
      await rm(out, { recursive: true, force: true })
    },
  }
}

/** Ordinary users that have a username (what the archive is pointed at), as `@username`. */
export function archivableUsers(truth: WorldFile): string[] {
  return truth.users.filter((u) => u.account !== true && !u.deactivated && u.usernames.length > 0).map((u) => `@${u.usernames[0]}`)
}

/** Archivable users with at most `maxPhotos` photos (cheap to archive), at most `count` of them. */
export function smallUsers(truth: WorldFile, count: number, maxPhotos = 10): string[] {
  return truth.users
    .filter((u) => u.account !== true && !u.deactivated && u.usernames.length > 0 && u.photos.length <= maxPhotos)
    .slice(0, count)
    .map((u) => `@${u.usernames[0]}`)
}

export async function readManifest(out: string): Promise<ManifestRecord[]> {
  const text = await readFile(join(out, 'manifest.ndjson'), 'utf8')
  const lines = text.split('\n')
  // A kill -9 can leave a torn last line (no newline yet): it was never acknowledged, the next run cuts it.
  const complete = text.endsWith('\n') ? lines : lines.slice(0, -1)
  return complete.filter((l) => l !== '').map((l) => JSON.parse(l) as ManifestRecord)
}

/** The ground-truth sha256 and length of an archived file, looked up in the world file. */
export function truthOf(truth: WorldFile, r: FileRecord): { sha256: string; bytes: number } | undefined {
  const user = truth.users.find((u) => u.id === r.user_id)
  if (user === undefined) return undefined
  if (r.kind === 'audio') return user.audios.find((a) => a.id === r.document_id)
  const photo = user.photos.find((p) => p.id === r.photo_id)
  const list = r.kind === 'video' ? photo?.videoSizes : photo?.sizes
  return list?.find((s) => s.type === r.size)
}

export function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex')
}

/** Every file under `out` (relative paths), recursively. */
export async function listFiles(out: string): Promise<string[]> {
  const found: string[] = []
  for (const e of await readdir(out, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) found.push(join(e.parentPath ?? e.path, e.name).slice(out.length + 1))
  }
  return found.sort()
}

/**
 * Checks the archive against the world: every `file` record names a file on disk whose bytes hash to the record's
 * sha256 and to the world's. Returns the file records (latest per path).
 */
export async function checkArchive(out: string, truth: WorldFile): Promise<FileRecord[]> {
  const records = (await readManifest(out)).filter((r): r is FileRecord => r.type === 'file')
  const byPath = new Map<string, FileRecord>()
  for (const r of records) byPath.set(r.path, r)
  for (const r of byPath.values()) {
    const bytes = await readFile(join(out, r.path))
    const hash = sha256(bytes)
    const t = truthOf(truth, r)
    if (t === undefined) throw new Error(`${r.path}: not in the world`)
    if (hash !== r.sha256 || hash !== t.sha256 || bytes.length !== t.bytes || bytes.length !== r.bytes) {
      throw new Error(`${r.path}: sha256 ${hash} / manifest ${r.sha256} / world ${t.sha256}`)
    }
  }
  return [...byPath.values()]
}

/** What a complete archive of `users` (largest photo size, largest video size) must hold. */
export function expectedFiles(truth: WorldFile, users: readonly string[], videos = true): Set<string> {
  const names = new Set(users.map((u) => u.slice(1).toLowerCase()))
  const expected = new Set<string>()
  for (const u of truth.users) {
    if (!u.usernames.some((n) => names.has(n.toLowerCase()))) continue
    for (const p of u.photos) {
      const sizes = p.sizes.filter((s) => s.stripped !== true)
      const largest = sizes.at(-1)
      if (largest !== undefined) expected.add(`${u.id}/${p.id}_${largest.type}.jpg`)
      const v = p.videoSizes.at(-1)
      if (videos && v !== undefined) expected.add(`${u.id}/${p.id}_${v.type}.mp4`)
    }
  }
  return expected
}
