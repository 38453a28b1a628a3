import { parseArgs } from 'node:util'

/** The subcommands `tg-profile` knows. */
export const COMMANDS = ['login', 'whoami', 'photos', 'audios', 'download', 'archive', 'emulator', 'start', 'serve', 'gallery'] as const
/** One of {@link COMMANDS}. */
export type CommandName = (typeof COMMANDS)[number]

type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean }

/** Options every command accepts. */
const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
  emulator: { type: 'string' },
  session: { type: 'string' },
  timeout: { type: 'string' },
}

/** Per-command options (on top of {@link GLOBAL_OPTIONS}). */
const COMMAND_OPTIONS: Record<CommandName, Record<string, OptionSpec>> = {
  login: { 'print-session': { type: 'boolean' } },
  whoami: {},
  photos: {
    offset: { type: 'string' },
    limit: { type: 'string' },
    'max-id': { type: 'string' },
    all: { type: 'boolean' },
  },
  audios: { offset: { type: 'string' }, limit: { type: 'string' } },
  download: { output: { type: 'string', short: 'o' }, force: { type: 'boolean' }, user: { type: 'string' } },
  archive: {
    from: { type: 'string' },
    out: { type: 'string' },
    sizes: { type: 'string' },
    'no-videos': { type: 'boolean' },
    audios: { type: 'boolean' },
    concurrency: { type: 'string' },
    'max-flood-wait': { type: 'string' },
    'no-gallery': { type: 'boolean' },
    'from-chat': { type: 'string', multiple: true },
    contacts: { type: 'boolean' },
    wait: { type: 'boolean' },
  },
  emulator: {
    seed: { type: 'string' },
    users: { type: 'string' },
    'world-file': { type: 'string' },
    'stats-file': { type: 'string' },
    port: { type: 'string' },
    'connection-file': { type: 'string' },
    latency: { type: 'string' },
    flood: { type: 'string', multiple: true },
    swallow: { type: 'string', multiple: true },
    'drop-rate': { type: 'string' },
    'fileref-ttl': { type: 'string' },
    'internal-error-rate': { type: 'string' },
    limits: { type: 'string' },
  },
  start: { out: { type: 'string' }, 'no-gallery': { type: 'boolean' } },
  serve: {
    host: { type: 'string' },
    port: { type: 'string' },
    'allow-remote': { type: 'boolean' },
    'new-token': { type: 'boolean' },
  },
  gallery: {},
}

/** How many positional arguments each command takes: [min, max]. */
const POSITIONALS: Record<CommandName, [number, number]> = {
  login: [0, 0],
  whoami: [0, 0],
  photos: [1, 1],
  audios: [1, 1],
  download: [1, 1],
  archive: [0, Number.POSITIVE_INFINITY],
  emulator: [0, 0],
  start: [0, Number.POSITIVE_INFINITY],
  serve: [0, 0],
  gallery: [1, 1],
}

/** A parsed command line. */
export interface ParsedCli {
  /** The subcommand, or `undefined` for bare `tg-profile` / `tg-profile --help` / `--version`. */
  command: CommandName | undefined
  /** Positional arguments after the command. */
  positionals: string[]
  /** Option values by long name (`max-id`, `print-session`, …); strings stay strings, see the `int*` helpers. */
  options: Record<string, string | boolean | string[] | undefined>
}

/** A command line that cannot be run: exit code 2 and one line of explanation. */
export class UsageError extends Error {
  override name = 'UsageError'
  /** The command the mistake was made in, for pointing at its `--help`. */
  readonly command: CommandName | undefined
  constructor(message: string, command?: CommandName) {
    super(message)
    this.command = command
  }
}

/** Whether `s` names a command. */
export function isCommand(s: string): s is CommandName {
  return (COMMANDS as readonly string[]).includes(s)
}

/**
 * `--offset -1` → `--offset=-1` for options that take a value: `parseArgs` calls a dash-led value ambiguous, but a
 * negative number there is a value (which the library then rejects with its Bot API 400 naming the parameter).
 */
function joinNegativeValues(args: readonly string[], options: Record<string, { type: string }>): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    const next = args[i + 1]
    if (a === '--') return [...out, ...args.slice(i)]
    const name = a.startsWith('--') ? a.slice(2) : undefined
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`${a}=${next}`)
      i++
    } else {
      out.push(a)
    }
  }
  return out
}

/**
 * Parses `argv` (without `node` and the script): the first non-option word is the command; global options may come
 * before or after it. `--help` and `--version` skip the positional-count checks.
 */
export function parseCli(argv: readonly string[]): ParsedCli {
  // A global option with a value (`--session F cmd`) must not be mistaken for the command.
  let index = -1
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if (a === '--') break
    if (a === '--emulator' || a === '--session') {
      i++
      continue
    }
    if (!a.startsWith('-')) {
      index = i
      break
    }
  }
  let command: CommandName | undefined
  let rest = [...argv]
  if (index >= 0) {
    const word = argv[index] as string
    if (!isCommand(word)) throw new UsageError(`unknown command "${word}" (commands: ${COMMANDS.join(', ')})`)
    command = word
    rest = [...argv.slice(0, index), ...argv.slice(index + 1)]
  }
  const options = { ...GLOBAL_OPTIONS, ...(command === undefined ? {} : COMMAND_OPTIONS[command]) }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: joinNegativeValues(rest, options), allowPositionals: true, strict: true, options })
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error)
    throw new UsageError(message.replace(/ To specify a positional argument.*$/, ''), command)
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>
  const positionals = parsed.positionals
  if (command === undefined) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`)
  } else if (values.help !== true && values.version !== true) {
    const [min, max] = POSITIONALS[command]
    if (positionals.length < min) throw new UsageError(`missing argument for "${command}"`, command)
    if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`, command)
  }
  return { command, positionals, options: values }
}

/**
 * An integer option: `undefined` when absent, else a safe integer in `[min, max]`.
 * @throws {UsageError} naming the option when the value is not such an integer.
 */
export function intOption(
  options: ParsedCli['options'],
  name: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const raw = options[name]
  if (raw === undefined) return undefined
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) throw new UsageError(`--${name} must be an integer`)
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer between ${min} and ${max}`)
  }
  return n
}

/** The values of a repeatable string option, in order (empty when absent). */
export function listOption(options: ParsedCli['options'], name: string): string[] {
  const raw = options[name]
  return Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []
}

/** A string option, or `undefined`. */
export function stringOption(options: ParsedCli['options'], name: string): string | undefined {
  const raw = options[name]
  return typeof raw === 'string' ? raw : undefined
}
