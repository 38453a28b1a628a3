/**
 * The media renderer the app tests give the world: the real JPEG and MP4 makers from src/emulator/media, and — until
 * the MP3 maker lands there — a small deterministic MPEG-1 Layer III stand-in (ID3v2.4 tag + silent frames).
 */
import * as media from '../../../../src/emulator/media/index.js'
import { makeMp4, setMp4Tag } from '../../../../src/emulator/media/mp4.js'
import type { WorldMedia } from '../../../../src/emulator/world.js'

function id3Frame(id: string, text: string): Buffer {
  const body = Buffer.concat([Buffer.from([3]), Buffer.from(text, 'utf8')])
  const head = Buffer.alloc(10)
  head.write(id, 0, 'latin1')
  // ID3v2.4 sizes are syncsafe
  head.writeUInt32BE(((body.length & 0x0fe00000) << 3) | ((body.length & 0x1fc000) << 2) | ((body.length & 0x3f80) << 1) | (body.length & 0x7f), 4)
  return Buffer.concat([head, body])
}

function makeMp3Standin(o: { seed: number; durationSec: number; title: string; performer: string }): Buffer {
  const frames = Buffer.concat([id3Frame('TIT2', o.title), id3Frame('TPE1', o.performer), id3Frame('TXXX', `\u0000${o.seed}`)])
  const tag = Buffer.alloc(10)
  tag.write('ID3', 0, 'latin1')
  tag[3] = 4
  const n = frames.length
  tag.writeUInt32BE(((n & 0x0fe00000) << 3) | ((n & 0x1fc000) << 2) | ((n & 0x3f80) << 1) | (n & 0x7f), 6)
  // 32 kbps, 44.1 kHz, mono: 104-byte frames of 1152 samples
  const count = Math.round((o.durationSec * 44100) / 1152)
  const frame = Buffer.alloc(104)
  frame.writeUInt32BE(0xfffb10c4, 0)
  return Buffer.concat([tag, frames, ...Array.from({ length: count }, () => frame)])
}

export const testMedia: WorldMedia = {
  renderAvatarJpeg: (seed, w, h, options) => media.renderAvatarJpeg(seed, w, h, options),
  strippedThumb: (seed, w, h) => media.strippedThumb(seed, w, h),
  insertJpegComment: (jpeg, comment) => media.insertJpegComment(jpeg, comment),
  makeMp4: (o) => makeMp4(o),
  setMp4Tag: (mp4, tag) => setMp4Tag(mp4, tag),
  makeMp3: makeMp3Standin,
}
