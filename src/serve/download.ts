/**
 * `/file/bot<token>/<file_path>`: the file, streamed part by part as Telegram sends it (never whole in memory), with
 * backpressure from the HTTP client. The headers wait for the first part, so a failure before any byte is still a
 * proper error envelope. A download that stops between parts resumes where it stopped, on the same response: after a
 * flood wait that fits in the request's budget, and with a fresh file reference (listed again from the profile that
 * named the file) when its reference expires, as TDLib repairs a file reference from the file's source. Any other
 * failure after the first byte cuts the response, which the client sees as a body shorter than its `Content-Length`.
 */
import { once } from 'node:events'
import type { ServerResponse } from 'node:http'
import { mimeTypeOf, sniffExtension } from '../botapi/sniff.js'
import type { CallOptions } from '../client/deadline.js'
import { BotApiError } from '../errors/index.js'
import { downloadFile, findFileId, MAX_PART_SIZE, withFreshFileReference } from '../methods/index.js'
import { fileIdOfPath } from './file-path.js'
import { withFloodWaits } from './flood.js'
import type { MethodContext } from './methods.js'

/** The answer to a `file_path` that is not one of ours (what api.telegram.org answers too). */
export function fileNotFound(): BotApiError {
  return new BotApiError(404, 'Not Found')
}

/** Writes `chunk`, waiting while the client's side of the socket is full. */
async function writeChunk(res: ServerResponse, chunk: Buffer, signal: AbortSignal | undefined): Promise<void> {
  if (res.write(chunk)) return
  await once(res, 'drain', signal === undefined ? {} : { signal })
}

/** A fresh file id for `stale`, listed again from its owner's profile; `undefined` when no owner is known or it is gone. */
function refresher(ctx: MethodContext, owner: string | undefined, call: CallOptions): (stale: string) => Promise<string | undefined> {
  return async (stale) => (owner === undefined ? undefined : await findFileId(ctx.client, owner, stale, call))
}

/**
 * Streams the file named by `filePath` into `res`. Resolves once the last byte is handed to the socket; rejects
 * (before or after the headers) when the download fails.
 */
export async function sendFile(
  ctx: MethodContext,
  res: ServerResponse,
  filePath: string,
  call: CallOptions & { floodWaitBudgetMs: number },
): Promise<void> {
  const file = fileIdOfPath(filePath)
  if (file === undefined) throw fileNotFound()
  const known = ctx.known.get(file.fileId)
  const size = known?.size
  const start = (first: Buffer): void => {
    // A first part shorter than a whole part is the whole file: its length is known without a listing.
    const length = size ?? (first.length < MAX_PART_SIZE ? first.length : undefined)
    res.statusCode = 200
    res.setHeader('Content-Type', known?.mimeType ?? mimeTypeOf(sniffExtension(first.subarray(0, 16), file.parsed.kind)))
    if (length !== undefined) res.setHeader('Content-Length', length)
  }
  let delivered = 0
  const onChunk = async (chunk: Buffer): Promise<void> => {
    if (!res.headersSent) start(chunk)
    await writeChunk(res, chunk, call.signal)
    delivered += chunk.length
  }
  const options = { timeoutMs: call.timeoutMs, signal: call.signal, onChunk, ...(size !== undefined ? { size } : {}) }
  // The latest file id: a flood wait after a refresh resumes with the fresh reference, not the expired one.
  let current = file.fileId
  const fromDelivered = (fileId: string): Promise<number> => {
    current = fileId
    return downloadFile(ctx.client, fileId, { ...options, offset: delivered })
  }
  const outcome = await withFloodWaits(() => withFreshFileReference(current, fromDelivered, refresher(ctx, known?.owner, call)), {
    budgetMs: call.floodWaitBudgetMs,
    ...(call.signal !== undefined ? { signal: call.signal } : {}),
  })
  if (!outcome.listed) throw outcome.error
  if (!res.headersSent) {
    res.statusCode = 200
    res.setHeader('Content-Type', 'application/octet-stream')
    res.setHeader('Content-Length', 0)
  }
  res.end()
}
