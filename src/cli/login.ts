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
    const me = await promptingOnStderr(() =>
      interactiveLogin(client, prompts, { report: (line) => ctx.io.stderr.write(`${line}\n`) }),
    )
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
    if (error instanceof Error && error.message === 'AUTH_USER_CANCEL') throw new LoginError('login cancelled')
    throw error
  } finally {
    await shutdownClient(client)
  }
}

/**
 * Runs `body` with `process.stdout` writes sent to stderr: `input` (inquirer) draws its prompts on stdout, which
 * must stay clean for `--print-session` / the JSON envelope.
 */
async function promptingOnStderr<T>(body: () => Promise<T>): Promise<T> {
  const write = process.stdout.write
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write
  try {
    return await body()
  } finally {
    process.stdout.write = write
  }
}
