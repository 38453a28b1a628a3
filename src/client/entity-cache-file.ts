/**
 * The entity cache's file: `<session>.entities.json`, a JSON object `{"version":1,"self":"<id>","users":{"<id>":
 * {"access_hash":"<hash>","usernames":[…]}}}` with ids and hashes as decimal strings (they exceed 2^53). Parsing,
 * serializing and telling file versions apart live here; what the cache does with the users is in entity-cache.ts.
 */
import type { BigIntStats } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import type { CachedUser } from './entity-cache.js'

interface FileShape {
  version: 1
  self?: string
  users: Record<string, { access_hash: string; usernames: string[] }>
}

const FILE_VERSION = 1

const DECIMAL = /^-?[0-9]+$/
const USER_ID = /^[0-9]+$/

/** What a cache file holds. */
export interface CacheFileContents {
  /** The logged-in account's id, when the file knows it. */
  readonly self: bigint | undefined
  /** The users, in file order; usernames lower-cased. */
  readonly users: readonly CachedUser[]
}

/** The file name used by {@link entityCachePathFor}. */
export const ENTITY_CACHE_SUFFIX = '.entities.json'

/** The conventional cache path beside a session file: `<session>.entities.json`. */
export function entityCachePathFor(sessionPath: string): string {
  return sessionPath + ENTITY_CACHE_SUFFIX
}

/** A file's version: inode, size and modification time (a save by any process writes a new file). */
export function versionOf(s: BigIntStats): string {
  return `${s.ino}:${s.size}:${s.mtimeNs}`
}

/** The version of the file at `path`, or `undefined` when there is none. */
export async function fileVersion(path: string): Promise<string | undefined> {
  try {
    return versionOf(await stat(path, { bigint: true }))
  } catch {
    return undefined
  }
}

function hasShape(data: unknown): data is FileShape {
  const d = data as Partial<FileShape> | null
  return typeof d === 'object' && d !== null && d.version === FILE_VERSION && typeof d.users === 'object' && d.users !== null
}

/** Parses a cache file, all or nothing. @throws Error on anything that is not a cache file */
export function parseCacheFile(text: string): CacheFileContents {
  const data: unknown = JSON.parse(text)
  if (!hasShape(data)) throw new Error('shape')
  const users = Object.entries(data.users).map(([id, entry]) => ({
    id: BigInt(id),
    accessHash: BigInt(entry.access_hash),
    usernames: entry.usernames.map((u) => u.toLowerCase()),
  }))
  return { self: data.self !== undefined ? BigInt(data.self) : undefined, users }
}

/**
 * Reads what another process saved at `path`, skipping whatever it cannot read (an entry with a bad id or hash, a
 * non-string username); `undefined` when the file is absent, unreadable or not a cache file at all.
 */
export async function readCacheFileLeniently(path: string): Promise<CacheFileContents | undefined> {
  let data: unknown
  try {
    data = JSON.parse(await readFile(path, 'utf8'))
  } catch {
    return undefined
  }
  if (!hasShape(data)) return undefined
  const users: CachedUser[] = []
  for (const [key, entry] of Object.entries(data.users)) {
    if (!USER_ID.test(key) || typeof entry?.access_hash !== 'string' || !DECIMAL.test(entry.access_hash)) continue
    if (!Array.isArray(entry.usernames)) continue
    const usernames = entry.usernames.filter((u): u is string => typeof u === 'string').map((u) => u.toLowerCase())
    users.push({ id: BigInt(key), accessHash: BigInt(entry.access_hash), usernames })
  }
  const self = typeof data.self === 'string' && USER_ID.test(data.self) ? BigInt(data.self) : undefined
  return { self, users }
}

/** The file's text for `users` and, when known, the `self` id. */
export function serializeCacheFile(self: bigint | undefined, users: Iterable<CachedUser>): string {
  const out: FileShape['users'] = {}
  for (const u of users) out[u.id.toString()] = { access_hash: u.accessHash.toString(), usernames: [...u.usernames] }
  const data: FileShape = { version: FILE_VERSION, users: out }
  if (self !== undefined) data.self = self.toString()
  return JSON.stringify(data)
}
