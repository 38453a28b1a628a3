/**
 * MP4 (ISO/IEC 14496-12 + 14496-15) video avatars for the emulator: one H.264 video track of I_PCM frames from
 * `h264.ts`, laid out "fast start" (ftyp, moov, mdat) like Telegram's own profile videos, plus an optional trailing
 * `free` box that makes each file unique at a known extra length.
 */

import { H264_CONSTRAINT_FLAGS, H264_PROFILE_BASELINE, encodeIdrFrame, h264LevelFor, makePps, makeSps, type YuvFrame } from './h264.js'

/** Options of {@link makeMp4}. */
export interface Mp4Options {
  /** Seed of the deterministic colour pattern; same seed and options → same bytes. */
  readonly seed: number | string
  /** Width in pixels, a multiple of 16 (Telegram's profile videos are 640). */
  readonly width: number
  /** Height in pixels, a multiple of 16. */
  readonly height: number
  /** Duration in milliseconds; default 1000. */
  readonly durationMs?: number
  /** Frames per second; default 10. The frame count is round(durationMs × fps / 1000), at least 1. */
  readonly fps?: number
}

function box(type: string, ...parts: Uint8Array[]): Buffer {
  const size = 8 + parts.reduce((n, p) => n + p.length, 0)
  const head = Buffer.alloc(8)
  head.writeUInt32BE(size, 0)
  head.write(type, 4, 'latin1')
  return Buffer.concat([head, ...parts])
}

function fullBox(type: string, version: number, flags: number, ...parts: Uint8Array[]): Buffer {
  const vf = Buffer.alloc(4)
  vf.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0)
  return box(type, vf, ...parts)
}

function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4)
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4))
  return b
}

function u16s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 2)
  values.forEach((v, i) => b.writeUInt16BE(v & 0xffff, i * 2))
  return b
}

/** The unity transformation matrix of mvhd/tkhd. */
const MATRIX = u32s(0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)

/** Seed → 32-bit state: FNV-1a over the string form, so numbers and strings both work. */
function seedState(seed: number | string): number {
  let h = 0x811c9dc5
  for (const ch of String(seed)) {
    h ^= ch.codePointAt(0) ?? 0
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** mulberry32: small, fast, deterministic. */
function rng(state: number): () => number {
  let a = state
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Frame `index` of the seed's moving pattern: diagonal luma stripes drifting across the picture over two
 * colour fields that slide the other way. Samples stay within 16..235 / 16..240 (video range).
 */
export function patternFrame(seed: number | string, width: number, height: number, index: number): YuvFrame {
  const r = rng(seedState(seed))
  const dx = 1 + Math.floor(r() * 3)
  const dy = 1 + Math.floor(r() * 3)
  const phase = Math.floor(r() * 256)
  const speed = 8 + Math.floor(r() * 24)
  const cb0 = 40 + Math.floor(r() * 176)
  const cr0 = 40 + Math.floor(r() * 176)
  const y = new Uint8Array(width * height)
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const v = (i * dx + j * dy + phase + index * speed) & 0xff
      y[j * width + i] = 16 + ((v * 219) >> 8)
    }
  }
  const cw = width / 2
  const ch = height / 2
  const cb = new Uint8Array(cw * ch)
  const cr = new Uint8Array(cw * ch)
  for (let j = 0; j < ch; j++) {
    for (let i = 0; i < cw; i++) {
      const s = ((i - index * speed) & 0x7f) - 64
      cb[j * cw + i] = Math.max(16, Math.min(240, cb0 + s))
      cr[j * cw + i] = Math.max(16, Math.min(240, cr0 + ((j & 0x7f) - 64)))
    }
  }
  return { width, height, y, cb, cr }
}

/**
 * A valid MP4 holding `round(durationMs × fps / 1000)` H.264 frames of a moving pattern derived from `seed`
 * (ftyp isom/avc1; moov → mvhd, trak → tkhd, mdia → mdhd, hdlr, minf → vmhd, dinf, stbl → stsd/avc1/avcC, stts,
 * stss, stsc, stsz, stco; then mdat). Every frame is an IDR of I_PCM macroblocks (~1.5 bytes per pixel), so keep
 * frame counts small at 640×640. Deterministic: the same options give the same bytes.
 */
export function makeMp4(options: Mp4Options): Buffer {
  const { seed, width, height, durationMs = 1000, fps = 10 } = options
  if (!(durationMs > 0) || !(fps > 0)) throw new RangeError(`makeMp4 needs positive durationMs and fps, got ${durationMs}, ${fps}`)
  const frameCount = Math.max(1, Math.round((durationMs * fps) / 1000))
  const sps = makeSps(width, height, fps)
  const pps = makePps()
  // Samples are length-prefixed NAL units (avcC lengthSizeMinusOne = 3); the first also carries SPS and PPS in-band
  // so a raw stream cut from the mdat decodes on its own.
  const samples: Buffer[] = []
  for (let i = 0; i < frameCount; i++) {
    const nals = i === 0 ? [sps, pps, encodeIdrFrame(patternFrame(seed, width, height, i), i)] : [encodeIdrFrame(patternFrame(seed, width, height, i), i)]
    samples.push(Buffer.concat(nals.flatMap((n) => [u32s(n.length), n])))
  }

  // Media timescale: fps × 1000 ticks per second, so each sample lasts exactly 1000 ticks for any integer fps.
  const mediaTimescale = Math.round(fps * 1000)
  const sampleDelta = 1000
  const mediaDuration = frameCount * sampleDelta
  const movieTimescale = 1000
  const movieDuration = Math.round((mediaDuration * movieTimescale) / mediaTimescale)

  const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), u32s(0x200), Buffer.from('isomiso2avc1mp41', 'latin1'))

  const mvhd = fullBox(
    'mvhd', 0, 0,
    u32s(0, 0, movieTimescale, movieDuration, 0x00010000), u16s(0x0100, 0), u32s(0, 0),
    MATRIX, Buffer.alloc(24), u32s(2),
  )
  const tkhd = fullBox(
    'tkhd', 0, 3, // track_enabled | track_in_movie
    u32s(0, 0, 1, 0, movieDuration, 0, 0), u16s(0, 0, 0, 0), MATRIX, u32s(width * 0x10000, height * 0x10000),
  )
  const mdhd = fullBox('mdhd', 0, 0, u32s(0, 0, mediaTimescale, mediaDuration), u16s(0x55c4, 0)) // language 'und'
  const hdlr = fullBox('hdlr', 0, 0, u32s(0), Buffer.from('vide', 'latin1'), Buffer.alloc(12), Buffer.from('VideoHandler\0', 'latin1'))
  const vmhd = fullBox('vmhd', 0, 1, u16s(0, 0, 0, 0))
  const dinf = box('dinf', fullBox('dref', 0, 0, u32s(1), fullBox('url ', 0, 1)))

  const avcC = box(
    'avcC',
    Buffer.from([1, H264_PROFILE_BASELINE, H264_CONSTRAINT_FLAGS, h264LevelFor(width, height, fps), 0xff, 0xe1]),
    u16s(sps.length), sps, Buffer.from([1]), u16s(pps.length), pps,
  )
  const compressorName = Buffer.alloc(32)
  const avc1 = box(
    'avc1',
    Buffer.alloc(6), u16s(1), // reserved, data_reference_index
    u16s(0, 0), u32s(0, 0, 0), u16s(width, height), u32s(0x00480000, 0x00480000, 0), u16s(1),
    compressorName, u16s(0x0018, 0xffff),
    avcC,
  )
  const stsd = fullBox('stsd', 0, 0, u32s(1), avc1)
  const stts = fullBox('stts', 0, 0, u32s(1, frameCount, sampleDelta))
  const stss = fullBox('stss', 0, 0, u32s(frameCount, ...samples.map((_, i) => i + 1)))
  const stsc = fullBox('stsc', 0, 0, u32s(1, 1, frameCount, 1))
  const stsz = fullBox('stsz', 0, 0, u32s(0, frameCount, ...samples.map((s) => s.length)))
  const buildMoov = (chunkOffset: number): Buffer => {
    const stco = fullBox('stco', 0, 0, u32s(1, chunkOffset))
    const stbl = box('stbl', stsd, stts, stss, stsc, stsz, stco)
    const minf = box('minf', vmhd, dinf, stbl)
    const mdia = box('mdia', mdhd, hdlr, minf)
    const trak = box('trak', tkhd, mdia)
    return box('moov', mvhd, trak)
  }
  // stco's value does not change moov's size: lay out once with a placeholder, then build with the real offset.
  const moov = buildMoov(ftyp.length + buildMoov(0).length + 8)
  const mdatPayload = samples.reduce((n, s) => n + s.length, 0)
  const mdat = Buffer.concat([u32s(8 + mdatPayload), Buffer.from('mdat', 'latin1'), ...samples])
  return Buffer.concat([ftyp, moov, mdat])
}

/** Marker at the start of the tag box's payload, so {@link setMp4Tag} can find and replace its own box. */
const TAG_MARKER = Buffer.from('tgpf', 'latin1')

/** Bytes {@link setMp4Tag} adds on top of the tag itself (box header + marker). */
export const MP4_TAG_OVERHEAD = 8 + TAG_MARKER.length

/**
 * Makes `mp4` unique: appends (or replaces) a top-level `free` box holding `tag` after every other box, so no offset
 * moves. The result's length is always `untaggedLength + MP4_TAG_OVERHEAD + tag.length`, known without re-encoding.
 */
export function setMp4Tag(mp4: Buffer, tag: Buffer): Buffer {
  const boxes = listTopLevelBoxes(mp4)
  const last = boxes[boxes.length - 1]
  let base = mp4
  if (last !== undefined && last.type === 'free' && mp4.subarray(last.offset + 8, last.offset + 8 + TAG_MARKER.length).equals(TAG_MARKER)) {
    base = mp4.subarray(0, last.offset)
  }
  return Buffer.concat([base, box('free', TAG_MARKER, tag)])
}

/** The tag set by {@link setMp4Tag}, or undefined. */
export function getMp4Tag(mp4: Buffer): Buffer | undefined {
  const last = listTopLevelBoxes(mp4).at(-1)
  if (last === undefined || last.type !== 'free') return undefined
  const payload = mp4.subarray(last.offset + 8, last.offset + last.size)
  return payload.subarray(0, TAG_MARKER.length).equals(TAG_MARKER) ? Buffer.from(payload.subarray(TAG_MARKER.length)) : undefined
}

/** A box found by {@link listTopLevelBoxes}. */
export interface Mp4BoxRef {
  readonly type: string
  readonly offset: number
  readonly size: number
}

/** The top-level boxes of an MP4 (32-bit sizes only, as this module writes). Throws on a malformed size. */
export function listTopLevelBoxes(mp4: Buffer): Mp4BoxRef[] {
  const out: Mp4BoxRef[] = []
  let at = 0
  while (at + 8 <= mp4.length) {
    const size = mp4.readUInt32BE(at)
    if (size < 8 || at + size > mp4.length) throw new Error(`MP4: bad box size ${size} at offset ${at}`)
    out.push({ type: mp4.toString('latin1', at + 4, at + 8), offset: at, size })
    at += size
  }
  if (at !== mp4.length) throw new Error(`MP4: ${mp4.length - at} trailing bytes after the last box`)
  return out
}
