/**
 * The session file: one GramJS `StringSession` string (a full account login — treat it like a password).
 *
 * Written atomically (temporary file created 0600 with O_EXCL, fsync, rename, fsync of the folder) in a folder
 * created 0700. Reading is strict: a session file that group or others can read, or that is not a regular file,
 * is refused with a {@link SessionFileError} telling how to fix it — we never silently chmod a file someone else
 * may already have copied; the user decides (and should consider the session compromised).
 */
import { constants } from 'node:fs'
import { lstat, open } from 'node:fs/promises'
import { StringSession } from 'telegram/sessions/index.js'
import { SessionFileError } from '../errors/index.js'
import { registerSecret } from './redact.js'
import { writeFileAtomic } from '../util/atomic-write.js'

/** Mode of session files. */
export const SESSION_FILE_MODE = 0o600
/** Mode of a session folder tg-profile creates. */
export const SESSION_DIR_MODE = 0o700

/**
 * Reads a file only its owner may read (a session, or keys beside it); `undefined` when it does not exist. `what`
 * names it in errors ("session file").
 *
 * @throws {SessionFileError} when the file is readable by group/others or is not a regular file
 */
export async function readPrivateFile(path: string, what: string): Promise<string | undefined> {
  let stat
  try {
    stat = await lstat(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  if (!stat.isFile()) throw new SessionFileError(path, `${what} ${path} is not a regular file`)
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new SessionFileError(
      path,
      `${what} ${path} is accessible by other users (mode ${(stat.mode & 0o777).toString(8)}); ` +
        `run "chmod 600 ${path}" if that is safe, or log in again`,
    )
  }
  // O_NOFOLLOW: the lstat above and this open see the same file, not a symlink swapped in between.
  const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
  try {
    return await handle.readFile('utf8')
  } finally {
    await handle.close()
  }
}

/**
 * Reads the session string stored at `path`; `undefined` when the file does not exist.
 *
 * @throws {SessionFileError} when the file is readable by group/others, is not a regular file, or is not a session
 */
export async function readSessionFile(path: string): Promise<string | undefined> {
  const session = (await readPrivateFile(path, 'session file'))?.trim()
  if (session === undefined || session === '') return undefined
  if (!/^1[A-Za-z0-9+/=_-]+$/.test(session)) throw new SessionFileError(path, `session file ${path} does not hold a session string`)
  registerSecret(session)
  return session
}

/**
 * Atomically replaces the session file at `path` with `session` (mode 0600; missing folders are created 0700).
 * A crash leaves either the old file or the new one, never a partial file.
 */
export async function writeSessionFile(path: string, session: string): Promise<void> {
  registerSecret(session)
  await writeFileAtomic(path, `${session}\n`, { mode: SESSION_FILE_MODE, dirMode: SESSION_DIR_MODE })
}

/**
 * A GramJS `StringSession` that can hold any TCP port. GramJS writes the port as a *signed* 16-bit integer, so
 * saving a session for a server on a port above 32767 (any ephemeral loopback port, e.g. the emulator's) throws
 * `ERR_OUT_OF_RANGE`. This class saves such ports in two's complement and reads them back unsigned; the string
 * format is unchanged and ports ≤ 32767 (Telegram's 443/80) encode exactly as GramJS does. It also keeps one entity
 * row per peer (see {@link PortSafeStringSession.processEntities}).
 */
export class PortSafeStringSession extends StringSession {
  /** The entity row of each peer, by marked id (see {@link processEntities}). */
  private readonly rowOf = new Map<string, unknown>()

  /**
   * GramJS's session remembers the peers of every answer (`client.getInputEntity` looks there), adding a row per
   * peer per answer even when it knows the peer: a bulk run kept several rows for each user it met, for the whole
   * run. Here a peer has one row, the newest.
   */
  override processEntities(tlo: unknown): void {
    for (const row of this._entitiesToRows(tlo)) {
      const id = String(row[0])
      const old = this.rowOf.get(id)
      if (old !== undefined) this._entities.delete(old)
      this._entities.add(row)
      this.rowOf.set(id, row)
    }
  }

  /** Drops the entity row of the peer with marked id `markedId` (a user's id); `true` when there was one. */
  forgetPeer(markedId: string): boolean {
    const row = this.rowOf.get(markedId)
    if (row === undefined) return false
    this._entities.delete(row)
    this.rowOf.delete(markedId)
    return true
  }

  constructor(session?: string) {
    super(session)
    if (this._port !== undefined && this._port < 0) this._port += 0x10000
  }

  override save(): string {
    const port = this._port
    if (port === undefined || port <= 0x7fff) return super.save()
    this._port = port - 0x10000
    try {
      return super.save()
    } finally {
      this._port = port
    }
  }
}

/** The GramJS fields {@link forgetGramjsUser} touches (GramJS 2.26 `TelegramClient` and `MemorySession`). */
interface GramjsEntityHolders {
  _entityCache?: { cacheMap?: Map<string, unknown> }
  session?: unknown
}

/**
 * Removes user `userId` from GramJS's own in-process entity caches: the client's `_entityCache` (id → input peer)
 * and the session's entity rows (which `client.getInputEntity` reads). GramJS adds every user of every answer to both
 * and never removes one, so a bulk run that meets ten thousand users keeps them all; the archiver calls this once a
 * user is done (its access hash stays in the project's `EntityCache`). The rows of a plain GramJS session are
 * looked through one by one; a {@link PortSafeStringSession} finds its row directly.
 */
export function forgetGramjsUser(client: object, userId: string): void {
  const { _entityCache: cache, session } = client as GramjsEntityHolders
  cache?.cacheMap?.delete(userId)
  if (session instanceof PortSafeStringSession) {
    session.forgetPeer(userId)
    return
  }
  const rows = (session as { _entities?: unknown } | undefined)?._entities
  if (!(rows instanceof Set)) return
  for (const row of rows) if (Array.isArray(row) && String(row[0]) === userId) rows.delete(row)
}
