import { malformedToken, parseRoute, redactPath } from '../../../src/serve/route.js'

describe('parseRoute', () => {
  it('reads /bot<token>/test/<method> as the test environment', () => {
    expect(parseRoute('/bot1:abc/test/getMe')).toEqual({ kind: 'test-dc', token: '1:abc' })
  })

  it('reads /bot<token>/<method> with the method lower-cased', () => {
    expect(parseRoute('/bot1:abc/getUserProfilePhotos')).toEqual({ kind: 'method', token: '1:abc', method: 'getuserprofilephotos' })
  })

  it('reads /file/bot<token>/<file_path>', () => {
    expect(parseRoute('/file/bot1:abc/profile_photos/x.jpg')).toEqual({ kind: 'file', token: '1:abc', filePath: 'profile_photos/x.jpg' })
  })

  it('finds nothing outside those shapes', () => {
    for (const path of ['/', '/getMe', '/bot1:abc', '/file/x', '/bot%E0/getMe', '/bot1:abc/testgetMe']) expect(parseRoute(path)).toEqual({ kind: 'not-found' })
  })
})

describe('redactPath', () => {
  it('replaces the token in both shapes', () => {
    expect(redactPath('/bot1:abc/getMe')).toBe('/bot<token>/getMe')
    expect(redactPath('/file/bot1:abc/music/a.mp3')).toBe('/file/bot<token>/music/a.mp3')
  })
})

describe('malformedToken', () => {
  it('accepts <positive id below 2^54>:<secret>', () => {
    expect(malformedToken('123:abc')).toBe(false)
  })

  it('refuses what telegram-bot-api refuses before asking anyone', () => {
    for (const token of ['', 'abc', '0123:abc', '-1:abc', 'x:abc', `1:${'a'.repeat(80)}`, `${2 ** 54}:abc`]) {
      expect([token, malformedToken(token)]).toEqual([token, true])
    }
  })
})
