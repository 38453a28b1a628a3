import { audioFileId, documentThumbnailFileId, parseProfileFileId, photoSizeFileId } from '../../../src/botapi/file-id.js'
import { fileIdOfPath, filePathOf } from '../../../src/serve/file-path.js'
import { KnownFiles } from '../../../src/serve/known-files.js'

const ref = { id: 5n, accessHash: 7n, fileReference: new Uint8Array([1, 2, 3]), dcId: 2 }

describe('file_path', () => {
  it('names photos, video sizes, audios and covers in readable folders', () => {
    const photo = photoSizeFileId(ref, 'y')
    const video = photoSizeFileId(ref, 'u')
    const audio = audioFileId(ref)
    const cover = documentThumbnailFileId(ref, 'm')
    expect([photo, video, cover].map((id) => filePathOf(id, parseProfileFileId(id)))).toEqual([
      `profile_photos/${photo}.jpg`,
      `profile_videos/${video}.mp4`,
      `thumbnails/${cover}.jpg`,
    ])
    expect(filePathOf(audio, parseProfileFileId(audio), '.mp3')).toBe(`music/${audio}.mp3`)
  })

  it('gives the file id back, and nothing for other paths', () => {
    const audio = audioFileId(ref)
    expect(fileIdOfPath(`music/${audio}.mp3`)?.fileId).toBe(audio)
    expect(fileIdOfPath(`music/${audio}`)?.fileId).toBe(audio)
    for (const path of ['music/notafileid', `../${audio}`, `other/${audio}.mp3`, `music/${audio}/x`]) expect(fileIdOfPath(path)).toBeUndefined()
  })
})

describe('KnownFiles', () => {
  it('remembers sizes, extensions, MIME types and owners of listed files, forgetting the oldest beyond capacity', () => {
    const known = new KnownFiles(2)
    known.addPhotos({ total_count: 1, photos: [[{ file_id: 'a', file_unique_id: 'ua', file_size: 10, width: 1, height: 1 }]] }, '42')
    known.addAudios({ total_count: 1, audios: [{ duration: 1, file_name: 'x.MP3', mime_type: 'audio/mpeg', file_id: 'b', file_unique_id: 'ub', file_size: 20 }] }, '@someone')
    expect([known.get('a'), known.get('b')]).toEqual([
      { size: 10, extension: '', owner: '42' },
      { size: 20, extension: '.mp3', owner: '@someone', mimeType: 'audio/mpeg' },
    ])
    known.addPhotos({ total_count: 1, photos: [[{ file_id: 'c', file_unique_id: 'uc', width: 1, height: 1 }]] }, '42')
    expect(known.get('a')).toBeUndefined()
  })
})
