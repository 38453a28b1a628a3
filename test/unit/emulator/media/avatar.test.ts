import jpegJs from 'jpeg-js'
import { renderAvatar, renderAvatarJpeg } from '../../../../src/emulator/media/avatar.js'
import * as media from '../../../../src/emulator/media/index.js'
import type { WorldMedia } from '../../../../src/emulator/world.js'

// Compile-time contract: the media module provides what the world injects (checked by tsc over test/).
const forWorld: Pick<WorldMedia, 'renderAvatarJpeg' | 'strippedThumb' | 'insertJpegComment'> = media

describe('renderAvatar', () => {
  it('returns w * h packed RGB pixels', () => {
    expect(renderAvatar(1, 30, 20)).toHaveLength(30 * 20 * 3)
  })

  it('is deterministic per seed and differs between seeds', () => {
    expect(Buffer.from(renderAvatar(11, 64, 64)).equals(Buffer.from(renderAvatar(11, 64, 64)))).toBe(true)
    expect(Buffer.from(renderAvatar(11, 64, 64)).equals(Buffer.from(renderAvatar(12, 64, 64)))).toBe(false)
  })

  it('tells apart seeds that differ only above 32 bits', () => {
    const big = 2 ** 40
    expect(Buffer.from(renderAvatar(big + 5, 32, 32)).equals(Buffer.from(renderAvatar(5, 32, 32)))).toBe(false)
  })

  it('is what the world gets through the media index', () => {
    const viaIndex = forWorld.renderAvatarJpeg(4, 48, 48, { progressive: true })
    expect(viaIndex.bytes.equals(renderAvatarJpeg(4, 48, 48, { progressive: true }).bytes)).toBe(true)
  })

  it('is not flat: corners differ (gradient) and the centre differs from the corners (disc / glyph)', () => {
    const w = 64
    const px = (rgb: Uint8Array, x: number, y: number): number[] => [...rgb.subarray((y * w + x) * 3, (y * w + x) * 3 + 3)]
    const a = renderAvatar(3, w, w)
    expect(px(a, 0, 0)).not.toEqual(px(a, w - 1, w - 1))
    expect(px(a, w / 2, w / 2)).not.toEqual(px(a, 0, 0))
  })

  it('renders 1x1 and very wide images', () => {
    expect(renderAvatar(1, 1, 1)).toHaveLength(3)
    expect(renderAvatar(1, 300, 2)).toHaveLength(1800)
  })

  it('rejects bad dimensions', () => {
    expect(() => renderAvatar(1, 0, 5)).toThrow('renderAvatar: bad dimensions 0x5')
  })
})

describe('renderAvatarJpeg', () => {
  it.each([false, true])('encodes a 640x640 avatar that decodes to 640x640 (progressive: %s)', (progressive) => {
    const { bytes, scanEnds } = renderAvatarJpeg(77, 640, 640, { progressive })
    const img = jpegJs.decode(bytes, { useTArray: true })
    expect([img.width, img.height]).toEqual([640, 640])
    expect(scanEnds === undefined).toBe(!progressive)
    if (scanEnds) expect(scanEnds[scanEnds.length - 1]).toBe(bytes.length)
  })

  it('makes progressive files no larger than baseline ones (per-scan Huffman tables)', () => {
    const base = renderAvatarJpeg(5, 320, 320).bytes.length
    expect(renderAvatarJpeg(5, 320, 320, { progressive: true }).bytes.length).toBeLessThanOrEqual(base)
  })
})
