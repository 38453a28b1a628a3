/**
 * What the listings said about the files they named: a `file_id` carries neither the size nor the type, while the
 * `PhotoSize` or `Audio` it came in does. `getFile` reports the size (and the download its `Content-Length`) from
 * here; a file id from elsewhere still downloads, its size read from the download itself.
 */
import type { Audio, PhotoSize, UserProfileAudios, UserProfilePhotos } from '../botapi/types.js'

/** What is known of one file. */
export interface KnownFile {
  /** Bytes, when the listing gave them. */
  readonly size: number | undefined
  /** Extension with its dot (from an audio's file name), or `''`. */
  readonly extension: string
  /** The MIME type the listing gave (audios), if any. */
  readonly mimeType?: string
  /** The `user_id` whose listing named it: where a fresh file reference is found when this one expires. */
  readonly owner?: string
}

function extensionOf(audio: Audio): string {
  const m = /(\.[A-Za-z0-9]{1,5})$/.exec(audio.file_name ?? '')
  return m === null ? '' : (m[1] as string).toLowerCase()
}

/** The files of recent listings, the oldest forgotten first beyond `capacity`. */
export class KnownFiles {
  private readonly files = new Map<string, KnownFile>()

  constructor(private readonly capacity = 10_000) {}

  /** What is known of `fileId`, if anything. */
  get(fileId: string): KnownFile | undefined {
    return this.files.get(fileId)
  }

  private add(fileId: string, file: KnownFile): void {
    this.files.delete(fileId)
    this.files.set(fileId, file)
    if (this.files.size > this.capacity) {
      const oldest = this.files.keys().next()
      if (oldest.done !== true) this.files.delete(oldest.value)
    }
  }

  private addSize(size: PhotoSize, owner: string): void {
    this.add(size.file_id, { size: size.file_size, extension: '', owner })
  }

  /** Remembers every size of a `UserProfilePhotos` of `owner`'s. */
  addPhotos(result: UserProfilePhotos, owner: string): void {
    for (const sizes of result.photos) for (const s of sizes) this.addSize(s, owner)
  }

  /** Remembers every audio (and album cover) of a `UserProfileAudios` of `owner`'s. */
  addAudios(result: UserProfileAudios, owner: string): void {
    for (const a of result.audios) {
      const mime = a.mime_type !== undefined ? { mimeType: a.mime_type } : {}
      this.add(a.file_id, { size: a.file_size, extension: extensionOf(a), owner, ...mime })
      if (a.thumbnail !== undefined) this.addSize(a.thumbnail, owner)
    }
  }
}
