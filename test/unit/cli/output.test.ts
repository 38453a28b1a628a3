import { sniffExtension } from '../../../src/botapi/sniff.js'
import { audiosTable, formatTable, photosTable } from '../../../src/cli/output.js'

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))))

describe('sniffExtension', () => {
  it('recognises JPEG, MP4, M4A, MP3 (ID3 and frame sync), Ogg, FLAC, WAV, PNG and WebP', () => {
    expect(sniffExtension(bytes([0xff, 0xd8, 0xff, 0xe0]), 'photo')).toBe('.jpg')
    expect(sniffExtension(bytes([0, 0, 0, 0x20], 'ftypisom'), 'photo')).toBe('.mp4')
    expect(sniffExtension(bytes([0, 0, 0, 0x20], 'ftypM4A '), 'document')).toBe('.m4a')
    expect(sniffExtension(bytes('ID3', [4, 0]), 'document')).toBe('.mp3')
    expect(sniffExtension(bytes([0xff, 0xfb, 0x90, 0x64]), 'document')).toBe('.mp3')
    expect(sniffExtension(bytes('OggS', [0]), 'document')).toBe('.ogg')
    expect(sniffExtension(bytes('fLaC'), 'document')).toBe('.flac')
    expect(sniffExtension(bytes('RIFF', [0, 0, 0, 0], 'WAVE'), 'document')).toBe('.wav')
    expect(sniffExtension(bytes([0x89], 'PNG\r\n', [0x1a, 0x0a]), 'photo')).toBe('.png')
    expect(sniffExtension(bytes('RIFF', [0, 0, 0, 0], 'WEBP'), 'photo')).toBe('.webp')
  })

  it('falls back to .bin for unknown documents and .jpg for unknown photos and thumbnails', () => {
    expect(sniffExtension(bytes('hello'), 'document')).toBe('.bin')
    expect(sniffExtension(new Uint8Array(), 'photo')).toBe('.jpg')
    expect(sniffExtension(bytes('hello'), 'documentThumbnail')).toBe('.jpg')
  })
})

describe('terminal tables', () => {
  it('aligns columns and does not pad the last one', () => {
    expect(formatTable(['a', 'long header'], [['xyz', '1'], ['q', '22']])).toBe('a    long header\nxyz  1\nq    22\n')
  })

  it('shows one row per photo size with its photo index', () => {
    const size = (w: number, id: string) => ({ file_id: id, file_unique_id: 'u', file_size: w * 10, width: w, height: w })
    expect(photosTable({ total_count: 3, photos: [[size(160, 'A'), size(640, 'B')], [size(160, 'C')]] })).toBe(
      'total_count: 3, photos shown: 2\n' +
        '#  size     bytes  file_id\n' +
        '0  160x160  1600   A\n' +
        '0  640x640  6400   B\n' +
        '1  160x160  1600   C\n',
    )
  })

  it('shows only the counts when there is nothing', () => {
    expect(photosTable({ total_count: 0, photos: [] })).toBe('total_count: 0, photos shown: 0\n')
    expect(audiosTable({ total_count: 0, audios: [] })).toBe('total_count: 0, audios shown: 0\n')
  })

  it('names an audio by performer and title, else by file name', () => {
    const table = audiosTable({
      total_count: 2,
      audios: [
        { duration: 61, performer: 'P', title: 'T', file_id: 'F1', file_unique_id: 'U1', file_size: 100 },
        { duration: 5, file_name: 'x.mp3', file_id: 'F2', file_unique_id: 'U2' },
      ],
    })
    expect(table).toBe(
      'total_count: 2, audios shown: 2\n' +
        '#  duration  bytes  title  file_id\n' +
        '0  61s       100    P - T  F1\n' +
        '1  5s               x.mp3  F2\n',
    )
  })
})
