/**
 * The errors of using tg-profile on this machine, as opposed to Telegram's answers ({@link BotApiError}) and the
 * network's failures ({@link NetworkError}): configuration, the session file, logging in, the archive's run lock.
 * Their messages name the variable or path at fault, never a secret.
 */
import { TgProfileError } from './tg-profile-error.js'

/** A configuration value is missing or malformed. The message names the variable, never a secret's value. */
export class ConfigError extends TgProfileError {
  override name = 'ConfigError'
  /** The variable at fault. */
  readonly variable: string
  constructor(variable: string, message: string) {
    super(message)
    this.variable = variable
  }
}

/** The session file cannot be used. The message names the path, never the session. */
export class SessionFileError extends TgProfileError {
  override name = 'SessionFileError'
  /** The session file. */
  readonly path: string
  constructor(path: string, message: string) {
    super(message)
    this.path = path
  }
}

/** No session, or a session Telegram no longer accepts. */
export class NotLoggedInError extends TgProfileError {
  override name = 'NotLoggedInError'
}

/** Login was given up after an error (too many attempts, no account for the phone, cancelled). */
export class LoginError extends TgProfileError {
  override name = 'LoginError'
}

/** Another live run holds the lock of this `out` folder. */
export class ArchiveLockedError extends TgProfileError {
  override name = 'ArchiveLockedError'
  constructor(
    /** The lock file. */
    readonly lockPath: string,
    /** The process holding it. */
    readonly pid: number,
  ) {
    super(`another archive run (pid ${pid}) is using this folder (lock ${lockPath})`)
  }
}
