/**
 * The save stage: one planned file to disk and into the manifest. The file is downloaded under a temporary name
 * while it is hashed, committed atomically, and only then recorded; an expired file reference is refreshed by
 * re-listing the file's page. A complete file a crash left without its record is adopted instead of downloaded.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { NetworkError } from '../errors/index.js'
import { downloadFile } from '../methods/download-file.js'
import type { PageFileId } from './file-source.js'
import { withFreshFileReference } from '../methods/refresh-file-id.js'
import { ensureDir } from '../util/atomic-write.js'
import { openPartialFile } from './partial-files.js'
import { RunStopped, unixNow, type RunContext } from './context.js'
import type { Remote } from './list.js'
import { packetMemory } from '../gramjs/speedups/packet-memory.js'
import type { FileRecord } from './types.js'

/** What saving one file did: downloaded it, adopted a complete file already there, or skipped it (no longer listed). */
export type Saved = { readonly outcome: 'downloaded' | 'adopted'; readonly bytes: number } | { readonly outcome: 'skipped' }

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** The byte length of the regular file at `path`, or `undefined` when there is none. */
export async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path)
    return s.isFile() ? s.size : undefined
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

function fileRecord(ctx: RunContext, file: Remote, bytes: number, sha256: string, adopted: boolean): FileRecord {
  return {
    type: 'file',
    ...file.source.record,
    bytes,
    sha256,
    path: file.path,
    ...(adopted ? { adopted: true as const } : {}),
    saved_at: unixNow(ctx.clock),
  }
}

async function record(ctx: RunContext, file: Remote, bytes: number, sha256: string, adopted: boolean): Promise<Saved> {
  await ctx.manifest.append(fileRecord(ctx, file, bytes, sha256, adopted))
  ctx.emit({ type: 'file-saved', user_id: file.source.record.user_id, path: file.path, bytes, adopted })
  return { outcome: adopted ? 'adopted' : 'downloaded', bytes }
}

/** One download attempt with `id`: streamed to a temporary file and hashed, committed when complete. */
async function download(ctx: RunContext, file: Remote, final: string, id: PageFileId): Promise<{ bytes: number; sha256: string }> {
  if (ctx.stopped()) throw new RunStopped()
  const target = await openPartialFile(final)
  const hash = createHash('sha256')
  try {
    // Only the download holds one of the `concurrency` upload.getFile slots; the fsyncs, rename and manifest
    // append that follow run outside it, so the next file's request is sent meanwhile.
    await ctx.downloads.run(() => downloadFile(ctx.gated, id.fileId, {
      ...(file.bytes > 0 ? { size: file.bytes } : {}),
      onChunk: async (chunk) => {
        hash.update(chunk)
        await target.write(chunk)
        ctx.pacer?.done(chunk.length)
        // Written and hashed: the packet it arrived in receives a later part.
        packetMemory.release(chunk)
      },
    }))
    if (file.bytes > 0 && target.bytesWritten !== file.bytes) {
      throw new NetworkError(`short download: ${target.bytesWritten} of ${file.bytes} bytes`)
    }
    await target.commit()
  } catch (error) {
    await target.abort()
    throw error
  }
  return { bytes: target.bytesWritten, sha256: hash.digest('hex') }
}

/** Saves one planned file: adopts it, downloads it (refreshing an expired reference), or skips it. */
export async function saveFile(ctx: RunContext, file: Remote): Promise<Saved> {
  const final = join(ctx.out, file.path)
  await ensureDir(dirname(final))
  // A crash between the rename and the manifest append leaves a complete file without a record: adopt it.
  const onDisk = await sizeOf(final)
  if (onDisk !== undefined) {
    if (onDisk === file.bytes && file.bytes > 0) return record(ctx, file, onDisk, await sha256File(final), true)
    // Not what Telegram lists (only this tool writes here, under the run lock): replace it.
    await unlink(final)
  }
  const page = file.source.page
  // The latest listing's id: another file of the page may have re-listed it since this file was planned.
  const first = page.current(file.key)
  if (first === undefined) return { outcome: 'skipped' } // no longer listed: the next run marks it gone
  const saved = await withFreshFileReference(first, (id) => download(ctx, file, final, id), (stale) => page.refresh(file.key, stale), {
    onRefresh: (attempt) => {
      ctx.gated.retries++
      ctx.emit({ type: 'retry', method: 'upload.GetFile', attempt, reason: 'FILE_REFERENCE_EXPIRED', delay_ms: 0 })
    },
  })
  if (!saved.listed) return { outcome: 'skipped' } // no longer listed: the next run marks it gone
  return record(ctx, file, saved.value.bytes, saved.value.sha256, false)
}
