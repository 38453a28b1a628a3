/** Where the CLI writes; `process` in production, buffers in tests. */
export interface CliIo {
  stdout: { write(chunk: string): unknown; isTTY?: boolean }
  stderr: { write(chunk: string): unknown; isTTY?: boolean }
  /** The environment (`process.env`). */
  env: NodeJS.ProcessEnv
  /** The working directory relative paths resolve against. */
  cwd: string
}

/** The real process streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }
}
