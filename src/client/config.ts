/**
 * Configuration from the environment (and `.env`, which never overrides a variable already set).
 *
 * | Variable          | Meaning                                                                    |
 * |-------------------|----------------------------------------------------------------------------|
 * | `TG_API_ID`       | api_id from my.telegram.org (positive integer)                             |
 * | `TG_API_HASH`     | api_hash from my.telegram.org (32 hex digits; secret)                      |
 * | `TG_SESSION`      | a GramJS session string (secret); takes precedence over the session file   |
 * | `TG_SESSION_FILE` | session file path; default `$XDG_CONFIG_HOME/tg-profile/session` or `~/.config/tg-profile/session` |
 * | `TG_EMULATOR`     | connection file of a tg-profile emulator: use it instead of Telegram       |
 */
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import dotenv from 'dotenv'
import { readFileSync } from 'node:fs'
import { ConfigError } from '../errors/index.js'
import { registerSecret } from './redact.js'

/** Everything tg-profile reads from the environment. */
export interface TgProfileConfig {
  /** `TG_API_ID`, when set. */
  apiId: number | undefined
  /** `TG_API_HASH`, when set. */
  apiHash: string | undefined
  /** `TG_SESSION`, when set. */
  sessionString: string | undefined
  /** The session file: `--session`, else `TG_SESSION_FILE`, else the per-user default. Always absolute. */
  sessionFile: string
  /** Where {@link sessionFile} came from. */
  sessionFileSource: 'option' | 'env' | 'default'
  /** `--emulator`, else `TG_EMULATOR`: an absolute path, when set. */
  emulatorFile: string | undefined
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** The environment. Default `process.env`. It is read, never modified. */
  env?: NodeJS.ProcessEnv
  /** Directory relative paths and `.env` resolve against. Default `process.cwd()`. */
  cwd?: string
  /** `.env` file to read, or `false` for none. Default `<cwd>/.env`. */
  dotenvPath?: string | false
  /** `--session FILE`: wins over `TG_SESSION_FILE`. */
  sessionFile?: string
  /** `--emulator FILE`: wins over `TG_EMULATOR`. */
  emulatorFile?: string
}

/** The default session file: `$XDG_CONFIG_HOME/tg-profile/session`, else `~/.config/tg-profile/session`. */
export function defaultSessionFile(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME
  const base = xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(env.HOME ?? homedir(), '.config')
  return join(base, 'tg-profile', 'session')
}

function readDotenv(path: string): Record<string, string> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new ConfigError('.env', `cannot read ${path}: ${(error as Error).message}`)
  }
  return dotenv.parse(text)
}

function nonEmpty(v: string | undefined): string | undefined {
  if (v === undefined) return undefined
  const t = v.trim()
  return t === '' ? undefined : t
}

/**
 * Reads the configuration: the real environment first, then `.env` for variables the environment lacks.
 * Secrets found (`TG_API_HASH`, `TG_SESSION`) are registered with the redactor.
 *
 * @throws {ConfigError} naming the variable when a value is malformed (the value of a secret is never included)
 */
export function loadConfig(options: LoadConfigOptions = {}): TgProfileConfig {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const dotenvPath = options.dotenvPath === undefined ? join(cwd, '.env') : options.dotenvPath
  const fromFile = dotenvPath === false ? {} : readDotenv(dotenvPath)
  const get = (name: string): string | undefined => nonEmpty(env[name]) ?? nonEmpty(fromFile[name])

  const apiHash = get('TG_API_HASH')
  const sessionString = get('TG_SESSION')
  registerSecret(apiHash)
  registerSecret(sessionString)

  const rawId = get('TG_API_ID')
  let apiId: number | undefined
  if (rawId !== undefined) {
    // api_id is not secret, but keep the message uniform and short.
    if (!/^[0-9]+$/.test(rawId) || !Number.isSafeInteger(Number(rawId)) || Number(rawId) <= 0) {
      throw new ConfigError('TG_API_ID', 'TG_API_ID must be a positive integer (the api_id from my.telegram.org)')
    }
    apiId = Number(rawId)
  }
  if (apiHash !== undefined && !/^[0-9a-fA-F]{32}$/.test(apiHash)) {
    throw new ConfigError('TG_API_HASH', 'TG_API_HASH must be 32 hexadecimal digits (the api_hash from my.telegram.org)')
  }
  if (sessionString !== undefined && !/^1[A-Za-z0-9+/=_-]+$/.test(sessionString)) {
    throw new ConfigError('TG_SESSION', 'TG_SESSION is not a session string (run "tg-profile login --print-session")')
  }

  const sessionOption = nonEmpty(options.sessionFile)
  const sessionArg = sessionOption ?? get('TG_SESSION_FILE')
  const sessionFileSource = sessionOption !== undefined ? 'option' : sessionArg !== undefined ? 'env' : 'default'
  const sessionFile = sessionArg === undefined ? defaultSessionFile(env) : resolve(cwd, sessionArg)
  const emulatorArg = nonEmpty(options.emulatorFile) ?? get('TG_EMULATOR')
  const emulatorFile = emulatorArg === undefined ? undefined : resolve(cwd, emulatorArg)
  return { apiId, apiHash, sessionString, sessionFile, sessionFileSource, emulatorFile }
}

/**
 * The api id/hash pair for real Telegram.
 * @throws {ConfigError} naming the first missing variable
 */
export function requireApiCredentials(config: TgProfileConfig): { apiId: number; apiHash: string } {
  if (config.apiId === undefined) {
    throw new ConfigError('TG_API_ID', 'TG_API_ID is not set (get api_id/api_hash at https://my.telegram.org, put them in .env)')
  }
  if (config.apiHash === undefined) {
    throw new ConfigError('TG_API_HASH', 'TG_API_HASH is not set (get api_id/api_hash at https://my.telegram.org, put them in .env)')
  }
  return { apiId: config.apiId, apiHash: config.apiHash }
}
