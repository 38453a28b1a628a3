/** Real-shaped MTProto values for the unit tests (shared by botapi and methods tests). */
import { Api } from 'telegram'
import bigInt from 'big-integer'

/** Fields of a real Bot API photo file_id found in public source (size `y`, DC 2, TDLib sub-version 58). */
export const REAL_PHOTO = {
  fileId: 'AgACAgIAAxkBAAIJ0mmaZYMBFJvBddCi_pRyj2aPC7joAAJpFmsbeDnQSGpWGk1JE0a5AQADAgADeQADOgQ',
  id: '5246756753905489513',
  accessHash: '-5096364722776025494',
  fileReference: '01000009d2699a658301149bc175d0a2fe94728f668f0bb8e8',
  dcId: 2,
  sizeType: 'y',
} as const

/** A profile photo as `photos.getUserPhotos` returns it: stripped, path, progressive, cached, video sizes. */
export function profilePhoto(
  overrides: { id?: string; accessHash?: string; fileReference?: Buffer; dcId?: number; date?: number } = {},
): Api.Photo {
  return new Api.Photo({
    id: bigInt(overrides.id ?? '5438829140112421377'),
    accessHash: bigInt(overrides.accessHash ?? '-7012345678901234567'),
    fileReference: overrides.fileReference ?? Buffer.from('00655f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b', 'hex'),
    date: overrides.date ?? 1_700_000_000,
    dcId: overrides.dcId ?? 4,
    sizes: [
      new Api.PhotoStrippedSize({ type: 'i', bytes: Buffer.from('01281e', 'hex') }),
      // Server order is not size order: the mapper must sort.
      new Api.PhotoSizeProgressive({ type: 'c', w: 640, h: 640, sizes: [4_000, 17_000, 39_000, 52_311] }),
      new Api.PhotoSize({ type: 'a', w: 160, h: 160, size: 9_021 }),
      new Api.PhotoSize({ type: 'b', w: 320, h: 320, size: 21_474 }),
      new Api.PhotoSizeProgressive({ type: 'd', w: 1280, h: 1280, sizes: [30_000, 98_000, 151_209] }),
      new Api.PhotoPathSize({ type: 'j', bytes: Buffer.from('0a0b', 'hex') }),
      new Api.PhotoSize({ type: 't', w: 90, h: 90, size: 1_200 }),
      new Api.PhotoSizeEmpty({ type: 's' }),
    ],
    videoSizes: [
      new Api.VideoSize({ type: 'u', w: 160, h: 160, size: 40_000 }),
      new Api.VideoSize({ type: 'v', w: 800, h: 800, size: 700_000, videoStartTs: 1.5 }),
    ],
  })
}

/** A photo whose sizes tie on bytes, differ in pixels, and one size has no byte count. */
export function tieBreakPhoto(): Api.Photo {
  return new Api.Photo({
    id: bigInt('1000000000000000001'),
    accessHash: bigInt('42'),
    fileReference: Buffer.alloc(0),
    date: 1_600_000_000,
    dcId: 1,
    sizes: [
      new Api.PhotoSize({ type: 'x', w: 800, h: 800, size: 5_000 }),
      new Api.PhotoSize({ type: 'm', w: 320, h: 320, size: 5_000 }),
      new Api.PhotoCachedSize({ type: 's', w: 90, h: 90, bytes: Buffer.alloc(700) }),
      new Api.PhotoSize({ type: 'w', w: 2560, h: 2560, size: 0 }),
    ],
  })
}

/** A minimal `Api.User` as responses carry them. */
export function user(id: string, accessHash: string, username?: string, extra: { min?: boolean } = {}): Api.User {
  return new Api.User({
    id: bigInt(id),
    accessHash: bigInt(accessHash),
    firstName: `User ${id}`,
    ...(username === undefined ? {} : { username }),
    ...(extra.min === true ? { min: true } : {}),
  })
}

/** Photo number `i` of a synthetic user with many photos (distinct ids, same shape). */
export function numberedPhoto(i: number): Api.Photo {
  return new Api.Photo({
    id: bigInt(6_000_000_000_000_000_000n.toString()).add(i),
    accessHash: bigInt(777 + i),
    fileReference: Buffer.from([1, 2, 3, i & 0xff]),
    date: 1_700_000_000 - i,
    dcId: 2,
    sizes: [
      new Api.PhotoSize({ type: 'a', w: 160, h: 160, size: 1000 + i }),
      new Api.PhotoSize({ type: 'c', w: 640, h: 640, size: 20_000 + i }),
    ],
  })
}

/** An audio document as `users.savedMusic` carries it. */
export function audioDocument(): Api.Document {
  return new Api.Document({
    id: bigInt('5213102278772264052'),
    accessHash: bigInt('-4610306729174144868'),
    fileReference: Buffer.from('0100099f33608add34203b0a774ece75279a9f0cfca2c79c60', 'hex'),
    date: 1_620_000_000,
    mimeType: 'audio/mpeg',
    size: bigInt(4_718_592),
    dcId: 2,
    thumbs: [
      new Api.PhotoStrippedSize({ type: 'i', bytes: Buffer.from('010808', 'hex') }),
      new Api.PhotoSize({ type: 'm', w: 320, h: 320, size: 16_707 }),
    ],
    attributes: [
      new Api.DocumentAttributeAudio({ duration: 215, title: 'Song Title', performer: 'The Band' }),
      new Api.DocumentAttributeFilename({ fileName: 'song.mp3' }),
    ],
  })
}
