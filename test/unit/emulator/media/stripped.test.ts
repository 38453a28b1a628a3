import jpegJs from 'jpeg-js'
import { renderAvatar } from '../../../../src/emulator/media/avatar.js'
import { encodeJpeg } from '../../../../src/emulator/media/jpeg.js'
import {
  expandStrippedThumb,
  STRIPPED_JPEG_HEADER,
  strippedThumb,
} from '../../../../src/emulator/media/stripped.js'

// The documented expansion, written out independently of the module under test (Telethon utils.stripped_photo_to_jpg,
// TDLib get_jpeg_from_stripped): 623-byte header with height at [164] and width at [166], body, FF D9.
function documentedExpand(stripped: Buffer): Buffer {
  const header = Buffer.from(STRIPPED_JPEG_HEADER)
  header[164] = stripped[1]!
  header[166] = stripped[2]!
  return Buffer.concat([header, stripped.subarray(3), Buffer.from([0xff, 0xd9])])
}

function decode(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  return jpegJs.decode(bytes, { useTArray: true, formatAsRGBA: false })
}

describe('STRIPPED_JPEG_HEADER', () => {
  it('is the 623-byte header the clients splice in (length check as in Telethon: stripped + 622)', () => {
    expect(STRIPPED_JPEG_HEADER.length).toBe(623)
    expect(STRIPPED_JPEG_HEADER.subarray(0, 4).toString('hex')).toBe('ffd8ffe0')
    // SOF0 of 3 components, Y sampled 2x2, chroma 1x1 (4:2:0)
    expect(STRIPPED_JPEG_HEADER.subarray(158, 177).toString('hex')).toBe('ffc0001108000000000301220002110103110' + '1')
    expect(STRIPPED_JPEG_HEADER.subarray(-14).toString('hex')).toBe('ffda000c03010002110311003f00')
  })

  it('is byte for byte what encodeJpeg writes at quality 20, 4:2:0 baseline (dimensions aside)', () => {
    const { bytes } = encodeJpeg(renderAvatar(1, 40, 30), 40, 30, { quality: 20 })
    const head = Buffer.from(bytes.subarray(0, 623))
    expect([head[163], head[164], head[165], head[166]]).toEqual([0, 30, 0, 40])
    head[164] = 0
    head[166] = 0
    expect(head.toString('hex')).toBe(STRIPPED_JPEG_HEADER.toString('hex'))
  })
})

describe('strippedThumb', () => {
  it('starts with 1, height, width and expands to a decodable JPEG of that size', () => {
    const s = strippedThumb(42, 40, 32)
    expect([s[0], s[1], s[2]]).toEqual([1, 32, 40])
    const img = decode(documentedExpand(s))
    expect([img.width, img.height]).toEqual([40, 32])
  })

  it('expands to the avatar it was made from (a lossy quality-20 copy)', () => {
    const s = strippedThumb(7, 40, 40)
    const img = decode(documentedExpand(s))
    const src = renderAvatar(7, 40, 40)
    let sum = 0
    for (let i = 0; i < src.length; i++) sum += Math.abs(img.data[i]! - src[i]!)
    expect(sum / src.length).toBeLessThan(20)
  })

  it('is small, like Telegram\'s (a few hundred bytes for 40x40)', () => {
    const s = strippedThumb(3, 40, 40)
    expect(s.length).toBeGreaterThan(3)
    expect(s.length).toBeLessThan(1500)
  })

  it('is deterministic per seed and differs between seeds', () => {
    expect(strippedThumb(5, 40, 40).equals(strippedThumb(5, 40, 40))).toBe(true)
    expect(strippedThumb(5, 40, 40).equals(strippedThumb(6, 40, 40))).toBe(false)
  })

  it('rejects sizes the one-byte fields cannot hold', () => {
    expect(() => strippedThumb(1, 256, 40)).toThrow('strippedThumb: dimensions must be 1..255, got 256x40')
  })
})

describe('expandStrippedThumb', () => {
  it('matches the documented expansion', () => {
    const s = strippedThumb(9, 33, 21)
    expect(expandStrippedThumb(s).equals(documentedExpand(s))).toBe(true)
    expect(expandStrippedThumb(s).length).toBe(s.length + 622)
  })

  it('returns input that is not a stripped thumbnail unchanged', () => {
    expect(expandStrippedThumb(Buffer.from([2, 1, 1, 5])).equals(Buffer.from([2, 1, 1, 5]))).toBe(true)
  })
})
