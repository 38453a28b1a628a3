/**
 * Interactive login of a user account: phone number, login code, 2FA password, through GramJS's `client.start`.
 * The prompts are injected (the CLI uses the `input` package; tests drive them through stdin).
 */
import type { Api, TelegramClient } from 'telegram'
import { toBotApiError } from '../errors/index.js'
import { BotApiError } from '../errors/index.js'
import { LoginError } from '../errors/index.js'
import { redact, registerSecret } from './redact.js'
import { connectClient, isAuthorized } from './authorization.js'
import { connectTimeoutMs, untilAborted, withDeadline } from './deadline.js'
import type { CallOptions } from './deadline.js'

/** Where login asks its questions. */
export interface LoginPrompts {
  /** The phone number in international format. */
  phone(): Promise<string>
  /** The login code; `viaApp` tells whether Telegram sent it to the app rather than by SMS. */
  code(viaApp: boolean): Promise<string>
  /** The 2FA (cloud) password; `hint` is the account's password hint, if any. */
  password(hint: string | undefined): Promise<string>
}

/** Options of {@link interactiveLogin}. */
export interface InteractiveLoginOptions extends CallOptions {
  /** Where error lines go (already redacted). Default: stderr. */
  report?: (line: string) => void
  /** Failed attempts (wrong code, wrong password, …) before giving up. Default 3. */
  maxAttempts?: number
}

/** The Bot-API-style text of a login error (`Bad Request: PHONE_CODE_INVALID`, `Too Many Requests: retry after 30`). */
export function loginErrorText(error: unknown): string {
  const translated = toBotApiError(error)
  if (translated instanceof BotApiError) return `Error ${translated.error_code}: ${translated.description}`
  return translated.message
}

/**
 * Logs `client` in interactively unless it already is; returns the account's user. Each error is reported as one
 * Bot-API-style line and the question asked again, up to `maxAttempts` errors in all. Never signs up a new
 * account: a phone without a Telegram account is an error.
 *
 * A prompt that throws is not counted as a failed attempt: login stops at once with that prompt's error (e.g. the
 * CLI's {@link LoginError} when standard input closes).
 *
 * @throws {LoginError} after too many failed attempts or when the phone has no account
 */
export async function interactiveLogin(
  client: TelegramClient,
  prompts: LoginPrompts,
  options: InteractiveLoginOptions = {},
): Promise<Api.User> {
  const report = options.report ?? ((line: string) => process.stderr.write(`${line}\n`))
  const maxAttempts = options.maxAttempts ?? 3
  // Connecting and the authorization check wait on Telegram only: they get the request deadline. The prompts wait
  // on a person and have none, but the signal ends the login wherever it is.
  const call = { signal: options.signal, timeoutMs: connectTimeoutMs(options.timeoutMs) }
  const ready = (async (): Promise<boolean> => {
    await connectClient(client)
    return isAuthorized(client)
  })()
  if (await withDeadline(ready, 'connecting and checking the authorization', call)) {
    return (await withDeadline(client.getMe(), 'users.getUsers', call)) as Api.User
  }
  return untilAborted(promptedLogin(client, prompts, report, maxAttempts), options.signal)
}

async function promptedLogin(
  client: TelegramClient,
  prompts: LoginPrompts,
  report: (line: string) => void,
  maxAttempts: number,
): Promise<Api.User> {
  let failures = 0
  let fatal: Error | undefined
  // A prompt that fails (stdin closed, cancelled) is not a wrong answer: its error stops the login as it is.
  const ask = async (question: () => Promise<string>): Promise<string> => {
    try {
      return await question()
    } catch (error) {
      fatal = error instanceof Error ? error : new LoginError(String(error))
      throw fatal
    }
  }
  try {
    await client.start({
      phoneNumber: async () => (await ask(() => prompts.phone())).trim(),
      // GramJS swallows an error thrown here and signs in with the previous code; an empty code instead goes
      // straight to onError, which stops at once once `fatal` is set.
      phoneCode: async (viaApp?: boolean) => (await ask(() => prompts.code(viaApp === true)).catch(() => '')).trim(),
      password: async (hint?: string) => {
        const password = await ask(() => prompts.password(hint === '' ? undefined : hint))
        registerSecret(password)
        return password
      },
      firstAndLastNames: async () => {
        fatal = new LoginError('this phone number has no Telegram account (tg-profile does not sign up new accounts)')
        throw fatal
      },
      onError: async (error: Error) => {
        if (fatal !== undefined) return true
        failures++
        report(redact(loginErrorText(error)))
        if (failures >= maxAttempts) {
          fatal = new LoginError(`login failed after ${failures} attempts`)
          return true
        }
        return false
      },
    })
  } catch (error) {
    // Stopping makes GramJS throw its own `AUTH_USER_CANCEL`: the reason it stopped is `fatal`.
    throw fatal ?? error
  }
  return (await client.getMe()) as Api.User
}
