import { Api } from 'telegram'
import { audioFileId, photoSizeFileId } from '../../../src/botapi/file-id.js'
import { BotApiError } from '../../../src/errors/index.js'
import { downloadFile, partCount } from '../../../src/methods/download-file.js'
import { FILE_REFERENCE_HINT } from '../../../src/errors/index.js'
import { fileIdToLocation } from '../../../src/methods/file-location.js'
import { FakeClient } from './fake-client.js'
import { rejection } from '../../helpers/rejection.js'

const PHOTO = { dcId: 4, id: 5438829140112421377n, accessHash: -7012345678901234567n, fileReference: Buffer.from([1, 2, 3]) }
const DOC = { dcId: 2, id: 5213102278772264052n, accessHash: -4610306729174144868n, fileReference: Buffer.from([9]) }

function bytes(n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (i * 7) & 0xff))
}

describe('fileIdToLocation', () => {
  it('turns a photo size file_id into inputPhotoFileLocation with the size letter and its DC', () => {
    const { location, dcId } = fileIdToLocation(photoSizeFileId(PHOTO, 'x'))
    expect(location).toBeInstanceOf(Api.InputPhotoFileLocation)
    expect(location.id.toString()).toBe(PHOTO.id.toString())
    expect(location.accessHash.toString()).toBe(PHOTO.accessHash.toString())
    expect(Buffer.from(location.fileReference)).toEqual(PHOTO.fileReference)
    expect(location.thumbSize).toBe('x')
    expect(dcId).toBe(4)
  })

  it('turns an audio file_id into inputDocumentFileLocation with an empty thumbSize', () => {
    const { location, dcId } = fileIdToLocation(audioFileId(DOC))
    expect(location).toBeInstanceOf(Api.InputDocumentFileLocation)
    expect(location.thumbSize).toBe('')
    expect(dcId).toBe(2)
  })

  it('rejects garbage with 400 invalid file_id', () => {
    expect(() => fileIdToLocation('not-a-file-id')).toThrow('Bad Request: invalid file_id')
  })
})

describe('downloadFile', () => {
  it('fetches 1 MiB aligned parts on the file DC and stops at the short part', async () => {
    const client = new FakeClient()
    const data = bytes(2 * 1024 * 1024 + 10)
    client.account.files.set(`photo:${PHOTO.id}:x`, data)
    const out = await downloadFile(client, photoSizeFileId(PHOTO, 'x'))
    expect(out.equals(data)).toBe(true)
    const calls = client.callsOf('upload.GetFile')
    expect(calls).toHaveLength(3)
    expect(calls.map((c) => c.dcId)).toEqual([4, 4, 4])
    for (const c of calls) {
      const req = c.request as Api.upload.GetFile
      expect(req.limit).toBe(1024 * 1024)
      expect(Number(req.offset.toString()) % (1024 * 1024)).toBe(0)
    }
  })

  it('resumes at a given offset, asking only for the parts from there', async () => {
    const client = new FakeClient()
    const data = bytes(2 * 1024 * 1024 + 10)
    client.account.files.set(`photo:${PHOTO.id}:x`, data)
    const out = await downloadFile(client, photoSizeFileId(PHOTO, 'x'), { offset: 1024 * 1024 })
    expect(out.equals(data.subarray(1024 * 1024))).toBe(true)
    const offsets = client.callsOf('upload.GetFile').map((c) => Number((c.request as Api.upload.GetFile).offset.toString()))
    expect(offsets).toEqual([1024 * 1024, 2 * 1024 * 1024])
  })

  it('refuses an offset that is not a multiple of the part size before any call', async () => {
    const client = new FakeClient()
    await expect(downloadFile(client, photoSizeFileId(PHOTO, 'x'), { offset: 4096 })).rejects.toThrow(
      'downloadFile: offset must be a non-negative multiple of partSize (1048576), got 4096',
    )
    expect(client.callsOf('upload.GetFile')).toHaveLength(0)
  })

  it('uses the home DC connection (no dcId) for files on the home DC', async () => {
    const client = new FakeClient()
    client.account.files.set(`document:${DOC.id}:`, bytes(100))
    await downloadFile(client, audioFileId(DOC))
    expect(client.callsOf('upload.GetFile').map((c) => c.dcId)).toEqual([undefined])
  })

  it('with a known size makes exactly ⌈size/part⌉ calls, even for an exact multiple', async () => {
    const client = new FakeClient()
    const data = bytes(4 * 8192)
    client.account.files.set(`photo:${PHOTO.id}:c`, data)
    const chunks: [number, number][] = []
    const n = await downloadFile(client, photoSizeFileId(PHOTO, 'c'), {
      size: data.length,
      partSize: 8192,
      onChunk: (chunk, offset) => {
        chunks.push([offset, chunk.length])
      },
    })
    expect(n).toBe(data.length)
    expect(partCount(data.length, 8192)).toBe(4)
    expect(client.callsOf('upload.GetFile')).toHaveLength(4)
    expect(chunks).toEqual([[0, 8192], [8192, 8192], [16384, 8192], [24576, 8192]])
  })

  it('delivers every part to a callback that gives each chunk\'s memory away once used (detaching it)', async () => {
    const client = new FakeClient()
    const data = bytes(3 * 65536 + 100)
    client.account.files.set(`photo:${PHOTO.id}:c`, data)
    const got: Buffer[] = []
    const n = await downloadFile(client, photoSizeFileId(PHOTO, 'c'), {
      partSize: 65536,
      onChunk: (chunk) => {
        got.push(Buffer.from(chunk))
        // The chunk is the caller's own: give its memory away when it covers all of it (not pooled, not a view).
        const memory = chunk.buffer as ArrayBuffer
        if (memory.byteLength === chunk.length) structuredClone(memory, { transfer: [memory] })
        else chunk.fill(0)
      },
    })
    expect(n).toBe(data.length)
    expect(Buffer.concat(got).equals(data)).toBe(true)
    expect(client.callsOf('upload.GetFile')).toHaveLength(4)
  })

  it('hands over a part that is most of the memory it views as it is, and copies one that is a small view', async () => {
    const client = new FakeClient()
    // FakeClient answers with views of this Buffer, as GramJS answers with views of the received message.
    const data = bytes(65536 + 100)
    client.account.files.set(`photo:${PHOTO.id}:c`, data)
    const memories: ArrayBufferLike[] = []
    await downloadFile(client, photoSizeFileId(PHOTO, 'c'), { partSize: 65536, onChunk: (chunk) => void memories.push(chunk.buffer) })
    expect(memories).toHaveLength(2)
    expect(memories[0]).toBe(data.buffer)
    expect(memories[1]).not.toBe(data.buffer)
  })

  it.each([1000, 4096 * 3, 2 * 1024 * 1024])('refuses part size %i', async (partSize) => {
    const client = new FakeClient()
    await expect(downloadFile(client, photoSizeFileId(PHOTO, 'c'), { partSize })).rejects.toThrow(RangeError)
    expect(client.calls).toHaveLength(0)
  })

  it('turns FILE_REFERENCE_EXPIRED into a 400 with a re-list hint', async () => {
    const client = new FakeClient()
    client.account.failNext.set('upload.GetFile', [{ errorMessage: 'FILE_REFERENCE_EXPIRED', code: 400 }])
    const e = (await rejection(downloadFile(client, photoSizeFileId(PHOTO, 'c')))) as BotApiError
    expect(e).toBeInstanceOf(BotApiError)
    expect(JSON.stringify(e)).toBe('{"ok":false,"error_code":400,"description":"Bad Request: FILE_REFERENCE_EXPIRED"}')
    expect(e.hint).toBe(FILE_REFERENCE_HINT)
    expect(e.method).toBe('downloadFile')
  })

  it('follows FILE_MIGRATE_X once', async () => {
    const client = new FakeClient()
    client.account.files.set(`photo:${PHOTO.id}:c`, bytes(10))
    client.account.failNext.set('upload.GetFile', [{ errorMessage: 'FILE_MIGRATE_5', code: 303 }])
    const out = await downloadFile(client, photoSizeFileId(PHOTO, 'c'))
    expect(out).toHaveLength(10)
    expect(client.callsOf('upload.GetFile').map((c) => c.dcId)).toEqual([4, 5])
  })
})
