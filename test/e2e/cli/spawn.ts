/**
 * Runs the compiled CLI (`node dist/src/cli/main.js`, built by `npm test`'s `tsc` step) as a real child process with a
 * clean environment: HOME and XDG_CONFIG_HOME point into the test's tmp dir, so nothing touches the real home.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

/** The compiled entry point. */
export const MAIN = resolve(process.cwd(), 'dist/src/cli/main.js')

/** What one run printed and how it exited. */
export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Options of {@link runMain}. */
export interface RunMainOptions {
  /** Working directory (also HOME and XDG_CONFIG_HOME unless `env` sets them). */
  cwd: string
  /** Extra variables on top of PATH/HOME/XDG_CONFIG_HOME. */
  env?: Record<string, string>
  /** Written to stdin: a string at once, or lines fed one at a time when the child's stderr shows `waitFor`. */
  stdin?: string | readonly { waitFor: string; send: string }[]
  /**
   * Kill the child after this many ms (a hung prompt must not hang the suite). Default 240 000: a guard against a
   * hang, below Jest's test timeout so the test still reports what the child printed, far above any honest run.
   */
  killAfterMs?: number
}

/** Spawns `node dist/src/cli/main.js ...args` and resolves when it exits. */
export function runMain(args: readonly string[], options: RunMainOptions): Promise<CliRun> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npx tsc -p tsconfig.json" (npm test does) first`)
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: options.cwd,
    XDG_CONFIG_HOME: options.cwd,
    ...options.env,
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const script = typeof options.stdin === 'string' || options.stdin === undefined ? [] : [...options.stdin]
    let seen = 0
    const feed = (): void => {
      // Each step waits for its prompt text to appear in the output after the previous step's.
      while (script.length > 0) {
        const step = script[0]!
        const all = stdout + stderr
        const at = all.indexOf(step.waitFor, seen)
        if (at < 0) return
        seen = at + step.waitFor.length
        script.shift()
        child.stdin.write(step.send)
      }
      child.stdin.end()
    }
    child.stdout.setEncoding('utf8').on('data', (s: string) => ((stdout += s), feed()))
    child.stderr.setEncoding('utf8').on('data', (s: string) => ((stderr += s), feed()))
    child.stdin.on('error', () => undefined)
    if (typeof options.stdin === 'string') child.stdin.end(options.stdin)
    else if (options.stdin === undefined) child.stdin.end()
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 240_000)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolvePromise({ code, signal, stdout, stderr })
    })
  })
}
