import { TgProfileError } from '../errors/index.js'

/** Where the CLI writes; `process` in production, buffers in tests. */
export interface CliIo {
  stdout: { write(chunk: string): unknown; isTTY?: boolean }
  stderr: { write(chunk: string): unknown; isTTY?: boolean }
  /** The environment (`process.env`). */
  env: NodeJS.ProcessEnv
  /** The working directory relative paths resolve against. */
  cwd: string
  /** Aborted when the user interrupts (Ctrl-C, SIGTERM): every command stops what it is doing. Default: never. */
  signal?: AbortSignal
}

/** The reason a command was stopped by a signal: the command line exits with 128 + the signal's number. */
export class InterruptedError extends TgProfileError {
  override name = 'InterruptedError'
  constructor(readonly signalName: 'SIGINT' | 'SIGTERM') {
    super(`interrupted (${signalName})`)
  }

  /** The conventional exit status of a process ended by this signal. */
  get exitCode(): number {
    return this.signalName === 'SIGINT' ? 130 : 143
  }
}

/**
 * A signal aborted by the first SIGINT or SIGTERM (with an {@link InterruptedError}): the running command stops
 * cleanly (an archive stays resumable, sessions and caches are saved). A second one exits at once, for a user who
 * does not want to wait for that.
 */
export function interruptSignal(stderr: CliIo['stderr'], exit: (code: number) => void = (code) => process.exit(code)): AbortSignal {
  const controller = new AbortController()
  const on = (name: 'SIGINT' | 'SIGTERM'): void => {
    const reason = new InterruptedError(name)
    if (controller.signal.aborted) {
      exit(reason.exitCode)
      return
    }
    stderr.write(`\ntg-profile: ${name}: stopping (send it again to quit at once)\n`)
    controller.abort(reason)
  }
  process.on('SIGINT', on)
  process.on('SIGTERM', on)
  return controller.signal
}

/** The real process streams and environment, with {@link interruptSignal}. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: interruptSignal(process.stderr) }
}

/**
 * After an interrupt, ends the process with `code` if anything still keeps it alive a moment after the command
 * returned (a command given up on after the stop grace may leave connections open); otherwise it ends by itself.
 */
export function exitOnceStopped(io: CliIo, code: number): void {
  if (io.signal?.aborted !== true) return
  setTimeout(() => process.exit(code), 1000).unref()
}
