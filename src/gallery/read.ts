/** Reads an archive's `manifest.ndjson` line by line into a {@link GalleryModel}. */
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { GalleryModel } from './model.js'

/** The manifest's file name, directly in the archive folder (as the archiver writes it). */
export const MANIFEST_FILE = 'manifest.ndjson'

/**
 * Folds every record of `<dir>/manifest.ndjson` into a model. A line that is not JSON (a last line torn by a killed
 * run, a line edited by hand) is skipped, as the archiver skips it.
 *
 * @throws Error (code `ENOENT`) when the folder has no manifest
 */
export async function readManifest(dir: string, signal?: AbortSignal): Promise<GalleryModel> {
  const model = new GalleryModel()
  const input = createReadStream(join(dir, MANIFEST_FILE), { encoding: 'utf8' })
  const lines = createInterface({ input, crlfDelay: Infinity })
  try {
    for await (const line of lines) {
      signal?.throwIfAborted()
      if (line.trim() === '') continue
      let record: unknown
      try {
        record = JSON.parse(line)
      } catch {
        continue
      }
      model.add(record)
    }
  } finally {
    lines.close()
    input.destroy()
  }
  return model
}
