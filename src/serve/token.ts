/**
 * The endpoint's access token: shaped like a bot token (`<account id>:<secret>`), created on first run, stored 0600
 * beside the session (whoever can read the session owns the account anyway), compared in constant time, replaced
 * on request. It is registered with the redactor, so no log line can carry it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { readPrivateFile } from '../client/session.js'
import { registerSecret } from '../client/redact.js'
import { writeFileAtomic } from '../util/atomic-write.js'

/** Where the token of the session at `sessionFile` is kept. */
export function tokenPathFor(sessionFile: string): string {
  return `${sessionFile}.serve-token`
}

/** A fresh token for `accountId`: the id, a colon, 35 characters of randomness (26 bytes, base64url). */
export function createServeToken(accountId: number | bigint | string): string {
  return `${String(accountId)}:${randomBytes(26).toString('base64url')}`
}

/** Whether `given` is `expected`, in time that depends on neither's content. */
export function tokensEqual(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so even the length of the token leaks nothing.
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

/** What {@link loadServeToken} found or made. */
export interface ServeToken {
  /** The token. */
  token: string
  /** Whether it was made just now (and should be shown once). */
  created: boolean
  /** The file holding it; `undefined` when it lives in memory only. */
  path: string | undefined
}

/** Options of {@link loadServeToken}. */
export interface LoadServeTokenOptions {
  /** The token file; `undefined` keeps the token in memory (an embedded emulator's session). */
  path: string | undefined
  /** The account the token is for: a stored token of another account is replaced. */
  accountId: number | bigint | string
  /** Replace the stored token with a new one. Default false. */
  rotate?: boolean
}

/**
 * The stored token of this account, or a new one (stored atomically, 0600) when there is none, it belongs to another
 * account, or `rotate` asks for it.
 *
 * @throws {SessionFileError} when the token file is readable by group or others
 */
export async function loadServeToken(options: LoadServeTokenOptions): Promise<ServeToken> {
  const { path, accountId } = options
  const stored = path === undefined || options.rotate === true ? undefined : (await readPrivateFile(path, 'token file'))?.trim()
  if (stored !== undefined && stored.startsWith(`${String(accountId)}:`) && stored.length > String(accountId).length + 20) {
    registerSecret(stored)
    return { token: stored, created: false, path }
  }
  const token = createServeToken(accountId)
  registerSecret(token)
  if (path !== undefined) await writeFileAtomic(path, `${token}\n`, { mode: 0o600, dirMode: 0o700 })
  return { token, created: true, path }
}
