/**
 * MP3 profile audios for the emulator: an ID3v2.4 tag (TIT2 title, TPE1 performer) followed by silent MPEG-1 Layer III
 * frames (44.1 kHz mono, constant bit rate, no CRC). A silent frame is a correct header, 17 bytes of side info that
 * are all zero (main_data_begin 0, part2_3_length 0, big_values 0) and zeroed main data, which every decoder accepts.
 * The first frame is a LAME-style `Info` frame (Xing header for CBR) carrying the exact frame and byte counts.
 */

/** Samples per MPEG-1 Layer III frame. */
export const MP3_SAMPLES_PER_FRAME = 1152
/** Sampling rate written by {@link makeMp3}. */
export const MP3_SAMPLE_RATE = 44100

/** MPEG-1 Layer III bit rates in kbit/s by bitrate_index (ISO/IEC 11172-3 §2.4.2.3); 0 = free, 15 = bad. */
const BITRATES_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320] as const
/** MPEG-1 sampling rates by sampling_frequency index. */
const SAMPLE_RATES = [44100, 48000, 32000] as const
/** Side info size of an MPEG-1 mono frame. */
const SIDE_INFO_MONO = 17

/** Options of {@link makeMp3}. */
export interface Mp3Options {
  /** Seed; the audio is silence, so it only varies the ID3 tag's TXXX frame that makes each file unique. */
  readonly seed: number | string
  /** Duration in seconds; the frame count is ceil(durationSec × 44100 / 1152), so the file is never shorter. */
  readonly durationSec: number
  /** ID3 TIT2. */
  readonly title: string
  /** ID3 TPE1. */
  readonly performer: string
  /** Constant bit rate in kbit/s, one of the MPEG-1 Layer III rates (32…320); default 32. */
  readonly bitrateKbps?: number
}

function syncsafe(n: number): Buffer {
  if (n >= 1 << 28) throw new RangeError(`ID3 size ${n} does not fit a syncsafe integer`)
  return Buffer.from([(n >>> 21) & 0x7f, (n >>> 14) & 0x7f, (n >>> 7) & 0x7f, n & 0x7f])
}

function readSyncsafe(b: Buffer, at: number): number {
  return ((b[at]! & 0x7f) << 21) | ((b[at + 1]! & 0x7f) << 14) | ((b[at + 2]! & 0x7f) << 7) | (b[at + 3]! & 0x7f)
}

function id3Frame(id: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(id, 'latin1'), syncsafe(body.length), Buffer.from([0, 0]), body])
}

/** A text frame in UTF-8 (encoding byte 3). */
function id3Text(id: string, text: string): Buffer {
  return id3Frame(id, Buffer.concat([Buffer.from([3]), Buffer.from(text, 'utf8')]))
}

/** An ID3v2.4 tag with the given frames and no padding. */
function id3Tag(frames: Buffer[]): Buffer {
  const body = Buffer.concat(frames)
  return Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([4, 0, 0]), syncsafe(body.length), body])
}

/** Number of frames {@link makeMp3} writes for `durationSec` (audio frames; the Info frame comes on top). */
export function mp3FrameCount(durationSec: number): number {
  return Math.ceil((durationSec * MP3_SAMPLE_RATE) / MP3_SAMPLES_PER_FRAME)
}

function frameHeader(bitrateIndex: number, padding: boolean): Buffer {
  // sync(11) version=11 (MPEG-1) layer=01 (III) protection_bit=1 (no CRC) | bitrate, sampling 00 (44.1k), padding,
  // private 0 | mode 11 (single channel), mode ext 00, copyright 0, original 1, emphasis 00.
  return Buffer.from([0xff, 0xfb, (bitrateIndex << 4) | (padding ? 2 : 0), 0xc4])
}

/**
 * A valid MP3 of `durationSec` seconds of silence with an ID3v2.4 tag: TIT2 `title`, TPE1 `performer`, TXXX with the
 * seed. Frame sizes follow the standard padding rule (slot accumulation), so the stream is exactly `bitrateKbps`.
 * Deterministic: the same options give the same bytes.
 */
export function makeMp3(options: Mp3Options): Buffer {
  const { seed, durationSec, title, performer, bitrateKbps = 32 } = options
  const bitrateIndex = BITRATES_KBPS.indexOf(bitrateKbps as (typeof BITRATES_KBPS)[number])
  if (bitrateIndex <= 0) throw new RangeError(`makeMp3: ${bitrateKbps} kbit/s is not an MPEG-1 Layer III bit rate`)
  if (!(durationSec > 0)) throw new RangeError(`makeMp3: durationSec must be positive, got ${durationSec}`)
  const tag = id3Tag([
    id3Text('TIT2', title),
    id3Text('TPE1', performer),
    id3Frame('TXXX', Buffer.concat([Buffer.from([3]), Buffer.from('tg-profile-seed\0', 'utf8'), Buffer.from(String(seed), 'utf8')])),
  ])

  const audioFrames = mp3FrameCount(durationSec)
  const total = audioFrames + 1 // + the Info frame
  // Frame length in bytes is 144 × bitrate / rate, plus one padding byte whenever the fractional part has added up
  // to a whole byte (how encoders keep a 44.1 kHz stream at its nominal rate).
  const numer = 144 * bitrateKbps * 1000
  const lengths: number[] = []
  let rest = 0
  for (let i = 0; i < total; i++) {
    rest += numer % MP3_SAMPLE_RATE
    const pad = rest >= MP3_SAMPLE_RATE
    if (pad) rest -= MP3_SAMPLE_RATE
    lengths.push(Math.floor(numer / MP3_SAMPLE_RATE) + (pad ? 1 : 0))
  }
  const streamBytes = lengths.reduce((n, l) => n + l, 0)
  const out = Buffer.alloc(tag.length + streamBytes)
  tag.copy(out, 0)
  let at = tag.length
  lengths.forEach((len, i) => {
    frameHeader(bitrateIndex, len > Math.floor(numer / MP3_SAMPLE_RATE)).copy(out, at)
    if (i === 0) {
      // Xing/Info header right after the side info: flags = frames | bytes; bytes covers the whole stream.
      const x = at + 4 + SIDE_INFO_MONO
      out.write('Info', x, 'latin1')
      out.writeUInt32BE(0x3, x + 4)
      out.writeUInt32BE(audioFrames, x + 8) // audio frames, not counting this one (as LAME writes it)
      out.writeUInt32BE(streamBytes, x + 12)
    }
    at += len
  })
  return out
}

/** What {@link parseMp3} found. */
export interface Mp3Info {
  /** ID3v2 major version (4 here), or undefined without a tag. */
  readonly id3Version?: number
  /** Text frames of the ID3 tag by id (TIT2, TPE1, …), decoded. */
  readonly text: Readonly<Record<string, string>>
  /** Sampling rate of the frames. */
  readonly sampleRate: number
  /** Audio frames, not counting a leading Xing/Info frame. */
  readonly frames: number
  /** Frame count announced by a Xing/Info header (audio frames, excluding the Info frame), if any. */
  readonly xingFrames?: number
  /** frames × 1152 / sampleRate. */
  readonly durationSec: number
}

function decodeText(body: Buffer): string {
  const enc = body[0]
  const data = body.subarray(1)
  if (enc === 0) return data.toString('latin1').replace(/\0+$/, '')
  if (enc === 3) return data.toString('utf8').replace(/\0+$/, '')
  if (enc === 1 || enc === 2) {
    const le = enc === 1 ? !(data[0] === 0xfe && data[1] === 0xff) : false
    const raw = enc === 1 ? data.subarray(2) : data
    const swapped = le ? raw : Buffer.from(raw).swap16()
    return swapped.toString('utf16le').replace(/\0+$/, '')
  }
  throw new Error(`ID3: unknown text encoding ${enc}`)
}

/**
 * Walks an MP3 from first principles (ID3v2.3/2.4 header, then MPEG-1/2 Layer III frame headers back to back) and
 * reports its tag texts, frame count and duration. Throws on a lost sync or a truncated frame.
 */
export function parseMp3(buf: Buffer): Mp3Info {
  let at = 0
  const text: Record<string, string> = {}
  let id3Version: number | undefined
  if (buf.toString('latin1', 0, 3) === 'ID3') {
    id3Version = buf[3]!
    const flags = buf[5]!
    const size = readSyncsafe(buf, 6)
    const end = 10 + size
    let f = 10
    while (f + 10 <= end && buf[f] !== 0) {
      const id = buf.toString('latin1', f, f + 4)
      const len = id3Version >= 4 ? readSyncsafe(buf, f + 4) : buf.readUInt32BE(f + 4)
      const body = buf.subarray(f + 10, f + 10 + len)
      if (id.startsWith('T') && id !== 'TXXX') text[id] = decodeText(body)
      f += 10 + len
    }
    at = end + (flags & 0x10 ? 10 : 0)
  }
  let frames = 0
  let sampleRate = 0
  let samples = 0
  let xingFrames: number | undefined
  while (at < buf.length) {
    if (at + 4 > buf.length || buf[at] !== 0xff || (buf[at + 1]! & 0xe0) !== 0xe0) throw new Error(`MP3: lost frame sync at byte ${at}`)
    const b1 = buf[at + 1]!
    const b2 = buf[at + 2]!
    const b3 = buf[at + 3]!
    const version = (b1 >> 3) & 3 // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    const layer = (b1 >> 1) & 3 // 1 = Layer III
    if (layer !== 1 || version === 1) throw new Error(`MP3: not a Layer III frame at byte ${at}`)
    const brIdx = b2 >> 4
    const srIdx = (b2 >> 2) & 3
    if (brIdx === 0 || brIdx === 15 || srIdx === 3) throw new Error(`MP3: bad bitrate/sampling index at byte ${at}`)
    const mpeg1 = version === 3
    const rate = (SAMPLE_RATES[srIdx] ?? 0) / (mpeg1 ? 1 : version === 2 ? 2 : 4)
    const kbps = mpeg1 ? BITRATES_KBPS[brIdx]! : [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160][brIdx]!
    const perFrame = mpeg1 ? 1152 : 576
    const len = Math.floor(((perFrame / 8) * kbps * 1000) / rate) + ((b2 >> 1) & 1)
    if (at + len > buf.length) throw new Error(`MP3: truncated frame at byte ${at}`)
    const mono = b3 >> 6 === 3
    const side = mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17
    const tagAt = at + 4 + side
    const tagId = buf.toString('latin1', tagAt, tagAt + 4)
    if (frames === 0 && samples === 0 && xingFrames === undefined && (tagId === 'Xing' || tagId === 'Info')) {
      if (buf.readUInt32BE(tagAt + 4) & 1) xingFrames = buf.readUInt32BE(tagAt + 8)
    } else {
      frames++
      samples += perFrame
    }
    sampleRate = rate
    at += len
  }
  return {
    ...(id3Version !== undefined ? { id3Version } : {}),
    text,
    sampleRate,
    frames,
    ...(xingFrames !== undefined ? { xingFrames } : {}),
    durationSec: sampleRate > 0 ? samples / sampleRate : 0,
  }
}

/** Duration in seconds of an MP3, from its frame count (see {@link parseMp3}). */
export function parseMp3Duration(buf: Buffer): number {
  return parseMp3(buf).durationSec
}
