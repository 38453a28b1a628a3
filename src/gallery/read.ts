/** Reads manifest-shaped files (the manifest, a build's groups of it) line by line. */
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { GalleryModel } from './model.js'

/** The manifest's file name, directly in the archive folder (as the archiver writes it). */
export const MANIFEST_FILE = 'manifest.ndjson'

/** Options of {@link eachLine}. */
export interface LineOptions {
  /** Stops between two lines. Default: none. */
  readonly signal?: AbortSignal
  /** Bytes read at a time. Default 64 KiB. */
  readonly readBytes?: number
}

/**
 * The lines of a file that are not blank, in order, holding one line at a time.
 *
 * @throws Error (code `ENOENT`) when there is no such file
 */
export async function* eachLine(path: string, options: LineOptions = {}): AsyncGenerator<string> {
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: options.readBytes ?? 64 * 1024 })
  const lines = createInterface({ input, crlfDelay: Infinity })
  try {
    for await (const line of lines) {
      options.signal?.throwIfAborted()
      if (line.trim() !== '') yield line
    }
  } finally {
    lines.close()
    input.destroy()
  }
}

/**
 * One manifest line as a value; `undefined` for a line that is not JSON (a last line torn by a killed run, a line
 * edited by hand), which is skipped, as the archiver skips it.
 */
export function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown
  } catch {
    return undefined
  }
}

/** Folds every record of a manifest-shaped file into a model. */
export async function readRecords(path: string, signal?: AbortSignal): Promise<GalleryModel> {
  const model = new GalleryModel()
  for await (const line of eachLine(path, { signal })) model.add(parseLine(line))
  return model
}

/**
 * Folds every record of `<dir>/manifest.ndjson` into a model (the whole archive at once).
 *
 * @throws Error (code `ENOENT`) when the folder has no manifest
 */
export function readManifest(dir: string, signal?: AbortSignal): Promise<GalleryModel> {
  return readRecords(join(dir, MANIFEST_FILE), signal)
}
