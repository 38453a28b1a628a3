import { parseCacheFile, serializeCacheFile } from '../../../src/client/entity-cache-file.js'

describe('entity cache file', () => {
  it('stores ids and hashes as decimal strings and reads them back', () => {
    const text = serializeCacheFile(7n, [{ id: 2n ** 60n, accessHash: -(2n ** 62n), usernames: ['durov'] }])
    expect(text).toBe('{"version":1,"users":{"1152921504606846976":{"access_hash":"-4611686018427387904","usernames":["durov"]}},"self":"7"}')
    expect(parseCacheFile(text)).toEqual({ self: 7n, users: [{ id: 2n ** 60n, accessHash: -(2n ** 62n), usernames: ['durov'] }] })
  })

  it('lower-cases usernames and refuses another version', () => {
    expect(parseCacheFile('{"version":1,"users":{"1":{"access_hash":"2","usernames":["DuRov"]}}}').users[0]?.usernames).toEqual(['durov'])
    expect(() => parseCacheFile('{"version":2,"users":{}}')).toThrow('shape')
  })
})
