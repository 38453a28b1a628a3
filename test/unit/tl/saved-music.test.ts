import { Api } from 'telegram'
import { BinaryReader } from 'telegram/extensions/index.js'
import bigInt from 'big-integer'
import { GetSavedMusic, SavedMusic, SavedMusicNotModified } from '../../../src/tl/index.js'

describe('users.getSavedMusic registration', () => {
  it('serializes the request with its layer-214 constructor id and parses it back', () => {
    const req = new GetSavedMusic({
      id: new Api.InputUser({ userId: bigInt(777), accessHash: bigInt('-1234567890123') }),
      offset: 5,
      limit: 10,
      hash: bigInt('99'),
    })
    const bytes = req.getBytes()
    expect(bytes.readUInt32LE(0)).toBe(0x788d7fe3)
    const parsed = new BinaryReader(bytes).tgReadObject() as GetSavedMusic
    expect(parsed).toBeInstanceOf(GetSavedMusic)
    expect(parsed.offset).toBe(5)
    expect(parsed.limit).toBe(10)
    expect(parsed.hash.toString()).toBe('99')
    const id = parsed.id as Api.InputUser
    expect(id.userId.toString()).toBe('777')
    expect(id.accessHash.toString()).toBe('-1234567890123')
  })

  it('parses both replies through GramJS reader', () => {
    const doc = new Api.Document({
      id: bigInt(1),
      accessHash: bigInt(2),
      fileReference: Buffer.from([1, 2, 3]),
      date: 1700000000,
      mimeType: 'audio/mpeg',
      size: bigInt(1000),
      dcId: 2,
      attributes: [new Api.DocumentAttributeAudio({ duration: 3, title: 'T', performer: 'P' })],
    })
    const full = new BinaryReader(new SavedMusic({ count: 3, documents: [doc] }).getBytes()).tgReadObject()
    expect(full).toBeInstanceOf(SavedMusic)
    expect((full as SavedMusic).count).toBe(3)
    expect((full as SavedMusic).documents[0]).toBeInstanceOf(Api.Document)
    const nm = new BinaryReader(new SavedMusicNotModified({ count: 4 }).getBytes()).tgReadObject()
    expect(nm).toBeInstanceOf(SavedMusicNotModified)
    expect((nm as SavedMusicNotModified).count).toBe(4)
  })
})
