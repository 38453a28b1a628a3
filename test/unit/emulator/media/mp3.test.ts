import { ffmpegIt } from '../../../helpers/ffmpeg.js'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeMp3, mp3FrameCount, parseMp3, parseMp3Duration } from '../../../../src/emulator/media/mp3.js'

/** ID3v2 tag length (header + body) read straight from the header, written here from the ID3v2.4 spec. */
function id3Length(buf: Buffer): number {
  expect(buf.toString('latin1', 0, 3)).toBe('ID3')
  return 10 + ((buf[6]! << 21) | (buf[7]! << 14) | (buf[8]! << 7) | buf[9]!)
}

describe('makeMp3', () => {
  const mp3 = makeMp3({ seed: 1, durationSec: 7, title: 'Song ✓', performer: 'Артист' })

  it('starts with an ID3v2.4 tag holding TIT2 and TPE1 in UTF-8', () => {
    expect([...mp3.subarray(0, 6)]).toEqual([0x49, 0x44, 0x33, 4, 0, 0])
    const info = parseMp3(mp3)
    expect(info.id3Version).toBe(4)
    expect(info.text).toEqual({ TIT2: 'Song ✓', TPE1: 'Артист' })
    const tit2 = mp3.indexOf('TIT2', 10, 'latin1')
    expect(mp3[tit2 + 10]).toBe(3) // text encoding: UTF-8
  })

  it('writes ceil(durationSec × 44100 / 1152) audio frames after an Info frame, so the duration rounds to durationSec', () => {
    const info = parseMp3(mp3)
    expect(info.sampleRate).toBe(44100)
    expect(info.frames).toBe(268)
    expect(info.xingFrames).toBe(268)
    expect(info.durationSec).toBeCloseTo((268 * 1152) / 44100, 9)
    expect(Math.round(parseMp3Duration(mp3))).toBe(7)
  })

  it.each([1, 2, 30, 185, 600])('gives %i s back from the frame count at 32 and 128 kbit/s', (sec) => {
    for (const bitrateKbps of [32, 128]) {
      const buf = makeMp3({ seed: sec, durationSec: sec, title: 't', performer: 'p', bitrateKbps })
      expect(parseMp3(buf).frames).toBe(mp3FrameCount(sec))
      expect(Math.round(parseMp3Duration(buf))).toBe(sec)
      expect(parseMp3Duration(buf) - sec).toBeLessThan(1152 / 44100)
    }
  })

  it('keeps the nominal bit rate through the padding rule, with headers that say so', () => {
    const buf = makeMp3({ seed: 2, durationSec: 60, title: 't', performer: 'p', bitrateKbps: 128 })
    const stream = buf.subarray(id3Length(buf))
    // Every header: MPEG-1 Layer III, no CRC, 128 kbit/s (index 9), 44.1 kHz, mono; length 417 or 418 by padding.
    let at = 0
    let frames = 0
    let padded = 0
    while (at < stream.length) {
      expect([stream[at], stream[at + 1], stream[at + 2]! & 0xfd, stream[at + 3]! & 0xc0]).toEqual([0xff, 0xfb, 0x90, 0xc0])
      const pad = (stream[at + 2]! >> 1) & 1
      padded += pad
      at += 417 + pad
      frames++
    }
    expect(at).toBe(stream.length)
    expect(frames).toBe(mp3FrameCount(60) + 1)
    const bitsPerSecond = (stream.length * 8) / ((frames * 1152) / 44100)
    expect(Math.abs(bitsPerSecond - 128000)).toBeLessThan(128000 * 0.001)
    expect(padded).toBeGreaterThan(0)
    // The Info header's byte count covers the whole stream.
    expect(stream.readUInt32BE(4 + 17 + 12)).toBe(stream.length)
  })

  it('makes silent frames: zero side info and zero main data', () => {
    const stream = mp3.subarray(id3Length(mp3))
    const second = 104 + ((stream[2]! >> 1) & 1) // after the Info frame
    const len = 104 + ((stream[second + 2]! >> 1) & 1)
    expect(stream.subarray(second + 4, second + len).every((b) => b === 0)).toBe(true)
  })

  it('is deterministic in its options and unique per seed', () => {
    expect(makeMp3({ seed: 1, durationSec: 7, title: 'Song ✓', performer: 'Артист' }).equals(mp3)).toBe(true)
    expect(makeMp3({ seed: 9, durationSec: 7, title: 'Song ✓', performer: 'Артист' }).equals(mp3)).toBe(false)
  })

  it('rejects a bit rate Layer III does not have', () => {
    expect(() => makeMp3({ seed: 1, durationSec: 1, title: 't', performer: 'p', bitrateKbps: 100 })).toThrow(
      'makeMp3: 100 kbit/s is not an MPEG-1 Layer III bit rate',
    )
  })
})

describe('parseMp3', () => {
  it('refuses a stream that loses frame sync', () => {
    const mp3 = makeMp3({ seed: 1, durationSec: 1, title: 't', performer: 'p' })
    const broken = Buffer.concat([mp3, Buffer.from([0, 1, 2, 3])])
    expect(() => parseMp3(broken)).toThrow(`MP3: lost frame sync at byte ${mp3.length}`)
  })
})

describe('makeMp3 under ffprobe/ffmpeg (when installed)', () => {
  ffmpegIt('is an MP3 with the tags and the duration we wrote, decoding to exactly frames × 1152 samples', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp3-'))
    try {
      const file = join(dir, 'a.mp3')
      writeFileSync(file, makeMp3({ seed: 5, durationSec: 12, title: 'Title ✓', performer: 'Performer' }))
      const probe = spawnSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' })
      expect(probe.stderr).toBe('')
      const info = JSON.parse(probe.stdout) as { streams: Record<string, unknown>[]; format: { duration: string; tags: Record<string, string> } }
      expect(info.streams[0]).toMatchObject({ codec_name: 'mp3', sample_rate: '44100', channels: 1 })
      expect(info.format.tags).toMatchObject({ title: 'Title ✓', artist: 'Performer' })
      expect(Number(info.format.duration)).toBeCloseTo((mp3FrameCount(12) * 1152) / 44100, 3)
      const pcm = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 's16le', '-'], { maxBuffer: 1 << 24 })
      expect(pcm.status).toBe(0)
      expect(pcm.stdout.length).toBe(mp3FrameCount(12) * 1152 * 2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
