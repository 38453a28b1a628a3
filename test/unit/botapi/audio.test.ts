import { Api } from 'telegram'
import bigInt from 'big-integer'
import { parseFileId, tdFileId } from '@mtcute/file-id'
import { toAudio, toUserProfileAudios } from '../../../src/botapi/audio.js'
import { SavedMusic, SavedMusicNotModified } from '../../../src/tl/index.js'
import { audioDocument } from './fixtures.js'

describe('toAudio', () => {
  it('maps an audio document with the Bot API key order (exact JSON)', () => {
    expect(JSON.stringify(toAudio(audioDocument()))).toBe(
      '{"duration":215,"file_name":"song.mp3","mime_type":"audio/mpeg","title":"Song Title","performer":"The Band",' +
        '"thumbnail":{"file_id":"AAMCAgADGQEAAQmfM2CK3TQgOwp3Ts51J5qfDPyix5xgAAJ0DAAC56hYSJxo-8105gTAAQAHbQADOgQ",' +
        '"file_unique_id":"AQADdAwAAueoWEhy","file_size":16707,"width":320,"height":320},' +
        '"file_id":"CQACAgIAAxkBAAEJnzNgit00IDsKd07OdSeanwz8osecYAACdAwAAueoWEicaPvNdOYEwDoE",' +
        '"file_unique_id":"AgADdAwAAueoWEg","file_size":4718592}',
    )
  })

  it('uses document-type ids: file type Audio, common location, unique id from the document id (golden)', () => {
    const audio = toAudio(audioDocument())
    if (audio === undefined) throw new Error('no audio')
    const parsed = parseFileId(audio.file_id)
    expect(parsed.type).toBe(tdFileId.FileType.Audio)
    expect(parsed.dcId).toBe(2)
    if (parsed.location._ !== 'common') throw new Error('expected a common location')
    expect(parsed.location.id.toString()).toBe('5213102278772264052')
    expect(parsed.location.accessHash.toString()).toBe('-4610306729174144868')
    // Same document as mtcute's golden BQACAgIAAxkBAAEJnzNgit00… whose unique id is AgADdAwAAueoWEg.
    expect(audio.file_unique_id).toBe('AgADdAwAAueoWEg')
  })

  it('omits empty optional fields', () => {
    const doc = new Api.Document({
      id: bigInt(77),
      accessHash: bigInt(88),
      fileReference: Buffer.alloc(0),
      date: 0,
      mimeType: '',
      size: bigInt(0),
      dcId: 1,
      attributes: [new Api.DocumentAttributeAudio({ duration: 3 })],
    })
    expect(Object.keys(toAudio(doc) ?? {})).toEqual(['duration', 'file_id', 'file_unique_id'])
  })

  it('returns undefined for documentEmpty', () => {
    expect(toAudio(new Api.DocumentEmpty({ id: bigInt(1) }))).toBeUndefined()
  })
})

describe('toUserProfileAudios', () => {
  it('takes total_count from users.savedMusic.count and skips documentEmpty', () => {
    const result = toUserProfileAudios(
      new SavedMusic({ count: 12, documents: [audioDocument(), new Api.DocumentEmpty({ id: bigInt(1) })] }),
    )
    expect(result.total_count).toBe(12)
    expect(result.audios).toHaveLength(1)
    expect(Object.keys(result)).toEqual(['total_count', 'audios'])
  })

  it('maps users.savedMusicNotModified to its count and no audios', () => {
    expect(JSON.stringify(toUserProfileAudios(new SavedMusicNotModified({ count: 3 })))).toBe(
      '{"total_count":3,"audios":[]}',
    )
  })
})
