import {
  audioExtension,
  audioFileName,
  isPartialName,
  partialName,
  photoFileName,
  relativePath,
  userDirName,
} from '../../../src/archive/layout.js'

describe('archive layout', () => {
  it('names user folders by numeric id only', () => {
    expect(userDirName(777000)).toBe('777000')
    expect(userDirName(5_000_000_001n)).toBe('5000000001')
    expect(userDirName('123')).toBe('123')
    for (const bad of ['durov', '../1', '0', '-5', '1/2', '', '12 ']) {
      expect(() => userDirName(bad)).toThrow(`archive layout: invalid user id ${JSON.stringify(bad)}`)
    }
  })

  it('names photo and video files by photo id and size letter', () => {
    expect(photoFileName('5123456789012345678', 'c', false)).toBe('5123456789012345678_c.jpg')
    expect(photoFileName('-42', 'u', true)).toBe('-42_u.mp4')
    expect(() => photoFileName('../x', 'c', false)).toThrow('archive layout: invalid photo id "../x"')
    expect(() => photoFileName('1', 'cc', false)).toThrow('archive layout: invalid size letter "cc"')
    expect(() => photoFileName('1', '/', false)).toThrow('archive layout: invalid size letter "/"')
  })

  it('gives audios their real extension, never a path from the file name', () => {
    expect(audioFileName('99', 'Song Title.MP3', 'audio/mpeg')).toBe('99.mp3')
    expect(audioFileName('99', 'track.flac', 'audio/mpeg')).toBe('99.flac')
    expect(audioFileName('99', undefined, 'audio/ogg')).toBe('99.ogg')
    expect(audioFileName('99', 'noext', 'audio/x-m4a')).toBe('99.m4a')
    expect(audioFileName('99', '../../etc/passwd', undefined)).toBe('99.bin')
    expect(audioFileName('99', 'evil.mp3/../../x', 'audio/mpeg')).toBe('99.mp3')
    expect(audioExtension('.bashrc', 'audio/mpeg')).toBe('mp3')
    expect(audioExtension('a.verylongextension', undefined)).toBe('bin')
    expect(() => audioFileName('x', 'a.mp3', undefined)).toThrow('archive layout: invalid document id "x"')
  })

  it('builds relative posix paths and partial names', () => {
    expect(relativePath(42, '7_c.jpg')).toBe('42/7_c.jpg')
    expect(partialName('7_c.jpg')).toBe('.7_c.jpg.tgp-partial')
    expect(isPartialName('.7_c.jpg.tgp-partial')).toBe(true)
    expect(isPartialName('7_c.jpg.tgp-partial')).toBe(false)
    expect(isPartialName('.tgp-partial')).toBe(false)
  })
})
