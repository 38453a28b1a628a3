/**
 * The save stage: one planned file to disk and into the manifest. The file is downloaded under a temporary name
 * while it is hashed, committed atomically, and only then recorded; an expired file reference is refreshed by
 * re-listing the file's page. A complete file a crash left without its record is adopted instead of downloaded.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { ProfileClient } from '../client/invoke.js'
import { NetworkError } from '../errors/index.js'
import { parseProfileFileId } from '../botapi/file-id.js'
import { downloadFile } from '../methods/download-file.js'
import type { PageFileId } from './file-source.js'
import { withFreshFileReference } from '../methods/refresh-file-id.js'
import { ensureDir, type AtomicFile } from '../util/atomic-write.js'
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

/** A downloaded file under its temporary name, hashed, waiting to be committed. */
interface Fetched {
  readonly target: AtomicFile
  readonly sha256: string
}

/**
 * The run's client for the downloads: each `upload.getFile` request holds one of the `concurrency` download slots
 * while it is in flight, not the whole file, so a slot passes to another file's part while a part is written.
 */
function slotted(ctx: RunContext): ProfileClient {
  return {
    ownDeadlines: ctx.gated.ownDeadlines,
    get session() {
      return ctx.gated.session
    },
    invoke: (request, dcId) => ctx.downloads.run(() => ctx.gated.invoke(request, dcId)),
  }
}

/** One download attempt with `id`: streamed to a temporary file and hashed, left for {@link commit}. */
async function download(ctx: RunContext, file: Remote, final: string, id: PageFileId): Promise<Fetched> {
  if (ctx.stopped()) throw new RunStopped()
  // The file holds a slot of its DC for all its parts: Telegram's advice counts files, not requests.
  const releaseDc = await ctx.dcSlots.of(parseProfileFileId(id.fileId).dcId).acquire()
  try {
    return await downloadTo(ctx, file, final, id)
  } finally {
    releaseDc()
  }
}

async function downloadTo(ctx: RunContext, file: Remote, final: string, id: PageFileId): Promise<Fetched> {
  const target = await openPartialFile(final)
  const hash = createHash('sha256')
  try {
    await downloadFile(slotted(ctx), id.fileId, {
      ...(file.bytes > 0 ? { size: file.bytes } : {}),
      onChunk: async (chunk) => {
        hash.update(chunk)
        await target.write(chunk)
        ctx.pacer?.done(chunk.length)
        // Written and hashed: the packet it arrived in receives a later part.
        packetMemory.release(chunk)
      },
    })
    if (file.bytes > 0 && target.bytesWritten !== file.bytes) {
      throw new NetworkError(`short download: ${target.bytesWritten} of ${file.bytes} bytes`)
    }
  } catch (error) {
    await target.abort()
    throw error
  }
  return { target, sha256: hash.digest('hex') }
}

/** Commits a downloaded file under its final name, then records it. */
async function commit(ctx: RunContext, file: Remote, { target, sha256 }: Fetched): Promise<Saved> {
  try {
    await target.commit()
  } catch (error) {
    await target.abort()
    throw error
  }
  return record(ctx, file, target.bytesWritten, sha256, false)
}

/** Adopts, downloads (refreshing an expired reference) or skips one planned file; a download is left uncommitted. */
async function fetchFile(ctx: RunContext, file: Remote): Promise<Saved | Fetched> {
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
  return saved.value
}

/**
 * Saves one planned file: adopts it, downloads and commits it, or skips it. Preparing and downloading hold one of
 * the run's `saving` slots; committing (fsyncs, rename, manifest append) holds a `committing` slot instead, taken
 * before the first is given back, so a slow disk never keeps files from downloading and the files open at a time
 * stay bounded by the two.
 */
export async function saveFile(ctx: RunContext, file: Remote): Promise<Saved> {
  const releaseSaving = await ctx.saving.acquire()
  try {
    const fetched = await fetchFile(ctx, file)
    if (!('target' in fetched)) return fetched
    const releaseCommitting = await ctx.committing.acquire()
    releaseSaving()
    try {
      return await commit(ctx, file, fetched)
    } finally {
      releaseCommitting()
    }
  } finally {
    releaseSaving()
  }
}
