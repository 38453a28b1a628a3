import { BotApiError, DESCRIPTIONS, NetworkError } from '../errors/index.js'
import { NotLoggedInError } from '../errors/index.js'
import type { ConnectOptions } from '../client/connect.js'
import { redact } from '../client/redact.js'
import { intOption, parseCli, stringOption, UsageError } from './args.js'
import type { CommandName, ParsedCli } from './args.js'
import { formatError } from '../botapi/envelope.js'
import { helpFor } from './help.js'
import { InterruptedError } from './io.js'
import type { CliIo } from './io.js'
import { packageVersion } from './version.js'

/**
 * Exit codes: 0 ok, 1 the operation failed (API error, network, I/O), 2 the command line or setup is wrong, 3 the
 * work is incomplete but resumable (an archive with users left waiting for a flood wait: run it again later).
 */
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
export const EXIT_INCOMPLETE = 3

/** What a command handler gets. */
export interface CommandContext {
  cli: ParsedCli
  io: CliIo
  /** `--json`, or stdout is not a terminal: print Bot API envelopes. */
  json: boolean
  verbose: boolean
  /** Aborted when the user interrupts; every call that talks to Telegram takes it. */
  signal: AbortSignal
  /** `--timeout SECONDS` in milliseconds: how long each request waits for its answer. Default: the library's. */
  timeoutMs: number | undefined
}

/** A command: prints its output and returns an exit code; throws to report an error. */
export type CommandHandler = (ctx: CommandContext) => Promise<number>

/** A feature that is not wired yet in this build: exit 2 with a clear line. */
export class NotAvailableError extends Error {
  override name = 'NotAvailableError'
}

/** What every command that talks to Telegram (or an emulator) connects with: environment, folder, and the global options. */
export function connectOptionsOf(ctx: CommandContext): ConnectOptions {
  return {
    env: ctx.io.env,
    cwd: ctx.io.cwd,
    sessionFile: stringOption(ctx.cli.options, 'session'),
    emulatorFile: stringOption(ctx.cli.options, 'emulator'),
    verbose: ctx.verbose,
    logSink: ctx.io.stderr,
    signal: ctx.signal,
    ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
  }
}

/** The deadline and signal of a command's library calls. */
export function callOptionsOf(ctx: CommandContext): { signal: AbortSignal; timeoutMs?: number } {
  return ctx.timeoutMs === undefined ? { signal: ctx.signal } : { signal: ctx.signal, timeoutMs: ctx.timeoutMs }
}

/**
 * How long a command may take to stop after an interrupt before the command line gives up on it and exits: a
 * stopping command saves what it has (session, entity cache, an archive's manifest), which takes moments.
 */
export const STOP_GRACE_MS = 10_000

/** Rejects with the signal's reason `graceMs` after `signal` aborts (never, while it does not). */
function stopDeadline(signal: AbortSignal, graceMs: number): { promise: Promise<never>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => {
      timer = setTimeout(() => reject(signal.reason), graceMs)
    }
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  return {
    promise,
    cancel: () => {
      clearTimeout(timer)
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort)
    },
  }
}

/**
 * Runs one `tg-profile` invocation and returns its exit code. Never throws: every error becomes one line on stderr
 * (through the secrets redactor), plus the Bot API error envelope on stdout in JSON mode, plus the stack with
 * `--verbose`.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  handlers: Partial<Record<CommandName, CommandHandler>>,
  options: { stopGraceMs?: number } = {},
): Promise<number> {
  const verboseHint = argv.includes('--verbose') || argv.includes('-v')
  let cli: ParsedCli
  try {
    cli = parseCli(argv)
  } catch (error) {
    if (error instanceof UsageError) {
      const where = error.command === undefined ? 'tg-profile --help' : `tg-profile ${error.command} --help`
      io.stderr.write(`tg-profile: ${redact(error.message)}\nRun "${where}" for usage.\n`)
      return EXIT_USAGE
    }
    return reportError(error, io, false, verboseHint)
  }
  if (cli.options.version === true) {
    io.stdout.write(`${packageVersion()}\n`)
    return EXIT_OK
  }
  if (cli.options.help === true || cli.command === undefined) {
    io.stdout.write(helpFor(cli.command))
    return EXIT_OK
  }
  const json = cli.options.json === true || io.stdout.isTTY !== true
  const verbose = cli.options.verbose === true
  const handler = handlers[cli.command]
  const signal = io.signal ?? new AbortController().signal
  const stop = stopDeadline(signal, options.stopGraceMs ?? STOP_GRACE_MS)
  try {
    if (handler === undefined) throw new NotAvailableError(`"${cli.command}" is not available in this build yet`)
    const timeout = intOption(cli.options, 'timeout', 1, 86_400)
    const timeoutMs = timeout === undefined ? undefined : timeout * 1000
    return await Promise.race([handler({ cli, io, json, verbose, signal, timeoutMs }), stop.promise])
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`tg-profile: ${redact(error.message)}\nRun "tg-profile ${cli.command} --help" for usage.\n`)
      return EXIT_USAGE
    }
    return reportError(error, io, json, verbose)
  } finally {
    stop.cancel()
  }
}

/** Prints an error the way the CLI promises and returns the exit code. */
export function reportError(error: unknown, io: CliIo, json: boolean, verbose: boolean): number {
  // No authorized session is what the Bot API answers for an unusable token: 401 Unauthorized (the advice as hint).
  if (error instanceof NotLoggedInError) {
    error = new BotApiError(401, DESCRIPTIONS.unauthorized, { hint: error.message, cause: error })
  }
  if (error instanceof BotApiError) {
    if (json) io.stdout.write(formatError(error))
    io.stderr.write(redact(`Error ${error.error_code}: ${error.description}\n`))
    if (error.hint !== undefined) io.stderr.write(redact(`${error.hint}\n`))
  } else if (error instanceof NetworkError) {
    io.stderr.write(redact(`tg-profile: network error: ${error.message}\n`))
  } else {
    const message = error instanceof Error ? error.message : String(error)
    io.stderr.write(redact(`tg-profile: ${firstLine(message)}\n`))
  }
  if (verbose && error instanceof Error && error.stack !== undefined) io.stderr.write(`${redact(error.stack)}\n`)
  if (error instanceof NotAvailableError) return EXIT_USAGE
  if (error instanceof InterruptedError) return error.exitCode
  return EXIT_FAILURE
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s
}
