/**
 * File bytes of the world, rendered lazily by the media module. One base file is rendered per (kind, dimensions,
 * variant) class and cached, and each file is made unique by a fixed-length tag (a JPEG COM segment, an MP4 box), so
 * its byte length is known without rendering it. MP3s carry per-audio ID3 text and are rendered on demand; their
 * lengths are cached (numbers only). Rendered files live in a small LRU.
 */
import { createHash } from 'node:crypto'
import { Lru } from './lru.js'
import type { AudioMeta, PhotoMeta, PhotoSizeMeta } from './model.js'
import { PHOTO_VARIANTS, photoSizes, VIDEO_SIZE } from './profile-media.js'

/** What the world needs from `src/emulator/media/` (injected so the world does not depend on how bytes are made). */
export interface WorldMedia {
  renderAvatarJpeg(
    seed: number,
    w: number,
    h: number,
    options: { progressive?: boolean; quality?: number },
  ): { bytes: Buffer; scanEnds?: number[] }
  strippedThumb(seed: number, w: number, h: number): Buffer
  insertJpegComment(jpeg: Buffer, comment: Buffer): Buffer
  makeMp4(options: { seed: number; width: number; height: number; durationMs: number; fps?: number }): Buffer
  setMp4Tag(mp4: Buffer, tag: Buffer): Buffer
  makeMp3(options: { seed: number; durationSec: number; title: string; performer: string }): Buffer
}

/** Options of {@link WorldRenderer}. */
export interface RendererOptions {
  /** Seed of the world (varies the base files). */
  readonly seed: number
  readonly media: WorldMedia
  /** How many rendered files to keep in memory. */
  readonly fileCacheSize: number
  /** At most this many bytes of rendered files in memory. */
  readonly fileCacheBytes: number
}

/** Video avatars are costlier to encode: fewer base variants. */
const VIDEO_VARIANTS = 2
const TAG_LENGTH = 24
/** Byte overhead the JPEG COM tag adds (4 + tag length). */
const JPEG_OVERHEAD = 4 + TAG_LENGTH

/** Key of a photo size's file, unique in the world (also what its tag is made from). */
export function photoFileKey(photo: PhotoMeta, size: PhotoSizeMeta): string {
  return `photo:${photo.id}:${size.type}`
}

/** Key of a video avatar's file. */
export function videoFileKey(photo: PhotoMeta): string {
  return `video:${photo.id}:u`
}

/** Key of an audio's file. */
export function audioFileKey(audio: AudioMeta): string {
  return `audio:${audio.id}`
}

/** Key of the MP4 base the video avatars of photos of `photoVariant` share. */
function mp4BaseKey(photoVariant: number): string {
  return `mp4/${photoVariant % VIDEO_VARIANTS}`
}

/** Renders and caches the bytes of every file of the world. */
export class WorldRenderer {
  private readonly seed: number
  private readonly media: WorldMedia
  private readonly files: Lru<Buffer>
  private readonly baseCache = new Map<string, { bytes: Buffer; scanEnds: readonly number[] }>()
  private readonly lengthCache = new Map<string, number>()

  constructor(options: RendererOptions) {
    this.seed = options.seed
    this.media = options.media
    this.files = new Lru(options.fileCacheSize, options.fileCacheBytes)
  }

  /** Renders every base file once (JPEG classes, stripped thumbs, MP4s). */
  prepareMedia(): void {
    for (let variant = 0; variant < PHOTO_VARIANTS; variant++) {
      for (const progressive of [false, true]) for (const size of photoSizes(progressive)) this.jpegBase(size, variant)
      this.strippedByVariant(variant)
      this.videoLengthByVariant(variant)
    }
  }

  /** Byte length of one photo size file (renders only the cached base). */
  photoSizeLength(photo: PhotoMeta, size: PhotoSizeMeta): number {
    return this.jpegBase(size, photo.variant).bytes.length + JPEG_OVERHEAD
  }

  /** `photoSizeProgressive` byte offsets of a size's file (shifted by the tag). */
  photoSizeScanEnds(photo: PhotoMeta, size: PhotoSizeMeta): number[] {
    const length = this.photoSizeLength(photo, size)
    const ends = this.jpegBase(size, photo.variant).scanEnds.map((e) => e + JPEG_OVERHEAD)
    // photoSizeProgressive.sizes ends with the full length: a client reading all of it has the final image
    if (ends[ends.length - 1] !== length) ends.push(length)
    return ends
  }

  /** The stripped thumbnail (`i`) of a photo. */
  strippedThumb(photo: PhotoMeta): Buffer {
    return this.strippedByVariant(photo.variant)
  }

  /** Byte length of a video avatar. */
  videoLength(photo: PhotoMeta): number {
    return this.videoLengthByVariant(photo.variant)
  }

  /** Byte length of an audio file (rendered once, then remembered). */
  audioLength(audio: AudioMeta): number {
    const known = this.lengthCache.get(audioFileKey(audio))
    if (known !== undefined) return known
    return this.audioBytes(audio).length
  }

  /** Bytes of a photo size. */
  photoSizeBytes(photo: PhotoMeta, size: PhotoSizeMeta): Buffer {
    const key = photoFileKey(photo, size)
    let b = this.files.get(key)
    if (b === undefined) {
      b = this.media.insertJpegComment(this.jpegBase(size, photo.variant).bytes, this.tag(key))
      this.files.set(key, b)
    }
    return b
  }

  /** Bytes of a video avatar. */
  videoBytes(photo: PhotoMeta): Buffer {
    const key = videoFileKey(photo)
    let b = this.files.get(key)
    if (b === undefined) {
      b = this.renderVideo(photo)
      this.files.set(key, b)
    }
    return b
  }

  /** Bytes of an audio. */
  audioBytes(audio: AudioMeta): Buffer {
    const key = audioFileKey(audio)
    let b = this.files.get(key)
    if (b === undefined) {
      b = this.media.makeMp3({
        seed: Number(BigInt.asUintN(31, audio.id ^ BigInt(this.seed))),
        durationSec: audio.duration,
        title: audio.title,
        performer: audio.performer,
      })
      this.files.set(key, b)
      this.lengthCache.set(key, b.length)
    }
    return b
  }

  /** The untagged base a video avatar is made from, and a key shared by every avatar with that base. */
  videoBase(photo: PhotoMeta): { key: string; bytes: Buffer } {
    return { key: mp4BaseKey(photo.variant), bytes: this.mp4Base(photo.variant) }
  }

  /** Renders a video avatar without keeping it (the LRU is for files being served). */
  renderVideo(photo: PhotoMeta): Buffer {
    return this.media.setMp4Tag(this.mp4Base(photo.variant), this.tag(videoFileKey(photo)))
  }

  private tag(key: string): Buffer {
    const tag = Buffer.alloc(TAG_LENGTH, 0x20)
    tag.write(`tgp:${createHash('sha256').update(key).digest('hex')}`.slice(0, TAG_LENGTH), 'latin1')
    return tag
  }

  private jpegBase(size: PhotoSizeMeta, variant: number): { bytes: Buffer; scanEnds: readonly number[] } {
    const key = `jpeg/${size.w}x${size.h}/${size.progressive ? 'p' : 'b'}/${variant}`
    let base = this.baseCache.get(key)
    if (base === undefined) {
      const r = this.media.renderAvatarJpeg(this.seed * 31 + variant, size.w, size.h, {
        progressive: size.progressive,
      })
      base = { bytes: r.bytes, scanEnds: r.scanEnds ?? [] }
      this.baseCache.set(key, base)
    }
    return base
  }

  private mp4Base(photoVariant: number): Buffer {
    const variant = photoVariant % VIDEO_VARIANTS
    const key = mp4BaseKey(photoVariant)
    let base = this.baseCache.get(key)
    if (base === undefined) {
      const bytes = this.media.makeMp4({
        seed: this.seed * 31 + variant,
        width: VIDEO_SIZE,
        height: VIDEO_SIZE,
        // few frames: the media module's frames are uncompressed (I_PCM), ~600 KB each at 640x640
        durationMs: 1000,
        fps: 2,
      })
      base = { bytes, scanEnds: [] }
      this.baseCache.set(key, base)
    }
    return base.bytes
  }

  private strippedByVariant(variant: number): Buffer {
    const key = `stripped/${variant}`
    let base = this.baseCache.get(key)
    if (base === undefined) {
      base = { bytes: this.media.strippedThumb(this.seed * 31 + variant, 40, 40), scanEnds: [] }
      this.baseCache.set(key, base)
    }
    return base.bytes
  }

  private videoLengthByVariant(photoVariant: number): number {
    const key = `mp4len/${photoVariant % VIDEO_VARIANTS}`
    let n = this.lengthCache.get(key)
    if (n === undefined) {
      n = this.media.setMp4Tag(this.mp4Base(photoVariant), this.tag('probe')).length
      this.lengthCache.set(key, n)
    }
    return n
  }
}
