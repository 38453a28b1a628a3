import input from 'input'
import type { StringSession } from 'telegram/sessions/index.js'
import { openClient, saveSession, shutdownClient } from '../client/connect.js'
import { interactiveLogin, LoginError } from '../client/login.js'
import type { LoginPrompts } from '../client/login.js'
import { stringOption } from './args.js'
import { toBotApiUser } from './user.js'
import { formatOk } from './envelope.js'
import { EXIT_OK } from './run.js'
import type { CommandContext } from './run.js'

/** Prompts through the `input` package (inquirer): they read stdin and draw on the terminal. */
export const inputPrompts: LoginPrompts = {
  phone: () => input.text('Phone number (international format, e.g. +44...):'),
  code: (viaApp) => input.text(viaApp ? 'Login code (sent to your Telegram app):' : 'Login code (sent by SMS):'),
  password: (hint) => input.password(hint === undefined ? '2FA password:' : `2FA password (hint: ${hint}):`),
}

/**
 * `tg-profile login [--print-session]`: logs in interactively and saves the session file (0600). With
 * `--print-session` the session string is printed once on stdout — the only place a secret ever reaches stdout.
 */
export async function loginCommand(ctx: CommandContext, prompts: LoginPrompts = inputPrompts): Promise<number> {
  const opened = await openClient({
    env: ctx.io.env,
    cwd: ctx.io.cwd,
    sessionFile: stringOption(ctx.cli.options, 'session'),
    emulatorFile: stringOption(ctx.cli.options, 'emulator'),
    verbose: ctx.verbose,
    logSink: ctx.io.stderr,
  })
  const { client } = opened
  // With TG_SESSION set there is no file to save to: --session / TG_SESSION_FILE / the default file is used.
  const sessionFile = opened.sessionFile ?? opened.config.sessionFile
  try {
    const watch = watchStdinEnd(prompts, process.stdin)
    const me = await promptingOnStderr(() =>
      Promise.race([
        interactiveLogin(client, watch.prompts, { report: (line) => ctx.io.stderr.write(`${line}\n`) }),
        watch.ended,
      ]),
    ).finally(() => watch.dispose())
    await saveSession(client, sessionFile)
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
      if (pending > 0) fail(new StdinClosedError('login cancelled: standard input closed before the question was answered'))
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
