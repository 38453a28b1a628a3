/**
 * The temporary names of the atomic write, `.<name>.<pid>.<random>.tmp`: made in one place and read back in one
 * place, so that a sweep can tell a dead writer's leftovers from a live writer's file in progress.
 */
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'

/**
 * A fresh temporary name beside `path` (`.<name>.<pid>.<random>.tmp`): unique, so writers of the same target never
 * share a temporary file.
 */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
}

const TEMP_NAME = /^\..+\.([0-9]+)\.[0-9a-f]{12}\.tmp$/

/** The id of the process that made `name` with {@link tempPathFor}, or `undefined` when it is no such name. */
export function tempFileWriter(name: string): number | undefined {
  const m = TEMP_NAME.exec(name)
  return m === null ? undefined : Number(m[1])
}

