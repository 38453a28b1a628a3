import { ffmpegIt } from '../../../helpers/ffmpeg.js'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getMp4Tag, listTopLevelBoxes, makeMp4, MP4_TAG_OVERHEAD, patternFrame, setMp4Tag } from '../../../../src/emulator/media/mp4.js'

// --- An independent reader written from ISO/IEC 14496-12/-15 and H.264 §7, sharing no code with the writer. ---

interface Box {
  type: string
  start: number
  size: number
  payload: Buffer
  children: Box[]
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'dinf', 'stbl'])

function parseBoxes(buf: Buffer, base = 0): Box[] {
  const out: Box[] = []
  let at = 0
  while (at < buf.length) {
    const size = buf.readUInt32BE(at)
    const type = buf.toString('latin1', at + 4, at + 8)
    if (size < 8 || at + size > buf.length) throw new Error(`bad ${type} size ${size}`)
    const payload = buf.subarray(at + 8, at + size)
    let children: Box[] = []
    if (CONTAINERS.has(type)) children = parseBoxes(payload, base + at + 8)
    else if (type === 'stsd') children = parseBoxes(payload.subarray(8), base + at + 16)
    else if (type === 'avc1') children = parseBoxes(payload.subarray(78), base + at + 86)
    else if (type === 'dref') children = parseBoxes(payload.subarray(8), base + at + 16)
    out.push({ type, start: base + at, size, payload, children })
    at += size
  }
  return out
}

function find(boxes: Box[], path: string): Box {
  const [head, ...rest] = path.split('/')
  const b = boxes.find((x) => x.type === head)
  if (b === undefined) throw new Error(`no ${head}`)
  return rest.length === 0 ? b : find(b.children, rest.join('/'))
}

function u32List(payload: Buffer, from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => payload.readUInt32BE(from + 4 * i))
}

class BitReader {
  private pos = 0
  constructor(private readonly data: Buffer) {}
  bit(): number {
    const byte = this.data[this.pos >> 3]
    if (byte === undefined) throw new Error('read past end')
    const b = (byte >> (7 - (this.pos & 7))) & 1
    this.pos++
    return b
  }
  u(n: number): number {
    let v = 0
    for (let i = 0; i < n; i++) v = v * 2 + this.bit()
    return v
  }
  ue(): number {
    let zeros = 0
    while (this.bit() === 0) zeros++
    return 2 ** zeros - 1 + this.u(zeros)
  }
  se(): number {
    const k = this.ue()
    return k % 2 === 1 ? (k + 1) / 2 : k === 0 ? 0 : -k / 2
  }
  get aligned(): boolean {
    return (this.pos & 7) === 0
  }
  get bitsLeft(): number {
    return this.data.length * 8 - this.pos
  }
  bytes(n: number): Buffer {
    if (!this.aligned) throw new Error('not aligned')
    const out = this.data.subarray(this.pos >> 3, (this.pos >> 3) + n)
    this.pos += n * 8
    return out
  }
}

/** NAL payload → RBSP: drop each emulation_prevention_three_byte (00 00 03 → 00 00). */
function toRbsp(nal: Buffer): Buffer {
  const out: number[] = []
  let zeros = 0
  for (let i = 1; i < nal.length; i++) {
    const b = nal[i]!
    if (zeros >= 2 && b === 3) {
      zeros = 0
      continue
    }
    out.push(b)
    zeros = b === 0 ? zeros + 1 : 0
  }
  return Buffer.from(out)
}

function splitSample(sample: Buffer): Buffer[] {
  const nals: Buffer[] = []
  for (let at = 0; at < sample.length; ) {
    const len = sample.readUInt32BE(at)
    nals.push(sample.subarray(at + 4, at + 4 + len))
    at += 4 + len
  }
  return nals
}

function parseSps(nal: Buffer): { profile: number; level: number; width: number; height: number; log2MaxFrameNum: number; pocType: number } {
  expect(nal[0]! & 0x1f).toBe(7)
  const r = new BitReader(toRbsp(nal))
  const profile = r.u(8)
  r.u(8)
  const level = r.u(8)
  expect(r.ue()).toBe(0) // sps id
  const log2MaxFrameNum = r.ue() + 4
  const pocType = r.ue()
  r.ue() // max_num_ref_frames
  r.bit() // gaps
  const width = (r.ue() + 1) * 16
  const height = (r.ue() + 1) * 16
  expect(r.bit()).toBe(1) // frame_mbs_only_flag
  r.bit()
  expect(r.bit()).toBe(0) // cropping
  expect(r.bit()).toBe(0) // vui
  expect(r.bit()).toBe(1) // rbsp_stop_one_bit
  expect(r.bitsLeft).toBeLessThan(8)
  return { profile, level, width, height, log2MaxFrameNum, pocType }
}

/** Decodes an IDR slice of I_PCM macroblocks back into planes; checks every syntax element on the way. */
function decodePcmSlice(nal: Buffer, width: number, height: number, log2MaxFrameNum: number): { idrPicId: number; y: Buffer; cb: Buffer; cr: Buffer } {
  expect(nal[0]).toBe(0x65) // nal_ref_idc 3, type 5 (IDR)
  const r = new BitReader(toRbsp(nal))
  expect(r.ue()).toBe(0) // first_mb_in_slice
  expect(r.ue() % 5).toBe(2) // I slice
  expect(r.ue()).toBe(0) // pps id
  expect(r.u(log2MaxFrameNum)).toBe(0) // frame_num
  const idrPicId = r.ue()
  r.bit()
  r.bit() // dec_ref_pic_marking
  expect(r.se()).toBe(0) // slice_qp_delta
  expect(r.ue()).toBe(1) // disable_deblocking_filter_idc
  const y = Buffer.alloc(width * height)
  const cb = Buffer.alloc((width * height) / 4)
  const cr = Buffer.alloc((width * height) / 4)
  for (let my = 0; my < height / 16; my++) {
    for (let mx = 0; mx < width / 16; mx++) {
      expect(r.ue()).toBe(25) // I_PCM
      while (!r.aligned) expect(r.bit()).toBe(0)
      const luma = r.bytes(256)
      for (let j = 0; j < 16; j++) luma.copy(y, (my * 16 + j) * width + mx * 16, j * 16, j * 16 + 16)
      const c = r.bytes(128)
      for (let j = 0; j < 8; j++) {
        c.copy(cb, (my * 8 + j) * (width / 2) + mx * 8, j * 8, j * 8 + 8)
        c.copy(cr, (my * 8 + j) * (width / 2) + mx * 8, 64 + j * 8, 64 + j * 8 + 8)
      }
    }
  }
  expect(r.bit()).toBe(1) // rbsp_stop_one_bit
  while (r.bitsLeft > 0) expect(r.bit()).toBe(0)
  return { idrPicId, y, cb, cr }
}

describe('makeMp4', () => {
  const mp4 = makeMp4({ seed: 7, width: 64, height: 48, durationMs: 500, fps: 10 })
  const boxes = parseBoxes(mp4)
  const stbl = find(boxes, 'moov/trak/mdia/minf/stbl')

  it('lays out ftyp isom/avc1, moov, mdat at top level', () => {
    expect(boxes.map((b) => b.type)).toEqual(['ftyp', 'moov', 'mdat'])
    const ftyp = find(boxes, 'ftyp').payload
    expect(ftyp.toString('latin1', 0, 4)).toBe('isom')
    expect(ftyp.toString('latin1', 8)).toContain('avc1')
  })

  it('has the full sample table box tree', () => {
    for (const path of ['moov/mvhd', 'moov/trak/tkhd', 'moov/trak/mdia/mdhd', 'moov/trak/mdia/hdlr', 'moov/trak/mdia/minf/vmhd',
      'moov/trak/mdia/minf/dinf/dref/url ', 'moov/trak/mdia/minf/stbl/stsd/avc1/avcC', 'moov/trak/mdia/minf/stbl/stts',
      'moov/trak/mdia/minf/stbl/stss', 'moov/trak/mdia/minf/stbl/stsc', 'moov/trak/mdia/minf/stbl/stsz', 'moov/trak/mdia/minf/stbl/stco']) {
      expect(find(boxes, path).type).toBe(path.split('/').at(-1))
    }
    expect(find(boxes, 'moov/trak/mdia/hdlr').payload.toString('latin1', 8, 12)).toBe('vide')
  })

  it('writes round(durationMs × fps / 1000) samples whose sizes sum to the mdat payload at stco', () => {
    const stsz = find(stbl.children, 'stsz').payload
    expect(stsz.readUInt32BE(4)).toBe(0)
    const count = stsz.readUInt32BE(8)
    expect(count).toBe(5)
    const sizes = u32List(stsz, 12, count)
    const mdat = find(boxes, 'mdat')
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(mdat.size - 8)
    const stco = find(stbl.children, 'stco').payload
    expect(u32List(stco, 4, 2)).toEqual([1, mdat.start + 8])
    expect(u32List(find(stbl.children, 'stsc').payload, 4, 4)).toEqual([1, 1, 5, 1])
    expect(u32List(find(stbl.children, 'stts').payload, 4, 3)).toEqual([1, 5, 1000])
    expect(u32List(find(stbl.children, 'stss').payload, 4, 6)).toEqual([5, 1, 2, 3, 4, 5])
  })

  it('states the duration in mvhd (ms) and mdhd (fps × 1000 ticks per second)', () => {
    const mvhd = find(boxes, 'moov/mvhd').payload
    expect(u32List(mvhd, 12, 2)).toEqual([1000, 500])
    const mdhd = find(boxes, 'moov/trak/mdia/mdhd').payload
    expect(u32List(mdhd, 12, 2)).toEqual([10000, 5000])
    const tkhd = find(boxes, 'moov/trak/tkhd').payload
    expect(u32List(tkhd, 76, 2)).toEqual([64 << 16, 48 << 16])
  })

  it('carries an avcC whose SPS decodes back to the frame size', () => {
    const avc1 = find(stbl.children, 'stsd/avc1').payload
    expect([avc1.readUInt16BE(24), avc1.readUInt16BE(26)]).toEqual([64, 48])
    const avcC = find(stbl.children, 'stsd/avc1/avcC').payload
    expect([avcC[0], avcC[1], avcC[2], avcC[4]! & 3, avcC[5]! & 0x1f]).toEqual([1, 66, 0xc0, 3, 1])
    const spsLen = avcC.readUInt16BE(6)
    const sps = parseSps(avcC.subarray(8, 8 + spsLen))
    expect(sps).toEqual({ profile: 66, level: avcC[3], width: 64, height: 48, log2MaxFrameNum: 4, pocType: 2 })
    expect(avcC[8 + spsLen]).toBe(1)
    const ppsLen = avcC.readUInt16BE(9 + spsLen)
    expect(avcC.length).toBe(11 + spsLen + ppsLen)
    expect(avcC[11 + spsLen]! & 0x1f).toBe(8)
  })

  it('encodes every frame as an IDR of I_PCM macroblocks holding the seed pattern', () => {
    const mdat = find(boxes, 'mdat')
    const sizes = u32List(find(stbl.children, 'stsz').payload, 12, 5)
    let at = 0
    const ids: number[] = []
    sizes.forEach((size, i) => {
      const nals = splitSample(mdat.payload.subarray(at, at + size))
      at += size
      const slice = nals.at(-1)!
      expect(nals.map((n) => n[0]! & 0x1f)).toEqual(i === 0 ? [7, 8, 5] : [5])
      const pic = decodePcmSlice(slice, 64, 48, 4)
      const want = patternFrame(7, 64, 48, i)
      expect(pic.y.equals(Buffer.from(want.y))).toBe(true)
      expect(pic.cb.equals(Buffer.from(want.cb))).toBe(true)
      expect(pic.cr.equals(Buffer.from(want.cr))).toBe(true)
      ids.push(pic.idrPicId)
    })
    expect(ids).toEqual([0, 1, 2, 3, 4])
    // The pattern moves: no two frames alike.
    expect(new Set(sizes.map((_, i) => Buffer.from(patternFrame(7, 64, 48, i).y).toString('hex'))).size).toBe(5)
  })

  it('is deterministic in the seed and differs between seeds', () => {
    expect(makeMp4({ seed: 7, width: 64, height: 48, durationMs: 500, fps: 10 }).equals(mp4)).toBe(true)
    const other = makeMp4({ seed: 8, width: 64, height: 48, durationMs: 500, fps: 10 })
    expect(other.equals(mp4)).toBe(false)
  })

  it('defaults to 1000 ms at 10 fps', () => {
    const d = parseBoxes(makeMp4({ seed: 1, width: 16, height: 16 }))
    expect(find(d, 'moov/trak/mdia/minf/stbl/stsz').payload.readUInt32BE(8)).toBe(10)
  })

  it('rejects sizes that are not multiples of 16', () => {
    expect(() => makeMp4({ seed: 1, width: 40, height: 48 })).toThrow('H.264 width must be a positive multiple of 16 up to 4096, got 40')
  })
})

describe('setMp4Tag', () => {
  const base = makeMp4({ seed: 3, width: 32, height: 32, durationMs: 200, fps: 10 })

  it('appends a free box after mdat so every offset stays valid, at a known length', () => {
    const tagged = setMp4Tag(base, Buffer.from('photo-1'))
    expect(tagged.length).toBe(base.length + MP4_TAG_OVERHEAD + 7)
    expect(tagged.subarray(0, base.length).equals(base)).toBe(true)
    expect(listTopLevelBoxes(tagged).map((b) => b.type)).toEqual(['ftyp', 'moov', 'mdat', 'free'])
    expect(getMp4Tag(tagged)?.toString()).toBe('photo-1')
    expect(getMp4Tag(base)).toBeUndefined()
  })

  it('replaces its own tag instead of stacking, so equal-size tags give equal lengths and distinct bytes', () => {
    const a = setMp4Tag(base, Buffer.from('0001'))
    const b = setMp4Tag(a, Buffer.from('0002'))
    expect(b.length).toBe(a.length)
    expect(b.equals(a)).toBe(false)
    expect(b.equals(setMp4Tag(base, Buffer.from('0002')))).toBe(true)
  })
})


describe('makeMp4 under ffprobe/ffmpeg (when installed)', () => {
  ffmpegIt('is a 640×640 Constrained Baseline H.264 MP4 that decodes without errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp4-'))
    try {
      const file = join(dir, 'v.mp4')
      writeFileSync(file, setMp4Tag(makeMp4({ seed: 'avatar', width: 640, height: 640, durationMs: 300, fps: 10 }), Buffer.from('u1')))
      const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' })
      expect(probe.stderr).toBe('')
      const info = JSON.parse(probe.stdout) as { streams: Record<string, unknown>[]; format: Record<string, unknown> }
      expect(info.streams).toHaveLength(1)
      expect(info.streams[0]).toMatchObject({ codec_name: 'h264', profile: 'Constrained Baseline', width: 640, height: 640, pix_fmt: 'yuv420p', nb_read_frames: '3' })
      expect(Number(info.format.duration)).toBeCloseTo(0.3, 3)
      const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' })
      expect(decode.status).toBe(0)
      expect(decode.stderr).toBe('')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
