import jpegJs from 'jpeg-js'
import { encodeJpeg, insertJpegComment } from '../../../../src/emulator/media/jpeg.js'

/** A smooth test pattern with some edges: gradients plus a dark square. */
function pattern(w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 3)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3
      const inSquare = x > w / 4 && x < (3 * w) / 4 && y > h / 4 && y < (3 * h) / 4
      out[i] = inSquare ? 30 : Math.round((255 * x) / Math.max(1, w - 1))
      out[i + 1] = inSquare ? 40 : Math.round((255 * y) / Math.max(1, h - 1))
      out[i + 2] = inSquare ? 160 : 128
    }
  return out
}

function decode(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  return jpegJs.decode(bytes, { useTArray: true, formatAsRGBA: false })
}

/** Mean absolute difference per channel sample. */
function meanError(a: Uint8Array, b: Uint8Array): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!)
  return sum / a.length
}

function markers(bytes: Uint8Array): number[] {
  // Walks the marker segments up to the first SOS.
  const out: number[] = []
  let p = 2
  for (;;) {
    const m = bytes[p + 1]!
    out.push(0xff00 | m)
    if (m === 0xda) return out
    p += 2 + ((bytes[p + 2]! << 8) | bytes[p + 3]!)
  }
}

describe('encodeJpeg', () => {
  const sizes: [number, number][] = [
    [1, 1],
    [7, 13],
    [40, 40],
    [33, 17],
    [160, 160],
    [97, 203],
  ]

  it.each(sizes)('writes a baseline JPEG of %ix%i that decodes to pixels close to the source', (w, h) => {
    const rgb = pattern(w, h)
    const { bytes, scanEnds } = encodeJpeg(rgb, w, h, { quality: 90 })
    expect(scanEnds).toBeUndefined()
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xd8])
    expect([...bytes.subarray(-2)]).toEqual([0xff, 0xd9])
    expect(markers(bytes)).toEqual([0xffe0, 0xffdb, 0xffdb, 0xffc0, 0xffc4, 0xffc4, 0xffc4, 0xffc4, 0xffda])
    const img = decode(bytes)
    expect([img.width, img.height]).toEqual([w, h])
    // The pattern has saturated colour edges, which 4:2:0 smears over 2x2 pixels: noticeable on tiny images only.
    expect(meanError(img.data, rgb)).toBeLessThan(w * h < 5000 ? 10 : 2)
  })

  it.each(sizes)('at 4:4:4 loses no more than jpeg-js\'s own encoder on %ix%i', (w, h) => {
    const rgb = pattern(w, h)
    const rgba = new Uint8Array(w * h * 4)
    for (let i = 0; i < w * h; i++) rgba.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4)
    const reference = meanError(decode(jpegJs.encode({ width: w, height: h, data: rgba }, 90).data).data, rgb)
    const ours = meanError(decode(encodeJpeg(rgb, w, h, { quality: 90, subsampling: '4:4:4' }).bytes).data, rgb)
    expect(ours).toBeLessThan(reference * 1.1 + 0.05)
  })

  it.each(sizes)('writes a progressive JPEG of %ix%i with five scans that decodes like the baseline one', (w, h) => {
    const rgb = pattern(w, h)
    const base = decode(encodeJpeg(rgb, w, h, { quality: 90 }).bytes)
    const { bytes, scanEnds } = encodeJpeg(rgb, w, h, { quality: 90, progressive: true })
    expect(markers(bytes)).toEqual([0xffe0, 0xffdb, 0xffdb, 0xffc2, 0xffc4, 0xffc4, 0xffc4, 0xffc4, 0xffda])
    const img = decode(bytes)
    expect([img.width, img.height]).toEqual([w, h])
    // Same quantised coefficients, so the same pixels.
    expect(meanError(img.data, base.data)).toBeLessThan(0.5)
    expect(scanEnds).toHaveLength(5)
    expect(scanEnds![4]).toBe(bytes.length)
    for (let i = 0; i < 4; i++) {
      const end = scanEnds![i]!
      expect(end).toBeLessThan(scanEnds![i + 1]!)
      // Every scan but the last ends where the next scan's Huffman table (DHT) begins.
      expect([bytes[end], bytes[end + 1]]).toEqual([0xff, 0xc4])
    }
  })

  it.each(sizes)('with successive approximation writes libjpeg\'s 10 scans for %ix%i, decoding like baseline', (w, h) => {
    const rgb = pattern(w, h)
    for (const quality of [50, 95]) {
      const base = decode(encodeJpeg(rgb, w, h, { quality }).bytes)
      const { bytes, scanEnds } = encodeJpeg(rgb, w, h, { quality, progressive: true, successiveApproximation: true })
      expect(scanEnds).toHaveLength(10)
      expect(scanEnds![9]).toBe(bytes.length)
      const img = decode(bytes)
      expect([img.width, img.height]).toEqual([w, h])
      // Same coefficients, only sent bit plane by bit plane.
      expect(Buffer.from(img.data).equals(Buffer.from(base.data))).toBe(true)
    }
  })

  it('with successive approximation also handles photographic noise (many refinements)', () => {
    const w = 96
    const rgb = new Uint8Array(w * w * 3)
    let x = 12345
    for (let i = 0; i < rgb.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0
      rgb[i] = x >>> 24
    }
    const base = decode(encodeJpeg(rgb, w, w, { quality: 90 }).bytes)
    const p = decode(encodeJpeg(rgb, w, w, { quality: 90, progressive: true, successiveApproximation: true }).bytes)
    expect(Buffer.from(p.data).equals(Buffer.from(base.data))).toBe(true)
  })

  it('decodes a progressive prefix cut at a scan end (the DC scan alone) to a coarse but right-sized image', () => {
    const rgb = pattern(64, 48)
    const { bytes, scanEnds } = encodeJpeg(rgb, 64, 48, { quality: 80, progressive: true })
    const prefix = Buffer.concat([bytes.subarray(0, scanEnds![0]!), Buffer.from([0xff, 0xd9])])
    const img = decode(prefix)
    expect([img.width, img.height]).toEqual([64, 48])
    expect(meanError(img.data, rgb)).toBeLessThan(25)
  })

  it('codes long runs of empty bands as EOB runs, splitting them at the 32767-block limit', () => {
    // 1456x1456 flat grey: 182 * 182 = 33124 luma blocks with no AC at all, one run longer than EOBRUN can hold.
    const w = 1456
    const rgb = new Uint8Array(w * w * 3).fill(90)
    const { bytes, scanEnds } = encodeJpeg(rgb, w, w, { progressive: true })
    // With EOB runs an all-zero AC scan is a few bytes, not one symbol per block.
    expect(scanEnds![1]! - scanEnds![0]!).toBeLessThan(100)
    const img = decode(bytes)
    expect([img.width, img.height]).toEqual([w, w])
    expect(img.data.every((v) => Math.abs(v - 90) <= 1)).toBe(true)
  })

  it('supports 4:4:4 and gets closer to the source than 4:2:0 on colour edges', () => {
    const rgb = pattern(48, 48)
    const e420 = meanError(decode(encodeJpeg(rgb, 48, 48, { quality: 95 }).bytes).data, rgb)
    const e444 = meanError(decode(encodeJpeg(rgb, 48, 48, { quality: 95, subsampling: '4:4:4' }).bytes).data, rgb)
    expect(e444).toBeLessThan(e420)
    const p = encodeJpeg(rgb, 48, 48, { quality: 95, subsampling: '4:4:4', progressive: true })
    expect(meanError(decode(p.bytes).data, rgb)).toBeCloseTo(e444, 1)
  })

  it('makes smaller files at lower quality', () => {
    const rgb = pattern(128, 128)
    expect(encodeJpeg(rgb, 128, 128, { quality: 30 }).bytes.length).toBeLessThan(
      encodeJpeg(rgb, 128, 128, { quality: 90 }).bytes.length,
    )
  })

  it('is deterministic', () => {
    const rgb = pattern(50, 30)
    expect(encodeJpeg(rgb, 50, 30, { progressive: true }).bytes.equals(encodeJpeg(rgb, 50, 30, { progressive: true }).bytes)).toBe(true)
  })

  it('rejects bad dimensions and short input', () => {
    expect(() => encodeJpeg(new Uint8Array(3), 0, 1)).toThrow(RangeError)
    expect(() => encodeJpeg(new Uint8Array(3), 2, 2)).toThrow('encodeJpeg: need 12 RGB bytes, got 3')
  })
})

describe('insertJpegComment', () => {
  it('adds exactly 4 + length bytes right after SOI and keeps the file decodable', () => {
    const rgb = pattern(20, 20)
    const { bytes } = encodeJpeg(rgb, 20, 20)
    const comment = Buffer.from('photo 12345 size x')
    const out = insertJpegComment(bytes, comment)
    expect(out.length).toBe(bytes.length + 4 + comment.length)
    expect([...out.subarray(0, 6)]).toEqual([0xff, 0xd8, 0xff, 0xfe, 0, comment.length + 2])
    expect(out.subarray(6, 6 + comment.length).equals(comment)).toBe(true)
    expect(out.subarray(6 + comment.length).equals(bytes.subarray(2))).toBe(true)
    const a = decode(out)
    expect(Buffer.from(a.data).equals(Buffer.from(decode(bytes).data))).toBe(true)
  })

  it('refuses input that is not a JPEG', () => {
    expect(() => insertJpegComment(Buffer.from('GIF89a'), Buffer.from('x'))).toThrow('insertJpegComment: not a JPEG (no SOI)')
  })
})
