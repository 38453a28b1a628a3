import { createInterface } from 'node:readline'
import input from 'input'
import type { Api, TelegramClient } from 'telegram'
import type { StringSession } from 'telegram/sessions/index.js'
import { openClient, saveSession, shutdownClient } from '../client/connect.js'
import { forgetDcKeys } from '../client/dc-keys.js'
import { interactiveLogin } from '../client/login.js'
import { LoginError } from '../errors/index.js'
import type { InteractiveLoginOptions } from '../client/login.js'
import type { LoginPrompts } from '../client/login.js'
import { toBotApiUser } from '../botapi/user.js'
import { formatOk } from '../botapi/envelope.js'
import { EXIT_OK, callOptionsOf, connectOptionsOf } from './run.js'
import type { CommandContext } from './run.js'

/** The questions login asks, the same on a terminal and over a pipe. */
const QUESTIONS = {
  phone: 'Phone number (international format, e.g. +44...):',
  code: (viaApp: boolean): string => (viaApp ? 'Login code (sent to your Telegram app):' : 'Login code (sent by SMS):'),
  password: (hint: string | undefined): string => (hint === undefined ? '2FA password:' : `2FA password (hint: ${hint}):`),
}

/** Prompts through the `input` package (inquirer), for a terminal: they draw on it and mask the password. */
export const inputPrompts: LoginPrompts = {
  phone: () => input.text(QUESTIONS.phone),
  code: (viaApp) => input.text(QUESTIONS.code(viaApp)),
  password: (hint) => input.password(QUESTIONS.password(hint)),
}

/** {@link LoginPrompts} that also have a stream to let go of. */
export interface ClosableLoginPrompts extends LoginPrompts {
  /** Stops reading `input` (so it no longer keeps the process alive); later questions fail. */
  close(): void
}

/**
 * Prompts for standard input that is not a terminal (`printf '+44...\n12345\nsecret\n' | tg-profile login`): one
 * line reader over `input` answers the questions in order, lines that arrived before their question included
 * (inquirer drops those). Each question is written to `output`, the answer is not (nothing is echoed, passwords
 * included). A question asked once `input` has ended without a line left for it fails with a {@link LoginError}.
 */
export function linePrompts(input: NodeJS.ReadableStream, output: { write(chunk: string): unknown }): ClosableLoginPrompts {
  const lines = createInterface({ input, terminal: false, crlfDelay: Infinity })
  const queued: string[] = []
  const waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = []
  let ended = false
  lines.on('line', (line: string) => {
    const waiter = waiting.shift()
    if (waiter === undefined) queued.push(line)
    else waiter.resolve(line)
  })
  lines.on('close', () => {
    ended = true
    for (const waiter of waiting.splice(0)) waiter.reject(stdinClosed())
  })
  const ask = async (question: string): Promise<string> => {
    output.write(`${question} `)
    let answer = queued.shift()
    if (answer === undefined) {
      if (ended) throw stdinClosed()
      answer = await new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }))
    }
    // The answer is not echoed (no terminal): end the question's line so the next output starts on its own.
    output.write('\n')
    return answer
  }
  return {
    phone: () => ask(QUESTIONS.phone),
    code: (viaApp) => ask(QUESTIONS.code(viaApp)),
    password: (hint) => ask(QUESTIONS.password(hint)),
    close: () => lines.close(),
  }
}

/**
 * `tg-profile login [--print-session]`: logs in interactively and saves the session file (0600). With
 * `--print-session` the session string is printed once on stdout — the only place a secret ever reaches stdout.
 * Without `prompts` the questions go through {@link inputPrompts} on a terminal and {@link linePrompts} otherwise.
 */
export async function loginCommand(ctx: CommandContext, prompts?: LoginPrompts): Promise<number> {
  const opened = await openClient(connectOptionsOf(ctx))
  const { client } = opened
  // With TG_SESSION set there is no file to save to: --session / TG_SESSION_FILE / the default file is used.
  const sessionFile = opened.sessionFile ?? opened.config.sessionFile
  const report = (line: string): void => void ctx.io.stderr.write(`${line}\n`)
  try {
    const me =
      prompts === undefined && process.stdin.isTTY !== true
        ? await loginFromLines(client, ctx.io.stderr, { report, ...callOptionsOf(ctx) })
        : await loginOnTerminal(client, prompts ?? inputPrompts, { report, ...callOptionsOf(ctx) })
    await saveSession(client, sessionFile)
    // Keys other DCs authorized for an earlier login of this session file must not serve this one.
    await forgetDcKeys(sessionFile)
    const user = toBotApiUser(me)
    ctx.io.stderr.write(`Logged in as ${user.first_name}${user.username ? ` (@${user.username})` : ''}, id ${user.id}; session saved to ${sessionFile}\n`)
    if (ctx.cli.options['print-session'] === true) {
      ctx.io.stdout.write(`${(client.session as StringSession).save()}\n`)
    } else if (ctx.json) {
      ctx.io.stdout.write(formatOk(user))
    }
    return EXIT_OK
  } catch (error) {
    // The unanswered question's line is still open on the terminal: the error goes on a line of its own.
    if (error instanceof StdinClosedError) ctx.io.stderr.write('\n')
    if (error instanceof Error && error.message === 'AUTH_USER_CANCEL') throw new LoginError('login cancelled')
    throw error
  } finally {
    await shutdownClient(client)
  }
}

/** Login stopped because standard input ended with a question unanswered. */
class StdinClosedError extends LoginError {}

function stdinClosed(): StdinClosedError {
  return new StdinClosedError('login cancelled: standard input closed before the question was answered')
}

/** Login with answers read line by line from standard input (a pipe or a file), questions on stderr. */
async function loginFromLines(
  client: TelegramClient,
  stderr: { write(chunk: string): unknown },
  options: InteractiveLoginOptions,
): Promise<Api.User> {
  const prompts = linePrompts(process.stdin, stderr)
  try {
    return await interactiveLogin(client, prompts, options)
  } finally {
    prompts.close()
  }
}

/** Login through `prompts` drawing on the terminal (inquirer), kept off stdout, stopped if stdin ends. */
async function loginOnTerminal(client: TelegramClient, prompts: LoginPrompts, options: InteractiveLoginOptions): Promise<Api.User> {
  const watch = watchStdinEnd(prompts, process.stdin)
  return promptingOnStderr(() => Promise.race([interactiveLogin(client, watch.prompts, options), watch.ended])).finally(
    () => watch.dispose(),
  )
}

/** How long a question may stay unanswered after standard input ended before login gives up (buffered lines first). */
const STDIN_END_GRACE_MS = 250

/**
 * Wraps `prompts` so that a question still unanswered once standard input has ended stops the login with
 * {@link LoginError} through `ended` (inquirer would otherwise wait forever, e.g. `tg-profile login < /dev/null` in a
 * script). `dispose` removes the listener and timer.
 */
export function watchStdinEnd(
  prompts: LoginPrompts,
  stdin: NodeJS.ReadableStream & { readableEnded?: boolean },
): { prompts: LoginPrompts; ended: Promise<never>; dispose: () => void } {
  let pending = 0
  let timer: NodeJS.Timeout | undefined
  let fail: (error: Error) => void = () => undefined
  const ended = new Promise<never>((_, reject) => {
    fail = reject
  })
  ended.catch(() => undefined)
  const check = (): void => {
    if (timer !== undefined || pending === 0 || stdin.readableEnded !== true) return
    timer = setTimeout(() => {
      timer = undefined
      if (pending > 0) fail(stdinClosed())
    }, STDIN_END_GRACE_MS)
  }
  stdin.on('end', check)
  const wrap =
    <A extends unknown[]>(ask: (...args: A) => Promise<string>) =>
    async (...args: A): Promise<string> => {
      pending++
      const answer = ask(...args)
      check()
      try {
        return await answer
      } finally {
        pending--
      }
    }
  return {
    prompts: { phone: wrap(prompts.phone), code: wrap(prompts.code), password: wrap(prompts.password) },
    ended,
    dispose: () => {
      stdin.off('end', check)
      if (timer !== undefined) clearTimeout(timer)
    },
  }
}

/**
 * Runs `body` with `process.stdout` writes sent to stderr: `input` (inquirer) draws its prompts on stdout, which
 * must stay clean for `--print-session` / the JSON envelope.
 */
async function promptingOnStderr<T>(body: () => Promise<T>): Promise<T> {
  const write = process.stdout.write
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write
  let restore = true
  try {
    return await body()
  } catch (error) {
    // A prompt left unanswered (standard input closed) prints its closing newlines on process exit: keep them off
    // stdout too. Nothing else is written to stdout after a failed login.
    if (error instanceof StdinClosedError) restore = false
    throw error
  } finally {
    if (restore) process.stdout.write = write
  }
}
