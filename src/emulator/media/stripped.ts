import { renderAvatar } from './avatar.js'
import { encodeJpeg } from './jpeg.js'

/**
 * The fixed JPEG header Telegram clients put in front of a stripped thumbnail (`photoStrippedSize.bytes`):
 * JFIF APP0, quality-20 Annex K quantisation tables, a 4:2:0 SOF0 whose height and width low bytes sit at offsets
 * 164 and 166, the four standard Huffman tables and the SOS. Source: tdesktop `Images::FromInlineBytes`
 * (Telegram/SourceFiles/ui/image/image.cpp), TDLib `get_jpeg_from_stripped`, Telethon `utils.stripped_photo_to_jpg`.
 */
export const STRIPPED_JPEG_HEADER: Buffer = Buffer.from(
  'ffd8ffe000104a46494600010100000100010000ffdb004300281c1e231e19282321232d2b28303c64413c37373c7b585d4964918099968f' +
    '808c8aa0b4e6c3a0aadaad8a8cc8ffcbdaeef5ffffff9bc1fffffffaffe6fdfff8ffdb0043012b2d2d3c353c76414176f8a58ca5f8f8f8f8' +
    'f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8ffc00011080000000003' +
    '012200021101031101ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b510000201030302040305' +
    '0504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a2526272829' +
    '2a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a9293949596979899' +
    '9aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9' +
    'faffc4001f0100030101010101010101010000000000000102030405060708090a0bffc400b5110002010204040304070504040001027700' +
    '0102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a3536373839' +
    '3a434445464748494a535455565758595a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6' +
    'a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9faffda000c030100' +
    '02110311003f00',
  'hex',
)

/** The quality the stripped header's quantisation tables were made with. */
export const STRIPPED_JPEG_QUALITY = 20

/** The clients' expansion: header with the size patched in, the entropy-coded body, EOI. Non-stripped input is returned as is. */
export function expandStrippedThumb(stripped: Uint8Array): Buffer {
  if (stripped.length < 3 || stripped[0] !== 1) return Buffer.from(stripped)
  const header = Buffer.from(STRIPPED_JPEG_HEADER)
  header[164] = stripped[1]!
  header[166] = stripped[2]!
  return Buffer.concat([header, Buffer.from(stripped.subarray(3)), Buffer.from([0xff, 0xd9])])
}

/**
 * A stripped thumbnail (`photoStrippedSize.bytes`) of the avatar for `seed`: `[1, height, width]` followed by the
 * entropy-coded data of a real quality-20 4:2:0 baseline JPEG whose header is exactly {@link STRIPPED_JPEG_HEADER}.
 * Telegram's are about 40 pixels on the long side; both sides must be 1..255.
 */
export function strippedThumb(seed: number, w: number, h: number): Buffer {
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || w > 255 || h > 255)
    throw new RangeError(`strippedThumb: dimensions must be 1..255, got ${w}x${h}`)
  const { bytes } = encodeJpeg(renderAvatar(seed, w, h), w, h, { quality: STRIPPED_JPEG_QUALITY })
  const n = STRIPPED_JPEG_HEADER.length
  // Our encoder writes the same segments in the same order; check rather than trust, since clients splice blindly.
  const head = Buffer.from(bytes.subarray(0, n))
  head[164] = 0
  head[166] = 0
  if (!head.equals(STRIPPED_JPEG_HEADER) || bytes[163] !== 0 || bytes[165] !== 0)
    throw new Error('strippedThumb: encoder header differs from the stripped-thumbnail header')
  return Buffer.concat([Buffer.from([1, h, w]), Buffer.from(bytes.subarray(n, bytes.length - 2))])
}
