import { randomBytes } from 'node:crypto'
import { Api } from 'telegram'
import { serializeAnswer } from '../../../../src/emulator/protocol/answer.js'
import { GRAMJS_LAYER, layerView } from '../../../../src/emulator/tl/schemas.js'
import { fromGramJs } from '../../../helpers/gramjs-tl.js'

const view = layerView(GRAMJS_LAYER)

describe('serializeAnswer', () => {
  it.each([0, 3, 253, 254, 4096, 1024 * 1024])('gives an upload.file of %i bytes in pieces that join to its TL', (n) => {
    const bytes = randomBytes(n)
    const file = new Api.upload.File({ type: new Api.storage.FilePartial(), mtime: 1_700_000_000, bytes })
    const pieces = serializeAnswer({ _: 'upload.file', type: { _: 'storage.filePartial' }, mtime: 1_700_000_000, bytes }, view)
    expect(Buffer.concat(pieces).equals(file.getBytes())).toBe(true)
    expect(Buffer.concat(pieces).length % 4).toBe(0)
    // a large part is its own piece, the very buffer given (not copied)
    if (n >= 4096) expect(pieces.some((p) => p === bytes)).toBe(true)
  })

  it('serializes other answers, booleans and vectors', () => {
    const nearest = new Api.NearestDc({ country: 'NL', thisDc: 2, nearestDc: 2 })
    expect(Buffer.concat(serializeAnswer(fromGramJs(nearest), view)).equals(nearest.getBytes())).toBe(true)
    expect(Buffer.concat(serializeAnswer(true, view)).readUInt32LE(0)).toBe(0x997275b5)
    const longs = Buffer.concat(serializeAnswer([1n, -2n], view))
    expect(longs.toString('hex')).toBe('15c4b51c02000000' + '0100000000000000' + 'feffffffffffffff')
  })
})
