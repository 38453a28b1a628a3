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
