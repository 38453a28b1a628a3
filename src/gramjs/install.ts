/**
 * The one switch for everything src/gramjs/ changes in GramJS: the bug fixes (`fixes/`) and the receive-path speedups
 * (`speedups/`). They replace private members of GramJS 2.26, so they are applied only to the versions they were
 * written for ({@link PATCHED_GRAMJS}, the range package.json pins). Any other GramJS is left alone, with one
 * warning: it still works, with GramJS's own bugs and speed (requests that never settle after an `rpc_error` in a
 * container, a -404, or a failed reconnect).
 */
import { installFixes } from './fixes/index.js'
import { gramjsModule } from './internals.js'
import { installSpeedups } from './speedups/index.js'

/** The GramJS versions the patches were written for: 2.26.22 up to, not including, 2.27.0 (package.json `~2.26.22`). */
export const PATCHED_GRAMJS = { from: [2, 26, 22], below: [2, 27, 0], range: '~2.26.22' } as const

/** The `code` of the warning emitted when GramJS is outside {@link PATCHED_GRAMJS}. */
export const GRAMJS_VERSION_WARNING = 'TG_PROFILE_GRAMJS_VERSION'

/** Compares two `[major, minor, patch]` triples. */
function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/**
 * Whether GramJS `version` (`major.minor.patch`, e.g. `2.26.22`) is one the patches were written for. A pre-release
 * (`2.26.23-beta.1`) or anything unparsable is not.
 */
export function isPatchedGramjs(version: string): boolean {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version.trim())
  if (match === null) return false
  const triple = [Number(match[1]), Number(match[2]), Number(match[3])]
  return compare(triple, PATCHED_GRAMJS.from) >= 0 && compare(triple, PATCHED_GRAMJS.below) < 0
}

/** Options of {@link install}; for tests: the defaults are what a process has. */
export interface InstallOptions {
  /** The GramJS version to check. Default: the installed one ({@link installedGramjsVersion}). */
  version?: string
  /** Emits the out-of-range warning. Default `process.emitWarning`. */
  emitWarning?: (message: string, options: { type: string; code: string }) => void
}

let warned = false

/**
 * The installed GramJS's version, from its package.json: the `version` that `telegram` exports is written by hand and
 * lags behind (2.26.22 exports "2.26.21").
 */
export function installedGramjsVersion(): string {
  return gramjsModule<{ version: string }>('telegram/package.json').version
}

/**
 * Applies the GramJS fixes and speedups once per process (later calls do nothing) when the installed GramJS is one
 * they were written for; otherwise leaves GramJS alone and emits one warning (code {@link GRAMJS_VERSION_WARNING}),
 * however often it is called. Call it before creating a client: GramJS binds some handlers when a connection is
 * made, and a socket opened earlier keeps GramJS's own reader. Every tg-profile entry point calls it as it loads.
 *
 * @returns whether GramJS is patched
 */
export function install(options: InstallOptions = {}): boolean {
  const version = options.version ?? installedGramjsVersion()
  if (!isPatchedGramjs(version)) {
    if (!warned) {
      warned = true
      const emit = options.emitWarning ?? ((message, warning) => process.emitWarning(message, warning))
      emit(
        `tg-profile: GramJS ${version} is outside ${PATCHED_GRAMJS.range}, the versions its fixes and speedups were ` +
          'written for; they are not applied. Requests may hang where GramJS 2.26 has bugs, and downloads are slower.',
        { type: 'TgProfileWarning', code: GRAMJS_VERSION_WARNING },
      )
    }
    return false
  }
  installFixes()
  installSpeedups()
  return true
}
