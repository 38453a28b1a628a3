import { Api } from 'telegram'
import bigInt from 'big-integer'
import { parseFileId, parseUniqueFileId, tdFileId } from '@mtcute/file-id'
import { toPhotoSizes, toProfileVideoSizes, toUserProfilePhotos } from '../../../src/botapi/photo.js'
import { photoSizeFileId, photoSizeUniqueId } from '../../../src/botapi/file-id.js'
import { REAL_PHOTO, numberedPhoto, profilePhoto, tieBreakPhoto } from './fixtures.js'

const P = 'AgACAgQAAxUAAWVfChssPU5fYHGCk6S1xtfo-QobAAIBsnFqSZp6S3m02A7CJK-eAQADAgAD'

describe('toPhotoSizes', () => {
  it('drops i, j, t, empty sizes, counts a progressive size as its largest step, orders smallest first (exact JSON)', () => {
    expect(JSON.stringify(toPhotoSizes(profilePhoto()))).toBe(
      '[' +
        `{"file_id":"${P}YQADOgQ","file_unique_id":"AQADAbJxakmaeksAAQ","file_size":9021,"width":160,"height":160},` +
        `{"file_id":"${P}YgADOgQ","file_unique_id":"AQADAbJxakmaektn","file_size":21474,"width":320,"height":320},` +
        `{"file_id":"${P}YwADOgQ","file_unique_id":"AQADAbJxakmaeksB","file_size":52311,"width":640,"height":640},` +
        `{"file_id":"${P}ZAADOgQ","file_unique_id":"AQADAbJxakmaektp","file_size":151209,"width":1280,"height":1280}` +
        ']',
    )
  })

  it('orders by byte size, then pixel count, and omits file_size when it is 0', () => {
    const sizes = toPhotoSizes(tieBreakPhoto())
    expect(sizes.map((s) => [s.width, s.file_size])).toEqual([
      [2560, undefined],
      [90, 700],
      [320, 5000],
      [800, 5000],
    ])
    expect(JSON.stringify(sizes[0])).toBe(
      '{"file_id":"AgADAQADAQABZKeztuANKgAHAQADAgADdwADOgQ","file_unique_id":"AQADAQABZKeztuANfA","width":2560,"height":2560}',
    )
  })

  it('drops p, u and v sizes and sizes whose type is not one ASCII letter', () => {
    const photo = profilePhoto()
    photo.sizes = [
      new Api.PhotoSize({ type: 'p', w: 10, h: 10, size: 10 }),
      new Api.PhotoSize({ type: 'u', w: 10, h: 10, size: 10 }),
      new Api.PhotoSize({ type: 'v', w: 10, h: 10, size: 10 }),
      new Api.PhotoSize({ type: 'xx', w: 10, h: 10, size: 10 }),
      new Api.PhotoSize({ type: '', w: 10, h: 10, size: 10 }),
      new Api.PhotoSize({ type: 'x', w: 800, h: 600, size: 10 }),
    ]
    expect(toPhotoSizes(photo).map((s) => s.width)).toEqual([800])
  })

  it('returns [] for photoEmpty', () => {
    expect(toPhotoSizes(new Api.PhotoEmpty({ id: bigInt(5) }))).toEqual([])
  })

  it('produces file ids that parse back to the dc, file reference, photo id, access hash and size letter', () => {
    const photo = profilePhoto()
    const letters = ['a', 'b', 'c', 'd']
    toPhotoSizes(photo).forEach((size, i) => {
      const parsed = parseFileId(size.file_id)
      expect(parsed.type).toBe(tdFileId.FileType.Photo)
      expect(parsed.dcId).toBe(4)
      expect(Buffer.from(parsed.fileReference ?? []).toString('hex')).toBe(photo.fileReference.toString('hex'))
      const loc = parsed.location
      if (loc._ !== 'photo' || loc.source._ !== 'thumbnail') throw new Error(`unexpected location ${loc._}`)
      expect(loc.id.toString()).toBe('5438829140112421377')
      expect(loc.accessHash.toString()).toBe('-7012345678901234567')
      expect(loc.source.thumbnailType).toBe(letters[i])
      expect(loc.source.fileType).toBe(tdFileId.FileType.Photo)
    })
  })

  it('gives each size its own file_unique_id, independent of the file reference and access hash', () => {
    const a = toPhotoSizes(profilePhoto())
    const b = toPhotoSizes(profilePhoto({ fileReference: Buffer.from('ff'), accessHash: '1' }))
    expect(new Set(a.map((s) => s.file_unique_id)).size).toBe(4)
    expect(b.map((s) => s.file_unique_id)).toEqual(a.map((s) => s.file_unique_id))
    expect(b.map((s) => s.file_id)).not.toEqual(a.map((s) => s.file_id))
    const parsed = parseUniqueFileId(a[0]?.file_unique_id ?? '')
    expect(parsed.type).toBe(tdFileId.UniqueFileIdType.Photo)
  })

  it('reproduces a real Bot API photo file_id byte for byte (golden)', () => {
    const ref = {
      dcId: REAL_PHOTO.dcId,
      id: REAL_PHOTO.id,
      accessHash: REAL_PHOTO.accessHash,
      fileReference: Buffer.from(REAL_PHOTO.fileReference, 'hex'),
    }
    expect(photoSizeFileId(ref, REAL_PHOTO.sizeType)).toBe(REAL_PHOTO.fileId)
  })

  it('reproduces a real Bot API file_unique_id of a size-m thumbnail (golden from mtcute file-id tests)', () => {
    expect(photoSizeUniqueId('5213102278772264052', 'm')).toBe('AQADdAwAAueoWEhy')
  })
})

describe('toProfileVideoSizes', () => {
  it('keeps u and v video sizes with their own ids, for archival', () => {
    expect(JSON.stringify(toProfileVideoSizes(profilePhoto()))).toBe(
      '[' +
        `{"type":"u","file_id":"${P}dQADOgQ","file_unique_id":"AQADAbJxakmaekt6","file_size":40000,"width":160,"height":160},` +
        `{"type":"v","file_id":"${P}dgADOgQ","file_unique_id":"AQADAbJxakmaekt7","file_size":700000,"width":800,"height":800,"video_start_ts":1.5}` +
        ']',
    )
  })
})

describe('toUserProfilePhotos', () => {
  it('takes total_count from photos.photosSlice.count, not the page length', () => {
    const slice = new Api.photos.PhotosSlice({ count: 250, photos: [numberedPhoto(0), numberedPhoto(1)], users: [] })
    const result = toUserProfilePhotos(slice)
    expect(result.total_count).toBe(250)
    expect(result.photos).toHaveLength(2)
    expect(Object.keys(result)).toEqual(['total_count', 'photos'])
  })

  it('takes total_count from the list for photos.photos, skipping photoEmpty', () => {
    const all = new Api.photos.Photos({
      photos: [numberedPhoto(0), new Api.PhotoEmpty({ id: bigInt(9) }), numberedPhoto(1)],
      users: [],
    })
    const result = toUserProfilePhotos(all)
    expect(result.total_count).toBe(2)
    expect(result.photos.map((p) => p.map((s) => s.width))).toEqual([
      [160, 640],
      [160, 640],
    ])
  })

  it('maps an empty answer to the Bot API empty object', () => {
    expect(JSON.stringify(toUserProfilePhotos(new Api.photos.Photos({ photos: [], users: [] })))).toBe(
      '{"total_count":0,"photos":[]}',
    )
  })
})
