import { Api } from 'telegram'
import bigInt from 'big-integer'
import { callFailure, checkCallOptions } from '../client/deadline.js'
import type { CallOptions } from '../client/deadline.js'
import { homeDcId, invokeRequest } from '../client/invoke.js'
import type { ProfileClient } from '../client/invoke.js'
import { BotApiError, FILE_REFERENCE_HINT, isFileReferenceError } from '../errors/index.js'
import { packetMemory } from '../gramjs/speedups/packet-memory.js'
import { fileIdToLocation } from './file-location.js'
import { getFileWindowError, MAX_PART_SIZE, PART_ALIGNMENT } from '../spec/limits.js'

export { MAX_PART_SIZE, PART_ALIGNMENT }

/** Options of {@link downloadFile}; `timeoutMs` and `signal` ({@link CallOptions}) apply to every part. */
export interface DownloadFileOptions extends CallOptions {
  /** The file size when known (e.g. `PhotoSize.file_size`): downloading stops after ⌈size/part⌉ parts. */
  size?: number
  /**
   * Bytes per `upload.getFile` call: a multiple of 4096 that divides 1 MiB, so no part crosses a 1 MiB boundary.
   * Default 1 MiB.
   */
  partSize?: number
  /**
   * Byte offset to start at, to resume a download that stopped: a multiple of `partSize` (every part but the last is
   * whole, so the bytes delivered so far always are). Default 0.
   */
  offset?: number
}

/** {@link DownloadFileOptions} plus a consumer that receives each part in order instead of a returned Buffer. */
export interface DownloadFileStreamOptions extends DownloadFileOptions {
  /**
   * Called with each part, in order; awaited before the next part is requested. The chunk is the callback's to keep
   * or change: nothing else reads its bytes. Like any Buffer it may be a view of a larger `ArrayBuffer` (the received
   * message it was parsed from); give that memory away (transfer it) only when the chunk covers all of it.
   */
  onChunk: (chunk: Buffer, offset: number) => void | Promise<void>
}

/** The number of `upload.getFile` calls a file of `size` bytes takes with `partSize`-byte parts (at least one). */
export function partCount(size: number, partSize: number = MAX_PART_SIZE): number {
  return Math.max(1, Math.ceil(size / partSize))
}

function checkPartSize(partSize: number, offset: number): void {
  if (getFileWindowError(0, partSize, false) !== undefined) {
    throw new RangeError(`downloadFile: partSize must be a multiple of 4096 dividing 1 MiB, got ${partSize}`)
  }
  if (!Number.isSafeInteger(offset) || offset < 0 || offset % partSize !== 0) {
    throw new RangeError(`downloadFile: offset must be a non-negative multiple of partSize (${partSize}), got ${offset}`)
  }
}

function translate(error: unknown, options: CallOptions): unknown {
  const e = callFailure(error, 'downloadFile', options)
  if (e instanceof BotApiError && isFileReferenceError(e)) {
    return new BotApiError(e.error_code, e.description, {
      method: 'downloadFile',
      mtprotoError: e.mtprotoError,
      mtprotoCode: e.mtprotoCode,
      hint: FILE_REFERENCE_HINT,
      cause: error,
    })
  }
  return e
}

/**
 * A part's bytes as the caller's own chunk. GramJS parses them as a view of the received message, which nothing reads
 * once parsed, so the view is handed over as it is (a copy per part is a second 1 MiB allocation while the first
 * lives): when the message held only this answer, or the view is most of its memory. Only a view that keeps far more
 * memory alive than itself (a message that carried other answers too, a small part of a shared pool) is copied, so
 * that keeping the chunk keeps only its own bytes.
 */
function ownChunk(bytes: Buffer): Buffer {
  return bytes.byteLength * 2 >= bytes.buffer.byteLength || packetMemory.holdsSingleAnswer(bytes) ? bytes : Buffer.from(bytes)
}

/**
 * Downloads a file named by a `file_id` this library produced, with `upload.getFile` on the DC that stores it
 * (GramJS exports the authorization to that DC once and reuses the connection). Parts are `partSize` bytes at
 * multiples of `partSize`; the download stops at the first short part, or once `size` bytes (when given) arrived.
 *
 * `FILE_REFERENCE_EXPIRED` becomes a `BotApiError` with a hint (`error.hint`): re-list to get a fresh `file_id`. A
 * part without an answer within `options.timeoutMs` fails the download with a `TimeoutError`; aborting
 * `options.signal` rejects with its reason.
 *
 * @returns the whole file (from `options.offset`), or with `onChunk` the offset after the last byte delivered
 */
export async function downloadFile(client: ProfileClient, fileId: string, options: DownloadFileStreamOptions): Promise<number>
export async function downloadFile(client: ProfileClient, fileId: string, options?: DownloadFileOptions): Promise<Buffer>
export async function downloadFile(
  client: ProfileClient,
  fileId: string,
  options: DownloadFileOptions & Partial<Pick<DownloadFileStreamOptions, 'onChunk'>> = {},
): Promise<Buffer | number> {
  checkCallOptions('downloadFile', options)
  const partSize = options.partSize ?? MAX_PART_SIZE
  let offset = options.offset ?? 0
  checkPartSize(partSize, offset)
  const { location, dcId: fileDc } = fileIdToLocation(fileId)
  const size = options.size
  const callOptions: CallOptions = { timeoutMs: options.timeoutMs, signal: options.signal }
  const parts: Buffer[] = []
  let dcId = fileDc
  let migrated = false
  for (;;) {
    if (size !== undefined && offset >= size && offset > 0) break
    let result: unknown
    try {
      result = await invokeRequest(
        client,
        new Api.upload.GetFile({ location, offset: bigInt(offset), limit: partSize, precise: false, cdnSupported: false }),
        { ...callOptions, dcId: dcId === homeDcId(client) ? undefined : dcId },
      )
    } catch (error) {
      const translated = translate(error, options)
      // The file's DC moved (rare): follow FILE_MIGRATE_X once.
      if (!migrated && translated instanceof BotApiError && translated.migrateToDc !== undefined) {
        migrated = true
        dcId = translated.migrateToDc
        continue
      }
      throw translated
    }
    if (!(result instanceof Api.upload.File)) {
      throw new BotApiError(500, 'Internal Server Error: unexpected CDN redirect', { method: 'downloadFile' })
    }
    const chunk = ownChunk(result.bytes)
    const length = chunk.length
    if (length > 0) {
      if (options.onChunk !== undefined) await options.onChunk(chunk, offset)
      else parts.push(chunk)
    }
    offset += length
    if (length < partSize) break
  }
  return options.onChunk !== undefined ? offset : Buffer.concat(parts)
}
