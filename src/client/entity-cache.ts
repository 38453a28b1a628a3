/**
 * A persistent cache of user access hashes and usernames, stored as a JSON file beside the session.
 *
 * A numeric user id is useless to MTProto without the access hash this account received for that user; the cache
 * remembers every user object the library sees (photos.Photos.users, contacts.ResolvedPeer.users, users.getUsers),
 * so an id seen once resolves without a network call in later processes, and a username costs one
 * `contacts.resolveUsername` ever. GramJS's own entity cache is in-memory only, hence this one.
 *
 * The file is loaded once, saved debounced after changes, on {@link EntityCache.flush} and on
 * {@link EntityCache.close}, always atomically (temporary file, fsync, rename, mode 0600).
 */
import { readFile } from 'node:fs/promises'
import { Api } from 'telegram'
import { TgProfileError } from '../errors/index.js'
import { writeFileAtomic } from '../util/atomic-write.js'
import { fileVersion, parseCacheFile, readCacheFileLeniently, serializeCacheFile, versionOf } from './entity-cache-file.js'
import type { ProfileClient } from './invoke.js'

export { ENTITY_CACHE_SUFFIX, entityCachePathFor } from './entity-cache-file.js'

/** What the cache knows about one user. */
export interface CachedUser {
  /** User id. */
  readonly id: bigint
  /** The access hash this account received for the user. */
  readonly accessHash: bigint
  /** The user's active usernames, lower-cased. */
  readonly usernames: readonly string[]
}

/** Options of {@link EntityCache.open}. */
export interface EntityCacheOptions {
  /**
   * Milliseconds to wait after a change before saving (changes in between are saved together). Default 1000. A save
   * rewrites the whole file, so a large cache waits longer: at least 1 ms per user known (10 s at 10 000 users, at
   * most 60 s), which keeps the work and garbage of saving per second flat however many users a run meets.
   */
  saveDelayMs?: number
}

/** The debounce delay grows by this per user known… */
const SIZE_DELAY_MS_PER_USER = 1
/** …up to this. */
const MAX_SIZE_DELAY_MS = 60_000

function activeUsernames(user: Api.User): string[] {
  const out = new Set<string>()
  if (user.username) out.add(user.username.toLowerCase())
  for (const u of user.usernames ?? []) {
    if (u.active) out.add(u.username.toLowerCase())
  }
  return [...out]
}

/** User id → access hash and usernames → id, optionally persisted to a JSON file. */
export class EntityCache {
  /** The file this cache persists to, or `undefined` for an in-memory cache. */
  readonly path: string | undefined
  private readonly byId = new Map<bigint, CachedUser>()
  private readonly byUsername = new Map<string, bigint>()
  private self: bigint | undefined
  private readonly saveDelayMs: number
  private timer: NodeJS.Timeout | undefined
  private dirty = false
  private closed = false
  private writing: Promise<void> = Promise.resolve()
  /** The file as this instance last wrote it (inode, size, mtime): while it is unchanged there is nothing to merge. */
  private written: string | undefined

  private constructor(path: string | undefined, options: EntityCacheOptions) {
    this.path = path
    this.saveDelayMs = options.saveDelayMs ?? 1000
  }

  /** A cache that lives only as long as the process. */
  static memory(): EntityCache {
    return new EntityCache(undefined, {})
  }

  /**
   * Loads the cache stored at `path` (an absent file is an empty cache).
   *
   * @throws TgProfileError when the file exists but is not a cache file
   */
  static async open(path: string, options: EntityCacheOptions = {}): Promise<EntityCache> {
    const cache = new EntityCache(path, options)
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return cache
      throw error
    }
    cache.load(text)
    return cache
  }

  private load(text: string): void {
    try {
      const { self, users } = parseCacheFile(text)
      this.self = self
      for (const u of users) this.put(u.id, u.accessHash, u.usernames)
    } catch (cause) {
      throw new TgProfileError(`entity cache ${this.path ?? ''} is not a valid cache file; delete it to start over`, {
        cause,
      })
    }
  }

  /** Number of users known. */
  get size(): number {
    return this.byId.size
  }

  /** The logged-in account's id, once a response marked it as `self`. */
  get selfId(): bigint | undefined {
    return this.self
  }

  /** What is known about user `id`. */
  get(id: bigint): CachedUser | undefined {
    return this.byId.get(id)
  }

  /** The user currently known under `username` (case-insensitive, without `@`). */
  getByUsername(username: string): CachedUser | undefined {
    const id = this.byUsername.get(username.toLowerCase())
    return id === undefined ? undefined : this.byId.get(id)
  }

  private put(id: bigint, accessHash: bigint, usernames: readonly string[]): boolean {
    const old = this.byId.get(id)
    const same =
      old !== undefined &&
      old.accessHash === accessHash &&
      old.usernames.length === usernames.length &&
      old.usernames.every((u, i) => u === usernames[i])
    if (same) return false
    for (const u of old?.usernames ?? []) {
      if (this.byUsername.get(u) === id) this.byUsername.delete(u)
    }
    for (const u of usernames) {
      // A username moves with its current owner.
      const previous = this.byUsername.get(u)
      if (previous !== undefined && previous !== id) {
        const other = this.byId.get(previous)
        if (other !== undefined) {
          this.byId.set(previous, { ...other, usernames: other.usernames.filter((x) => x !== u) })
        }
      }
      this.byUsername.set(u, id)
    }
    this.byId.set(id, { id, accessHash, usernames: [...usernames] })
    return true
  }

  /** Records a user by hand (`usernames` are lower-cased). Returns whether anything changed. */
  set(id: bigint, accessHash: bigint, usernames: readonly string[] = []): boolean {
    const changed = this.put(id, accessHash, usernames.map((u) => u.toLowerCase()))
    if (changed) this.changed()
    return changed
  }

  /**
   * Records every usable user object: `min` users (whose access hash only works in their message context) and
   * users without an access hash are skipped. Returns how many entries changed.
   */
  addUsers(users: Iterable<Api.TypeUser>): number {
    let n = 0
    let selfChanged = false
    for (const user of users) {
      if (!(user instanceof Api.User)) continue
      const id = BigInt(user.id.toString())
      if (user.self && this.self !== id) {
        this.self = id
        selfChanged = true
      }
      if (user.min || user.accessHash === undefined) continue
      if (this.put(id, BigInt(user.accessHash.toString()), activeUsernames(user))) n++
    }
    if (n > 0 || selfChanged) this.changed()
    return n
  }

  private changed(): void {
    if (this.path === undefined) return
    this.dirty = true
    if (this.timer !== undefined || this.closed) return
    const delay = Math.max(this.saveDelayMs, Math.min(MAX_SIZE_DELAY_MS, this.byId.size * SIZE_DELAY_MS_PER_USER))
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.flush().catch(() => undefined)
    }, delay)
    // A pending save must not keep the process alive; close() saves synchronously with the caller.
    this.timer.unref()
  }

  /** Saves now if anything changed since the last save (no-op for in-memory caches). */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    const path = this.path
    if (path === undefined || !this.dirty) return this.writing
    this.dirty = false
    // Writes are serialized so an older snapshot can never land after a newer one. Each first merges in what
    // another process saved meanwhile, so two processes sharing a session do not drop each other's users.
    const next = this.writing.then(async () => {
      // Reading back the file this instance wrote last would only find what it knows.
      if (this.written === undefined || this.written !== (await fileVersion(path))) await this.mergeFromDisk(path)
      // Until the write succeeds the file may be neither the old version nor the new one: merge next time.
      this.written = undefined
      this.written = versionOf(await writeFileAtomic(path, serializeCacheFile(this.self, this.byId.values())))
    })
    this.writing = next.catch(() => undefined)
    try {
      await next
    } catch (error) {
      this.dirty = true
      throw error
    }
  }

  // Adds users saved by another process that this instance does not know; what this instance knows wins.
  private async mergeFromDisk(path: string): Promise<void> {
    // Absent (first save) or unreadable: this instance's state replaces it.
    const saved = await readCacheFileLeniently(path)
    if (saved === undefined) return
    if (this.self === undefined) this.self = saved.self
    for (const { id, accessHash, usernames } of saved.users) {
      if (this.byId.has(id)) continue
      const free = usernames.filter((u) => !this.byUsername.has(u))
      for (const u of free) this.byUsername.set(u, id)
      this.byId.set(id, { id, accessHash, usernames: free })
    }
  }

  /** Saves pending changes and stops the debounce timer. The cache stays readable. */
  async close(): Promise<void> {
    this.closed = true
    await this.flush()
  }
}

/**
 * Feeds the users of any MTProto answer into `client`'s entity cache: a `Vector<User>` (`users.getUsers`) or any
 * object with a `users` list (`photos.Photos`, `contacts.ResolvedPeer`, …). For code that sends its own requests.
 * Returns how many cache entries changed.
 */
export function rememberUsers(client: ProfileClient, result: unknown): number {
  const cache = getEntityCache(client)
  if (Array.isArray(result)) return cache.addUsers(result.filter((u): u is Api.User => u instanceof Api.User))
  const users = typeof result === 'object' && result !== null ? (result as { users?: unknown }).users : undefined
  if (!Array.isArray(users)) return 0
  return cache.addUsers(users.filter((u): u is Api.User => u instanceof Api.User))
}

const attached = new WeakMap<object, EntityCache>()

/** Makes `cache` the entity cache the library methods use with `client`. */
export function attachEntityCache(client: ProfileClient, cache: EntityCache): void {
  attached.set(client, cache)
}

/** The cache attached to `client`, or a fresh in-memory one attached on first use. */
export function getEntityCache(client: ProfileClient): EntityCache {
  let cache = attached.get(client)
  if (cache === undefined) {
    cache = EntityCache.memory()
    attached.set(client, cache)
  }
  return cache
}
