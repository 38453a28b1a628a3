import { randomBytes } from 'node:crypto'
import { Api } from 'telegram'
import { serializeAnswer } from '../../../../src/emulator/protocol/session.js'

const join = (b: Buffer | Buffer[]): Buffer => (Buffer.isBuffer(b) ? b : Buffer.concat(b))

describe('serializeAnswer', () => {
  it.each([0, 3, 253, 254, 4096, 1024 * 1024])('gives an upload.file of %i bytes in pieces that join to its TL', (n) => {
    const file = new Api.upload.File({ type: new Api.storage.FilePartial(), mtime: 1_700_000_000, bytes: randomBytes(n) })
    const pieces = serializeAnswer(file)
    expect(Array.isArray(pieces)).toBe(true)
    expect(join(pieces).equals(file.getBytes())).toBe(true)
    expect(join(pieces).length % 4).toBe(0)
  })

  it('serializes other answers, booleans and vectors whole', () => {
    const nearest = new Api.NearestDc({ country: 'NL', thisDc: 2, nearestDc: 2 })
    expect(join(serializeAnswer(nearest)).equals(nearest.getBytes())).toBe(true)
    expect(join(serializeAnswer(true)).readUInt32LE(0)).toBe(0x997275b5)
  })
})
