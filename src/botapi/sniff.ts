/**
 * What a downloaded file is, from its first bytes: a `file_id` does not carry the MIME type, so the CLI's file names
 * and the HTTP endpoint's `Content-Type` are read from the content itself.
 */

/** The extension for a downloaded file, from its first bytes (16 are enough). */
export function sniffExtension(head: Uint8Array, kind: 'photo' | 'document' | 'documentThumbnail'): string {
  const ascii = (from: number, to: number): string => Buffer.from(head.subarray(from, to)).toString('latin1')
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return '.jpg'
  if (ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12)
    return brand.startsWith('M4A') ? '.m4a' : '.mp4'
  }
  if (ascii(0, 3) === 'ID3') return '.mp3'
  if (head[0] === 0xff && head[1] !== undefined && (head[1] & 0xe0) === 0xe0) return '.mp3'
  if (ascii(0, 4) === 'OggS') return '.ogg'
  if (ascii(0, 4) === 'fLaC') return '.flac'
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return '.wav'
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return '.png'
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return '.webp'
  return kind === 'document' ? '.bin' : '.jpg'
}

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.m4a': 'audio/mp4',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.flac': 'audio/flac',
  '.wav': 'audio/wav',
}

/** The MIME type of an extension {@link sniffExtension} returns; `application/octet-stream` for `.bin`. */
export function mimeTypeOf(extension: string): string {
  return MIME_TYPES[extension] ?? 'application/octet-stream'
}
